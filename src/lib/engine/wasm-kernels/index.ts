/**
 * Training kernels for the TF.js wasm backend (4.22), composed from kernels it has (XNNPACK
 * convs, matmuls, pooling, transposes) or copied between heap views, so that every layer our
 * models use trains on wasm, correctly and fast. Each file says what it replaces and why.
 * - Added (wasm has none): Conv2DBackpropFilter (tfjs issue #8474), UnsortedSegmentSum.
 * - Replaced because wrong: MaxPoolGrad (routes the gradient to the wrong pixel where a window's
 *   maximum is ≤ 0).
 * - Replaced because slow (per-element loops): Conv2DBackpropInput (also conv2dTranspose's
 *   forward), BatchMatMul and _FusedMatMul with transpose flags, Tile, Sum and Mean over leading
 *   axes, LeakyRelu, Slice and SplitV, AvgPoolGrad; Identity shares instead of copying.
 * The matmul replacement also guards wasm's operator cache against one tensor seen in two shapes.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { rememberNative } from './call';
import { conv2DBackpropFilterConfig } from './conv2d-backprop-filter';
import { conv2DBackpropInputConfig } from './conv2d-backprop-input';
import { batchMatMulConfig, fusedMatMulConfig } from './mat-mul';
import { identityConfig } from './identity';
import { leakyReluConfig } from './leaky-relu';
import { avgPoolGradConfig } from './avg-pool-grad';
import { maxPoolGradConfig } from './max-pool-grad';
import { meanConfig, sumConfig } from './reduce';
import { sliceConfig, splitVConfig } from './slice';
import { tileConfig } from './tile';
import { unsortedSegmentSumConfig } from './unsorted-segment-sum';

/** Every kernel this module adds to, or replaces on, the wasm backend. */
export const WASM_TRAINING_KERNELS: readonly tf.KernelConfig[] = [
  conv2DBackpropFilterConfig,
  conv2DBackpropInputConfig,
  batchMatMulConfig,
  fusedMatMulConfig,
  tileConfig,
  unsortedSegmentSumConfig,
  sumConfig,
  meanConfig,
  leakyReluConfig,
  sliceConfig,
  splitVConfig,
  avgPoolGradConfig,
  maxPoolGradConfig,
  identityConfig,
];

/**
 * Registers {@link WASM_TRAINING_KERNELS} for backend 'wasm'. Idempotent, and works before or
 * after `tf.setBackend('wasm')`: kernels are looked up at every call. A replaced kernel keeps the
 * native one's setup and dispose functions (they bind its C++ entry point) and the native kernel
 * stays callable by ours.
 */
export function registerWasmTrainingKernels(): void {
  for (const config of WASM_TRAINING_KERNELS) {
    const existing = tf.getKernel(config.kernelName, 'wasm');
    if (existing?.kernelFunc === config.kernelFunc) continue;
    const native = rememberNative(config.kernelName);
    if (existing !== undefined) tf.unregisterKernel(config.kernelName, 'wasm');
    tf.registerKernel({
      ...config,
      setupFunc: native?.setupFunc,
      disposeFunc: native?.disposeFunc,
    });
  }
}
