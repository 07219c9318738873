import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initNodeBackend } from '../../src/cli/tf-backend';
import {
  registerWasmTrainingKernels,
  WASM_TRAINING_KERNELS,
} from '../../src/lib/engine/wasm-kernels/index';
import { buildMnistClassifier } from '../../src/lib/models/classifier';
import { buildDcganDiscriminator, buildDcganGenerator } from '../../src/lib/models/dcgan';
import { buildVaeDecoder } from '../../src/lib/models/vae';
import { msSsim } from '../../src/lib/core/ssim';

/**
 * Every kernel registered by registerWasmTrainingKernels, checked against the cpu backend's
 * kernels (the reference: pure JavaScript, the algorithm TF.js defines) on the same inputs.
 */

interface Input {
  values: Float32Array | Int32Array;
  shape: number[];
  dtype?: 'float32' | 'int32';
}

/** Deterministic uniform values in [lo, hi) (mulberry32). */
function uniform(count: number, seed: number, lo = -1, hi = 1): Float32Array {
  let a = seed >>> 0;
  return Float32Array.from({ length: count }, () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return lo + (hi - lo) * (((t ^ (t >>> 14)) >>> 0) / 4294967296);
  });
}

let seed = 1;
function rand(shape: number[], lo = -1, hi = 1): Input {
  return { values: uniform(tf.util.sizeFromShape(shape), seed++, lo, hi), shape };
}

/** Integers in [lo, hi]: many ties, as after ReLU or in 8-bit images. */
function ints(shape: number[], lo: number, hi: number): Input {
  const v = uniform(tf.util.sizeFromShape(shape), seed++, lo, hi + 1);
  return { values: v.map(Math.floor), shape };
}

type Fn = (...t: tf.Tensor[]) => tf.Tensor | tf.Tensor[];

interface Result {
  values: (Float32Array | Int32Array | Uint8Array)[];
  shapes: number[][];
}

async function runOn(backend: 'wasm' | 'cpu', fn: Fn, inputs: Input[]): Promise<Result> {
  await tf.setBackend(backend);
  const outs = tf.tidy(() => {
    const out = fn(...inputs.map((i) => tf.tensor(i.values, i.shape, i.dtype ?? 'float32')));
    return Array.isArray(out) ? out : [out];
  });
  const values = (await Promise.all(outs.map((o) => o.data()))) as Result['values'];
  const shapes = outs.map((o) => o.shape);
  tf.dispose(outs);
  return { values, shapes };
}

/** max |wasm − cpu| / max(|cpu|), NaN where one side is NaN and the other not. */
function relativeError(w: ArrayLike<number>, c: ArrayLike<number>): number {
  let diff = 0;
  let scale = 1e-6;
  for (let i = 0; i < c.length; i++) {
    if (Number.isNaN(w[i]) || Number.isNaN(c[i])) {
      if (Number.isNaN(w[i]) !== Number.isNaN(c[i])) return Number.NaN;
      continue;
    }
    if (w[i] === c[i]) continue;
    diff = Math.max(diff, Math.abs(w[i] - c[i]));
    scale = Math.max(scale, Math.abs(c[i]));
  }
  for (let i = 0; i < c.length; i++) {
    if (Number.isFinite(c[i])) scale = Math.max(scale, Math.abs(c[i]));
  }
  return diff / scale;
}

async function expectSame(fn: Fn, inputs: Input[], tol = 1e-4): Promise<void> {
  const w = await runOn('wasm', fn, inputs);
  const c = await runOn('cpu', fn, inputs);
  expect(w.shapes).toEqual(c.shapes);
  w.values.forEach((v, i) => {
    expect(relativeError(v, c.values[i])).toBeLessThanOrEqual(tol);
  });
}

const conv2dBackpropFilter = (
  x: tf.Tensor,
  dy: tf.Tensor,
  filterShape: number[],
  strides: number | [number, number],
  pad: 'same' | 'valid' | number,
): tf.Tensor =>
  tf
    .engine()
    .runKernel(
      'Conv2DBackpropFilter',
      { x, dy },
      { strides, pad, dataFormat: 'NHWC', filterShape },
    ) as tf.Tensor;

beforeAll(async () => {
  expect(await initNodeBackend('wasm')).toBe('wasm');
});

afterAll(async () => {
  await tf.setBackend('cpu');
});

