import * as tf from '@tensorflow/tfjs';

/** What a kernel function receives; `backend` is the wasm backend. */
export interface KernelArgs {
  inputs: tf.NamedTensorInfoMap;
  backend: tf.KernelBackend;
  attrs?: tf.NamedAttrMap;
}

/** The wasm package's own kernels that we replace, kept so the replacements can delegate. */
const nativeKernels = new Map<string, tf.KernelConfig>();

/**
 * Remembers the wasm package's own config for `kernelName` before we replace it. Idempotent: the
 * first config seen is the native one (the wasm package registers its kernels on import).
 */
export function rememberNative(kernelName: string): tf.KernelConfig | undefined {
  const known = nativeKernels.get(kernelName);
  if (known !== undefined) return known;
  const config = tf.getKernel(kernelName, 'wasm');
  if (config !== undefined) nativeKernels.set(kernelName, config);
  return config;
}

function invoke(
  config: tf.KernelConfig,
  backend: tf.KernelBackend,
  inputs: tf.NamedTensorInfoMap,
  attrs: tf.NamedAttrMap,
): tf.TensorInfo {
  const out = config.kernelFunc({ inputs, backend, attrs });
  if (Array.isArray(out)) throw new Error(`Kernel '${config.kernelName}' returned several outputs`);
  return out;
}

/**
 * Runs the wasm kernel now registered as `kernelName` (ours where we replaced it) directly on
 * `TensorInfo`s, bypassing the engine: no tape, no scope tracking. The caller owns the result
 * and releases it with {@link release} (or returns it as its own kernel's output).
 */
export function callWasmKernel(
  backend: tf.KernelBackend,
  kernelName: string,
  inputs: tf.NamedTensorInfoMap,
  attrs: tf.NamedAttrMap = {},
): tf.TensorInfo {
  const config = tf.getKernel(kernelName, 'wasm');
  if (config === undefined) {
    throw new Error(`Kernel '${kernelName}' not registered for backend 'wasm'`);
  }
  return invoke(config, backend, inputs, attrs);
}

/** Like {@link callWasmKernel}, but always the wasm package's own kernel. */
export function callNativeKernel(
  backend: tf.KernelBackend,
  kernelName: string,
  inputs: tf.NamedTensorInfoMap,
  attrs: tf.NamedAttrMap = {},
): tf.TensorInfo {
  const config = nativeKernels.get(kernelName) ?? tf.getKernel(kernelName, 'wasm');
  if (config === undefined) {
    throw new Error(`Kernel '${kernelName}' not registered for backend 'wasm'`);
  }
  return invoke(config, backend, inputs, attrs);
}

/** Frees (drops one reference to) intermediate results of {@link callWasmKernel}. */
export function release(backend: tf.KernelBackend, ...infos: tf.TensorInfo[]): void {
  for (const info of infos) backend.disposeData(info.dataId);
}

/**
 * A view of `info` with another shape of the same size: shares the data and takes no reference,
 * so it is never released itself (release `info` once, after the view's last use).
 */
export function view(info: tf.TensorInfo, shape: number[]): tf.TensorInfo {
  return { dataId: info.dataId, shape, dtype: info.dtype };
}

/** A new float32 tensor on the backend holding `values`; release it after use. */
export function float32Tensor(
  backend: tf.KernelBackend,
  values: Float32Array,
  shape: number[],
): tf.TensorInfo {
  const dataId = backend.write(values, shape, 'float32');
  return { dataId, shape, dtype: 'float32' };
}
