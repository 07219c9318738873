import * as tf from '@tensorflow/tfjs';

/** One known-answer check of the active backend, as plain numbers. */
export interface SelfTestResult {
  ok: boolean;
  /** What was computed, in words a person can check by hand. */
  op: string;
  expected: number[];
  /** What the backend returned; empty when it threw. */
  got: number[];
  /** Milliseconds from building the op to reading its values back. */
  ms: number;
  /** The backend's error message when the op threw. */
  error?: string;
}

/** Largest |got − expected| accepted: the answers are small integers, exact in float32. */
const TOLERANCE = 1e-3;

/** x = [[1,2,3],[4,5,6],[7,8,9]] as an image batch: [batch 1, height 3, width 3, channels 1]. */
function image3x3(): tf.Tensor4D {
  return tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
}

/** A 2×2 filter of ones, 1 channel in and out: [2, 2, 1, 1]. */
function onesFilter2x2(): tf.Tensor4D {
  return tf.ones([2, 2, 1, 1]);
}

interface Check {
  op: string;
  expected: number[];
  /** Builds the answer; runs inside tf.tidy, so intermediates are freed. */
  compute: () => tf.Tensor;
}

/**
 * Known answers worked out by hand. The conv2d filter gradient is included because training
 * needs it and some backends lack it (wasm's Conv2DBackpropFilter).
 */
const CHECKS: readonly Check[] = [
  {
    op: 'square([1, 2, 3, 4])',
    expected: [1, 4, 9, 16],
    compute: () => tf.square(tf.tensor1d([1, 2, 3, 4])),
  },
  {
    op: 'matMul([[1, 2], [3, 4]], [[5, 6], [7, 8]])',
    expected: [19, 22, 43, 50],
    compute: () => tf.matMul(tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.tensor2d([5, 6, 7, 8], [2, 2])),
  },
  {
    op: 'conv2d(3×3 image 1…9, 2×2 ones, stride 1, valid)',
    // Each output is the sum of one 2×2 window: 1+2+4+5, 2+3+5+6, 4+5+7+8, 5+6+8+9.
    expected: [12, 16, 24, 28],
    compute: () => tf.conv2d(image3x3(), onesFilter2x2(), 1, 'valid'),
  },
  {
    op: 'd sum(conv2d(3×3 image 1…9, w)) / d w, w a 2×2 filter',
    // dL/dw[i][j] is the sum of the input window offset by (i, j): the same four sums as above.
    expected: [12, 16, 24, 28],
    compute: () => {
      const x = image3x3();
      const lossOfFilter = (w: tf.Tensor): tf.Tensor =>
        tf.sum(tf.conv2d(x, w as tf.Tensor4D, 1, 'valid'));
      return tf.grad(lossOfFilter)(onesFilter2x2());
    },
  },
];

async function runCheck(check: Check): Promise<SelfTestResult> {
  const start = performance.now();
  let answer: tf.Tensor | undefined;
  try {
    answer = tf.tidy(check.compute);
    const got = Array.from(await answer.data());
    const ok =
      got.length === check.expected.length &&
      got.every((value, i) => Math.abs(value - check.expected[i]) <= TOLERANCE);
    return { ok, op: check.op, expected: check.expected, got, ms: performance.now() - start };
  } catch (error) {
    return {
      ok: false,
      op: check.op,
      expected: check.expected,
      got: [],
      ms: performance.now() - start,
      error: error instanceof Error ? error.message : String(error),
    };
  } finally {
    answer?.dispose();
  }
}

/**
 * Runs every known-answer check on the active backend, one after another, and reads each result
 * back with `await data()`. Never throws: a failing op is a result with `ok: false`.
 * Leaves no tensors behind.
 */
export async function runSelfTest(): Promise<SelfTestResult[]> {
  const results: SelfTestResult[] = [];
  for (const check of CHECKS) results.push(await runCheck(check));
  return results;
}

/**
 * The capability check of one generator on the active backend: a forward pass of a batch of 2
 * latents and the gradient of mean(g(z)) with respect to every trainable weight, both finite and
 * the gradient not all zero. Never throws; leaves no tensors behind.
 *
 * @param generator z [b, latentDim] → images [b, H, W, C]; borrowed, not changed.
 */
export async function generatorSelfTest(
  generator: tf.LayersModel,
  latentDim: number,
): Promise<SelfTestResult> {
  const start = performance.now();
  const op = `forward + gradient of this generator, batch 2 (${generator.trainableWeights.length} weight tensors)`;
  let sums: tf.Tensor[] = [];
  try {
    sums = tf.tidy(() => {
      // [2, latentDim], fixed values in [−1, 1]: no random kernel needed.
      const z = tf.tensor2d(
        Float32Array.from({ length: 2 * latentDim }, (_, i) => Math.sin(1 + i * 0.7)),
        [2, latentDim],
      );
      const vars = generator.trainableWeights.map((w) => w.read() as tf.Variable);
      const { value, grads } = tf.variableGrads(
        () => tf.mean(generator.apply(z, { training: false }) as tf.Tensor) as tf.Scalar,
        vars,
      );
      // Pairwise adds, not tf.addN: WebGPU's AddN binds every input as a storage buffer, and
      // past maxStorageBuffersPerShaderStage − 1 inputs (7 by default) the pipeline is invalid,
      // so the whole batched submit silently yields zeros (a DCGAN has 9+ weight tensors).
      const gradAbsSum = Object.values(grads)
        .map((g) => tf.sum(tf.abs(g)))
        .reduce((total, part) => tf.add(total, part));
      return [value, gradAbsSum];
    });
    const [value, gradAbsSum] = (await Promise.all(sums.map((t) => t.data()))).map((d) => d[0]);
    const ok = Number.isFinite(value) && Number.isFinite(gradAbsSum) && gradAbsSum > 0;
    return { ok, op, expected: [], got: [value, gradAbsSum], ms: performance.now() - start };
  } catch (error) {
    return {
      ok: false,
      op,
      expected: [],
      got: [],
      ms: performance.now() - start,
      error: error instanceof Error ? error.message : String(error),
    };
  } finally {
    tf.dispose(sums);
  }
}