describe('registration', () => {
  it('is idempotent and leaves every configured kernel registered for wasm', () => {
    const before = tf.getKernelsForBackend('wasm').length;
    registerWasmTrainingKernels();
    registerWasmTrainingKernels();
    expect(tf.getKernelsForBackend('wasm').length).toBe(before);
    for (const config of WASM_TRAINING_KERNELS) {
      expect(tf.getKernel(config.kernelName, 'wasm')?.kernelFunc).toBe(config.kernelFunc);
    }
  });

  it('lacks only kernels no model uses (complex, FFT, depthwise grads, ragged, strings)', () => {
    const wasm = new Set(tf.getKernelsForBackend('wasm').map((k) => k.kernelName));
    const missing = tf
      .getKernelsForBackend('cpu')
      .map((k) => k.kernelName)
      .filter((name) => !wasm.has(name))
      .sort();
    expect(missing).toEqual([
      'Complex',
      'ComplexAbs',
      'DepthwiseConv2dNativeBackpropFilter',
      'DepthwiseConv2dNativeBackpropInput',
      'Draw',
      'Einsum',
      'FFT',
      'IFFT',
      'Imag',
      'RaggedGather',
      'RaggedRange',
      'RaggedTensorToTensor',
      'Real',
      'StaticRegexReplace',
    ]);
  });
});

/** [H, W, k, stride, pad, Ci, Co, N]: odd sizes, batch 1, kernels 2–5, several channel counts. */
type ConvCase = [
  number,
  number,
  number,
  number | [number, number],
  'same' | 'valid' | number,
  number,
  number,
  number,
];
const CONV_CASES: ConvCase[] = [
  [7, 9, 3, 2, 'same', 3, 5, 2],
  [7, 9, 3, 1, 'same', 2, 4, 1],
  [7, 9, 4, 2, 'valid', 2, 3, 1],
  [7, 9, 4, 2, 'same', 4, 6, 2],
  [8, 8, 5, 1, 'same', 2, 4, 2],
  [9, 7, 3, 1, 'valid', 1, 2, 1],
  [10, 11, 5, 3, 'same', 2, 2, 1],
  [9, 8, 5, 2, 'valid', 3, 1, 2],
  [14, 14, 4, 2, 'same', 16, 8, 2],
  [7, 7, 2, 2, 'valid', 1, 1, 1],
  [9, 8, 3, [2, 3], 'same', 3, 2, 2],
  [8, 9, 3, 2, 1, 2, 3, 1],
];

describe('Conv2DBackpropFilter (added)', () => {
  it.each(CONV_CASES)(
    'x %i×%i, k %i, stride %j, pad %j, Ci %i → Co %i, batch %i',
    async (H, W, k, s, pad, ci, co, n) => {
      await tf.setBackend('cpu');
      const yShape = tf.conv2d(
        tf.zeros([n, H, W, ci]) as tf.Tensor4D,
        tf.zeros([k, k, ci, co]) as tf.Tensor4D,
        s,
        pad,
      ).shape;
      await expectSame(
        (x, dy) => conv2dBackpropFilter(x, dy, [k, k, ci, co], s, pad),
        [rand([n, H, W, ci]), rand(yShape)],
      );
    },
  );
});

describe('Conv2DBackpropInput (replaced; also conv2dTranspose)', () => {
  it.each(CONV_CASES)(
    'x %i×%i, k %i, stride %j, pad %j, Ci %i → Co %i, batch %i',
    async (H, W, k, s, pad, ci, co, n) => {
      await tf.setBackend('cpu');
      const yShape = tf.conv2d(
        tf.zeros([n, H, W, ci]) as tf.Tensor4D,
        tf.zeros([k, k, ci, co]) as tf.Tensor4D,
        s,
        pad,
      ).shape;
      await expectSame(
        (dy, f) => tf.conv2dTranspose(dy as tf.Tensor4D, f as tf.Tensor4D, [n, H, W, ci], s, pad),
        [rand(yShape), rand([k, k, ci, co])],
      );
    },
  );

  it('gives the gradients of conv2d with respect to input and filter', async () => {
    await expectSame(
      (x, f) => {
        const loss = (a: tf.Tensor, b: tf.Tensor): tf.Scalar =>
          tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same')));
        return tf.grads(loss)([x, f]);
      },
      [rand([2, 9, 7, 3]), rand([4, 4, 3, 5])],
    );
  });

  it('does not poison the filter for a later matmul of it in another shape', async () => {
    await expectSame(
      (dy, f) => [
        tf.conv2dTranspose(dy as tf.Tensor4D, f as tf.Tensor4D, [1, 8, 8, 3], 2, 'same'),
        tf.matMul(tf.ones([2, 16]), tf.reshape(f, [16, 6])),
        tf.matMul(tf.ones([2, 48]), tf.reshape(f, [48, 2])),
      ],
      [rand([1, 4, 4, 2]), rand([4, 4, 3, 2])],
    );
  });
});

