import type * as tf from '@tensorflow/tfjs';
import { Identity } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { callNativeKernel, type KernelArgs } from './call';

/**
 * Identity (tf.clone) by sharing: one more reference to x's data, as the cpu, webgl and webgpu
 * backends (and wasm's own Reshape) do. wasm's own Identity copies the data, and TF.js clones
 * every tensor it saves for the backward pass: 62 copies, about 12 ms, in one batch-64 DCGAN
 * generator step. Tensors are immutable and freed by reference count, so sharing is safe.
 */
function identity(args: KernelArgs): tf.TensorInfo {
  const { inputs, backend } = args;
  const { x } = inputs as { x: tf.TensorInfo };
  if (x.dtype === 'string') return callNativeKernel(backend, Identity, inputs);
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
}

/** A copy of `x`'s data under a new data id (Identity no longer makes one). */
export function copyInfo(backend: BackendWasm, x: tf.TensorInfo): tf.TensorInfo {
  const out = backend.makeOutput([...x.shape], x.dtype);
  // Views after makeOutput: allocating may grow the heap and detach older views.
  backend.typedArrayFromHeap(out).set(backend.typedArrayFromHeap(x));
  return out;
}

export const identityConfig: tf.KernelConfig = {
  kernelName: Identity,
  backendName: 'wasm',
  kernelFunc: identity as unknown as tf.KernelFunc,
};
