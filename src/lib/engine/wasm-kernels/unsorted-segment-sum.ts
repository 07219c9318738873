import * as tf from '@tensorflow/tfjs';
import { callWasmKernel, type KernelArgs, release, view } from './call';

/**
 * out[s, …] = Σ_{i: ids[i] = s} x[i, …] for s in [0, numSegments), ids outside that range
 * dropped (TF semantics): the gradient of gather. Composed as oneHot(ids)ᵀ · x, one matmul.
 * x [ids…, rest…] (float32), segmentIds int32 [ids…] → [numSegments, rest…].
 */
function unsortedSegmentSum(args: KernelArgs): tf.TensorInfo {
  const { inputs, backend } = args;
  const { x, segmentIds } = inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
  const { numSegments } = args.attrs as unknown as tf.UnsortedSegmentSumAttrs;
  if (x.dtype !== 'float32') {
    throw new Error(`wasm UnsortedSegmentSum supports float32 only, got ${x.dtype}`);
  }
  const count = tf.util.sizeFromShape(segmentIds.shape);
  const rest = x.shape.slice(segmentIds.shape.length);
  const restSize = tf.util.sizeFromShape(rest);
  // wasm's OneHot writes int32 whatever dtype it is asked for: cast after.
  const oneHotInt = callWasmKernel(
    backend,
    tf.OneHot,
    { indices: view(segmentIds, [count]) },
    { depth: numSegments, onValue: 1, offValue: 0, dtype: 'int32' },
  ); // [count, numSegments]
  const oneHot = callWasmKernel(backend, tf.Cast, { x: oneHotInt }, { dtype: 'float32' });
  release(backend, oneHotInt);
  const oneHotT = callWasmKernel(backend, tf.Transpose, { x: oneHot }, { perm: [1, 0] });
  release(backend, oneHot);
  const out = callWasmKernel(backend, tf.BatchMatMul, {
    a: oneHotT,
    b: view(x, [count, restSize]),
  }); // [numSegments, restSize]
  release(backend, oneHotT);
  return view(out, [numSegments, ...rest]);
}

export const unsortedSegmentSumConfig: tf.KernelConfig = {
  kernelName: tf.UnsortedSegmentSum,
  backendName: 'wasm',
  kernelFunc: unsortedSegmentSum as unknown as tf.KernelFunc,
};