describe('BatchMatMul and _FusedMatMul with transpose flags (replaced)', () => {
  it.each([
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ])('transposeA %s, transposeB %s, with batch broadcasting', async (tA, tB) => {
    const a = rand(tA ? [3, 5, 4] : [3, 4, 5]);
    const b = rand(tB ? [1, 6, 5] : [1, 5, 6]);
    await expectSame((x, y) => tf.matMul(x, y, tA, tB), [a, b]);
  });

  it('picks either form on lopsided shapes (a wide Aᵀ, a tall Bᵀ)', async () => {
    await expectSame((x, y) => tf.matMul(x, y, true, false), [rand([7, 300]), rand([7, 2])]);
    await expectSame((x, y) => tf.matMul(x, y, false, true), [rand([2, 300]), rand([90, 300])]);
  });

  it('fused with bias and relu', async () => {
    await expectSame(
      (x, y, bias) =>
        tf.fused.matMul({
          a: x,
          b: y,
          transposeA: true,
          transposeB: true,
          bias,
          activation: 'relu',
        }),
      [rand([5, 4]), rand([6, 5]), rand([6])],
    );
  });

  it('trains a dense layer: gradients of fused matMul', async () => {
    await expectSame(
      (x, w, bias) =>
        tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
          tf.sum(tf.square(tf.fused.matMul({ a, b, bias: c, activation: 'relu' }))),
        )([x, w, bias]),
      [rand([4, 10]), rand([10, 7]), rand([7])],
    );
  });
});

describe('Tile (replaced)', () => {
  it.each([
    [
      [1, 1, 1, 4],
      [3, 5, 2, 1],
    ],
    [
      [1, 3, 1, 4],
      [2, 1, 5, 3],
    ],
    [
      [2, 3],
      [1, 1],
    ],
    [[3], [4]],
    [
      [2, 3, 4, 5],
      [2, 2, 2, 2],
    ],
  ])('x %j, reps %j', async (shape, reps) => {
    await expectSame((x) => tf.tile(x, reps), [rand(shape)]);
  });

  it('tiles int32 and bool', async () => {
    const x: Input = { values: Int32Array.from([1, -2, 3]), shape: [1, 3], dtype: 'int32' };
    await expectSame((t) => [tf.tile(t, [2, 2]), tf.tile(tf.greater(t, 0), [3, 1])], [x]);
  });
});

describe('UnsortedSegmentSum (added)', () => {
  it('sums rows by segment and drops ids outside [0, numSegments)', async () => {
    const ids: Input = { values: Int32Array.from([0, 2, 2, -1, 7, 0]), shape: [6], dtype: 'int32' };
    await expectSame(
      (x, i) => tf.unsortedSegmentSum(x, i as tf.Tensor1D, 4),
      [rand([6, 3, 2]), ids],
    );
  });

  it('is the gradient of gather', async () => {
    const idx: Input = { values: Int32Array.from([3, 0, 3, 1]), shape: [4], dtype: 'int32' };
    await expectSame(
      (x, i) => tf.grad((t: tf.Tensor) => tf.sum(tf.square(tf.gather(t, i))))(x),
      [rand([5, 3]), idx],
    );
  });
});

describe('Sum and Mean (replaced)', () => {
  it.each([[[0]], [[0, 1]], [[0, 1, 2]], [[1, 2]], [[3]], [[0, 1, 2, 3]], [[2, 0]], [[1]]])(
    'over axes %j',
    async (axes) => {
      await expectSame((x) => [tf.sum(x, axes), tf.mean(x, axes, true)], [rand([3, 4, 5, 6])]);
    },
  );

  it('keeps int32 sums exact', async () => {
    const x: Input = {
      values: Int32Array.from([1, 2, 3, 2147483, 5, 6]),
      shape: [3, 2],
      dtype: 'int32',
    };
    await expectSame((t) => [tf.sum(t, 0), tf.mean(t, 0)], [x]);
  });
});

