import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { callNativeKernel, type KernelArgs, release } from './call';
import { copyInfo } from './identity';

/** Swaps the last two axes of `x` [..., r, c] → [..., c, r]; the caller releases the result. */
function transposeLastTwo(backend: tf.KernelBackend, x: tf.TensorInfo): tf.TensorInfo {
  const rank = x.shape.length;
  const perm = [...Array(rank).keys()];
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return callNativeKernel(backend, tf.Transpose, { x }, { perm });
}

const size = (t: tf.TensorInfo): number => tf.util.sizeFromShape(t.shape);

/**
 * The shape each data id was first used with as `b`. wasm's matmul caches XNNPACK's packed copy
 * of `b` by data id alone, and tf.reshape shares data ids: the same data seen as `b` in a second
 * shape gets the first shape's packing, which gives wrong results or aborts the wasm module
 * ("memory access out of bounds"). A second shape therefore gets a copy under a new data id.
 */
const shapeAsB = new WeakMap<object, string>();

function safeB(backend: tf.KernelBackend, b: tf.TensorInfo): tf.TensorInfo {
  const rank = b.shape.length;
  const key = `${size(b) / (b.shape[rank - 2] * b.shape[rank - 1])}:${b.shape.slice(-2).join('×')}`;
  const seen = shapeAsB.get(b.dataId);
  if (seen === undefined) shapeAsB.set(b.dataId, key);
  if (seen === undefined || seen === key) return b;
  const copy = copyInfo(backend as unknown as BackendWasm, b);
  shapeAsB.set(copy.dataId, key);
  return copy;
}

/** The native kernel on a, b with no transpose flags, `b` made safe by {@link safeB}. */
function plainMatMul(
  backend: tf.KernelBackend,
  kernelName: string,
  inputs: tf.NamedTensorInfoMap,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  attrs: tf.NamedAttrMap,
): tf.TensorInfo {
  const bSafe = safeB(backend, b);
  const out = callNativeKernel(
    backend,
    kernelName,
    { ...inputs, a, b: bSafe },
    { ...attrs, transposeA: false, transposeB: false },
  );
  if (bSafe !== b) release(backend, bSafe);
  return out;
}

/**
 * Runs the native (XNNPACK) matmul kernel `kernelName` without transpose flags, `b` made safe
 * from its operator cache ({@link safeB}). wasm's own kernel falls back to a naive loop whenever
 * a flag is set, 10–15× slower than transposing first (Aᵀ·B for A [64, 100], B [64, 6272]:
 * 37 vs 2.7 ms of CPU), and the gradient of every dense layer sets them. Of the two equivalent
 * forms, op(A)·op(B) with explicit transposes and (op(B)ᵀ·op(A)ᵀ)ᵀ, it takes the one that moves
 * fewer elements. The fused kernel's bias and activation only fit the first form; with them it
 * always takes that one.
 */
function explicitTransposes(kernelName: string) {
  return (args: KernelArgs): tf.TensorInfo => {
    const { inputs, backend } = args;
    const attrs = (args.attrs ?? {}) as { transposeA?: boolean; transposeB?: boolean };
    const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const tA = attrs.transposeA === true;
    const tB = attrs.transposeB === true;
    const plainAttrs = args.attrs ?? {};
    if (!tA && !tB) return plainMatMul(backend, kernelName, inputs, a, b, plainAttrs);
    const fused = inputs.bias != null || inputs.preluActivationWeights != null;
    const rankA = a.shape.length;
    const rankB = b.shape.length;
    const rows = a.shape[tA ? rankA - 1 : rankA - 2];
    const cols = b.shape[tB ? rankB - 2 : rankB - 1];
    const batch = Math.max(
      size(a) / (a.shape[rankA - 1] * a.shape[rankA - 2]),
      size(b) / (b.shape[rankB - 1] * b.shape[rankB - 2]),
    );
    const direct = (tA ? size(a) : 0) + (tB ? size(b) : 0);
    const swapped = (tA ? 0 : size(a)) + (tB ? 0 : size(b)) + batch * rows * cols;
    if (fused || direct <= swapped) {
      const at = tA ? transposeLastTwo(backend, a) : a;
      const bt = tB ? transposeLastTwo(backend, b) : b;
      const out = plainMatMul(backend, kernelName, inputs, at, bt, plainAttrs);
      if (at !== a) release(backend, at);
      if (bt !== b) release(backend, bt);
      return out;
    }
    // Cᵀ = op(B)ᵀ · op(A)ᵀ: B is already op(B)ᵀ when tB, A already op(A)ᵀ when tA.
    const bt = tB ? b : transposeLastTwo(backend, b);
    const at = tA ? a : transposeLastTwo(backend, a);
    const outT = plainMatMul(backend, kernelName, inputs, bt, at, plainAttrs);
    if (at !== a) release(backend, at);
    if (bt !== b) release(backend, bt);
    const out = transposeLastTwo(backend, outT);
    release(backend, outT);
    return out;
  };
}

export const batchMatMulConfig: tf.KernelConfig = {
  kernelName: tf.BatchMatMul,
  backendName: 'wasm',
  kernelFunc: explicitTransposes(tf.BatchMatMul) as unknown as tf.KernelFunc,
};

export const fusedMatMulConfig: tf.KernelConfig = {
  kernelName: tf._FusedMatMul,
  backendName: 'wasm',
  kernelFunc: explicitTransposes(tf._FusedMatMul) as unknown as tf.KernelFunc,
};