describe('LeakyRelu (replaced)', () => {
  it('matches on special values, for alphas below and above 1', async () => {
    const x: Input = {
      values: Float32Array.from([
        -2,
        -0,
        0,
        1e-30,
        -1e-30,
        1,
        Number.NaN,
        Infinity,
        -Infinity,
        3.5,
      ]),
      shape: [10],
    };
    await expectSame((t) => [tf.leakyRelu(t, 0.2), tf.leakyRelu(t, 1.5), tf.leakyRelu(t, 0)], [x]);
  });

  it('has the same gradient', async () => {
    await expectSame(
      (t) => tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.leakyRelu(a, 0.2), a)))(t),
      [rand([2, 5, 5, 3])],
    );
  });
});

describe('Slice and SplitV (replaced)', () => {
  it('crops inner, outer and all axes, of rank 1 to 5', async () => {
    await expectSame(
      (x) => [
        tf.slice(x, [0, 1, 1, 0], [3, 2, 3, 6]),
        tf.slice(x, [1, 1, 1, 2], [2, 2, 3, 3]),
        tf.slice(x, [1, 0, 0, 0], [1, -1, -1, -1]),
        tf.slice(x, [0, 0, 0, 5], [3, 4, 5, 1]),
        tf.slice(tf.reshape(x, [360]), [7], [100]),
        tf.slice(tf.reshape(x, [3, 4, 5, 3, 2]), [1, 0, 2, 1, 1], [2, 4, 2, 2, 1]),
        ...tf.split(x, [1, 2, 2], 2),
      ],
      [rand([3, 4, 5, 6])],
    );
  });

  it('slices bool and int32', async () => {
    await expectSame((x) => tf.slice(tf.greater(x, 0), [1, 1], [2, 2]), [rand([4, 4])]);
    await expectSame((x) => tf.slice(tf.cast(x, 'int32'), [1, 0], [2, 3]), [rand([4, 3], -9, 9)]);
  });
});

describe('Identity (replaced: shares instead of copying)', () => {
  it('keeps a clone alive after its source is disposed, and frees the data with the last one', async () => {
    await tf.setBackend('wasm');
    const backend = tf.backend();
    const buffers = backend.numDataIds();
    const x = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    const y = tf.clone(x);
    const z = tf.clone(y);
    x.dispose();
    expect(Array.from(await y.data())).toEqual([1, 2, 3, 4]);
    y.dispose();
    expect(Array.from(await z.data())).toEqual([1, 2, 3, 4]);
    expect(backend.numDataIds()).toBe(buffers + 1);
    z.dispose();
    expect(backend.numDataIds()).toBe(buffers);
  });
});

describe('AvgPoolGrad and MaxPoolGrad (replaced)', () => {
  const poolCases: [number[], number, number, 'same' | 'valid'][] = [
    [[2, 8, 8, 3], 2, 2, 'valid'],
    [[1, 6, 10, 2], 2, 2, 'same'],
    [[2, 7, 8, 3], 2, 2, 'valid'],
    [[2, 7, 8, 3], 3, 2, 'same'],
    [[1, 9, 10, 2], 3, 1, 'same'],
    [[2, 8, 8, 1], 4, 4, 'valid'],
  ];

  /** A weighted sum of the pooled map, so each window's gradient differs. */
  const weightedSum = (y: tf.Tensor): tf.Scalar =>
    tf.sum(tf.mul(y, tf.reshape(tf.range(1, 1 + y.size), y.shape)));

  it.each(poolCases)('avgPool of %j, filter %i, stride %i, %s', async (shape, k, s, pad) => {
    await expectSame(
      (x) => tf.grad((t: tf.Tensor) => weightedSum(tf.avgPool(t as tf.Tensor4D, k, s, pad)))(x),
      [rand(shape)],
    );
  });

  it.each(poolCases)(
    'maxPool of %j (ties, negative maxima), filter %i, stride %i, %s',
    async (shape, k, s, pad) => {
      const weighted = (t: tf.Tensor): tf.Scalar =>
        weightedSum(tf.maxPool(t as tf.Tensor4D, k, s, pad));
      await expectSame((x) => tf.grad(weighted)(x), [ints(shape, -3, 1)]);
      await expectSame((x) => tf.grad(weighted)(x), [rand(shape)]);
    },
  );
});

/**
 * Weights for `model`, to build it on each backend alike: those its initialiser makes constant
 * (biases, LayerNorm γ) as they are, the random ones redrawn from this file's seed (Glorot's
 * range), so every run compares the same numbers and a gradient near 0 by chance cannot make a
 * run fail that another would pass.
 */
async function weightValues(model: tf.LayersModel): Promise<Input[]> {
  return Promise.all(
    model.getWeights().map(async (w) => {
      const values = (await w.data()) as Float32Array;
      if (values.every((v) => v === values[0])) return { values, shape: w.shape };
      const fanOut = w.shape[w.shape.length - 1];
      const limit = Math.sqrt(6 / (w.size / fanOut + fanOut));
      return { values: uniform(w.size, seed++, -limit, limit), shape: w.shape };
    }),
  );
}

/** A second model the loss runs through, rebuilt on each backend with fixed weights. */
interface Partner {
  build: () => tf.LayersModel;
  weights: Input[];
}

/**
 * Gradients of `loss` with respect to every trainable weight of `build()`, built on each backend
 * with the same initial weights; compared weight by weight.
 */
async function expectSameModelGradients(
  build: () => tf.LayersModel,
  loss: (model: tf.LayersModel, inputs: tf.Tensor[], partner: tf.LayersModel | null) => tf.Scalar,
  inputs: Input[],
  tol: number,
  partner?: Partner,
): Promise<void> {
  await tf.setBackend('cpu');
  const reference = build();
  const weights = await weightValues(reference);
  reference.dispose();
  const rebuild = (make: () => tf.LayersModel, values: Input[]): tf.LayersModel => {
    const model = make();
    model.setWeights(values.map((w) => tf.tensor(w.values, w.shape)));
    return model;
  };
  const gradsOn = async (backend: 'wasm' | 'cpu'): Promise<Map<string, Float32Array>> => {
    await tf.setBackend(backend);
    const model = rebuild(build, weights);
    const other = partner === undefined ? null : rebuild(partner.build, partner.weights);
    const xs = inputs.map((i) => tf.tensor(i.values, i.shape));
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const { value, grads } = tf.variableGrads(() => loss(model, xs, other), vars);
    const out = new Map<string, Float32Array>();
    for (const v of vars) out.set(v.name, (await grads[v.name].data()) as Float32Array);
    tf.dispose([value, xs, Object.values(grads)]);
    model.dispose();
    other?.dispose();
    return out;
  };
  const w = await gradsOn('wasm');
  const c = await gradsOn('cpu');
  expect([...w.keys()].map((k) => k.replace(/_\d+/g, ''))).toEqual(
    [...c.keys()].map((k) => k.replace(/_\d+/g, '')),
  );
  expect(c.size).toBeGreaterThan(0);
  [...c.values()].forEach((g, i) => {
    const name = [...c.keys()][i];
    expect(relativeError([...w.values()][i], g), name).toBeLessThanOrEqual(tol);
  });
}

const sigmoidCE = (logits: tf.Tensor, label: number): tf.Scalar =>
  tf.losses.sigmoidCrossEntropy(tf.fill(logits.shape, label), logits);

describe('whole models: the same gradient for every weight on wasm as on cpu', () => {
  it('DCGAN generator, through the discriminator (non-saturating loss)', async () => {
    await tf.setBackend('cpu');
    const discriminator = buildDcganDiscriminator();
    const partner = { build: buildDcganDiscriminator, weights: await weightValues(discriminator) };
    discriminator.dispose();
    await expectSameModelGradients(
      () => buildDcganGenerator(),
      (g, [z], d) => {
        const fake = g.apply(z, { training: true }) as tf.Tensor;
        return sigmoidCE(d?.apply(fake, { training: true }) as tf.Tensor, 1);
      },
      [rand([2, 100])],
      1e-4,
      partner,
    );
  });

  it('DCGAN discriminator (real and fake batches)', async () => {
    await expectSameModelGradients(
      () => buildDcganDiscriminator(),
      (d, [real, fake]) =>
        tf.add(
          sigmoidCE(d.apply(real, { training: true }) as tf.Tensor, 1),
          sigmoidCE(d.apply(fake, { training: true }) as tf.Tensor, 0),
        ) as tf.Scalar,
      [rand([1, 28, 28, 1]), rand([1, 28, 28, 1])],
      1e-4,
    );
  });

  it('mnist-classifier (conv 5×5 and 3×3, max-pool, dense, softmax cross-entropy)', async () => {
    const labels = tf.oneHot(tf.tensor1d([3, 1], 'int32'), 10);
    const labelValues: Input = { values: (await labels.data()) as Float32Array, shape: [2, 10] };
    labels.dispose();
    await expectSameModelGradients(
      () => buildMnistClassifier(),
      (m, [x, y]) => tf.losses.softmaxCrossEntropy(y, (m.apply(x) as tf.Tensor[])[0]) as tf.Scalar,
      [rand([2, 28, 28, 1], 0, 1), labelValues],
      1e-4,
    );
  });

  it('VAE decoder, and MS-SSIM + L1 of a generator (the unlearning loss terms)', async () => {
    await expectSameModelGradients(
      () => buildVaeDecoder(),
      (m, [z, target]) => {
        const out = m.apply(z) as tf.Tensor4D;
        const l1 = tf.mean(tf.abs(tf.sub(out, target)));
        return tf.add(l1, tf.mean(tf.sub(1, msSsim(out, target as tf.Tensor4D)))) as tf.Scalar;
      },
      [rand([2, 20]), rand([2, 28, 28, 1], 0, 1)],
      1e-4,
    );
  });
});

describe('training on wasm', () => {
  it('a few Adam steps of a small conv model end at the same weights as on cpu', async () => {
    const build = (): tf.Sequential => {
      const m = tf.sequential();
      // No bias before batch norm: its gradient is 0 up to rounding, which Adam would amplify.
      m.add(
        tf.layers.conv2d({
          inputShape: [9, 9, 2],
          filters: 4,
          kernelSize: 3,
          strides: 2,
          padding: 'same',
          useBias: false,
        }),
      );
      m.add(tf.layers.batchNormalization());
      m.add(tf.layers.leakyReLU({ alpha: 0.2 }));
      m.add(tf.layers.conv2dTranspose({ filters: 3, kernelSize: 4, strides: 2, padding: 'same' }));
      m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
      m.add(tf.layers.flatten());
      m.add(tf.layers.dense({ units: 5, activation: 'tanh' }));
      return m;
    };
    const x = rand([4, 9, 9, 2]);
    const y = rand([4, 5]);
    await tf.setBackend('cpu');
    const reference = build();
    const initial = await weightValues(reference);
    reference.dispose();
    const train = async (backend: 'wasm' | 'cpu'): Promise<Float32Array[]> => {
      await tf.setBackend(backend);
      const model = build();
      model.setWeights(initial.map((w) => tf.tensor(w.values, w.shape)));
      const opt = tf.train.adam(0.01);
      const xs = tf.tensor(x.values, x.shape);
      const ys = tf.tensor(y.values, y.shape);
      for (let step = 0; step < 4; step++) {
        tf.tidy(() => {
          opt.minimize(
            () =>
              tf.losses.meanSquaredError(
                ys,
                model.apply(xs, { training: true }) as tf.Tensor,
              ) as tf.Scalar,
          );
        });
      }
      const out = await Promise.all(
        model.getWeights().map(async (w) => (await w.data()) as Float32Array),
      );
      tf.dispose([xs, ys]);
      opt.dispose();
      model.dispose();
      return out;
    };
    const w = await train('wasm');
    const c = await train('cpu');
    expect(w.length).toBe(c.length);
    w.forEach((values, i) => {
      expect(
        relativeError(values, c[i]),
        `weight ${i} ${relativeError(values, c[i])}`,
      ).toBeLessThanOrEqual(1e-4);
      expect(relativeError(values, initial[i].values)).toBeGreaterThan(0);
    });
  });

  it('leaks neither tensors nor wasm buffers across G, D and classifier steps', async () => {
    await tf.setBackend('wasm');
    const g = buildDcganGenerator();
    const d = buildDcganDiscriminator();
    const c = buildMnistClassifier();
    const opt = tf.train.adam(2e-4, 0.5);
    const z = tf.randomNormal([4, 100]);
    const images = tf.randomUniform([4, 28, 28, 1]);
    const labels = tf.oneHot(tf.tensor1d([1, 2, 3, 4], 'int32'), 10);
    const step = (): void =>
      tf.tidy(() => {
        opt.minimize(() => {
          const fake = g.apply(z, { training: true }) as tf.Tensor;
          const critic = tf.mean(d.apply(fake, { training: true }) as tf.Tensor);
          const logits = (c.apply(images, { training: true }) as tf.Tensor[])[0];
          return tf.add(critic, tf.losses.softmaxCrossEntropy(labels, logits)) as tf.Scalar;
        });
      });
    step();
    const backend = tf.backend();
    const tensors = tf.memory().numTensors;
    const buffers = backend.numDataIds();
    step();
    step();
    expect(tf.memory().numTensors).toBe(tensors);
    expect(backend.numDataIds()).toBe(buffers);
    tf.dispose([z, images, labels]);
    opt.dispose();
    [g, d, c].forEach((m) => m.dispose());
  });
});
