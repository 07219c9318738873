import * as tf from '@tensorflow/tfjs';
import { callNativeKernel, type KernelArgs, release, view } from './call';

/**
 * Sum and mean over a block of consecutive axes that are not the innermost ones, as an average
 * pool: x viewed as [A, M, 1, C] (A the axes before the block, M the block, C the axes after)
 * pooled by an [M, 1] window gives the mean [A, 1, 1, C], times M the sum. wasm's own kernels
 * first transpose the reduced axes to the end: 1.9 ms to sum [64, 14, 14, 64] over its first
 * three axes, 0.2 ms this way (XNNPACK's pooling). Those reductions make every bias and
 * batch-norm gradient. Innermost or scattered axes, and non-float32 inputs, go to wasm's own
 * kernel.
 */
function blockReduction(kernelName: string, isMean: boolean) {
  return (args: KernelArgs): tf.TensorInfo => {
    const { inputs, backend } = args;
    const { x } = inputs as { x: tf.TensorInfo };
    const { axis, keepDims } = args.attrs as unknown as tf.SumAttrs;
    const rank = x.shape.length;
    const axes = tf.util.parseAxisParam(axis, x.shape).sort((a, b) => a - b);
    const first = axes[0];
    const last = axes[axes.length - 1];
    const block = axes.length > 0 && last - first + 1 === axes.length;
    if (x.dtype !== 'float32' || !block || last === rank - 1) {
      return callNativeKernel(backend, kernelName, inputs, args.attrs);
    }
    const a = tf.util.sizeFromShape(x.shape.slice(0, first));
    const m = tf.util.sizeFromShape(x.shape.slice(first, last + 1));
    const c = tf.util.sizeFromShape(x.shape.slice(last + 1));
    if (m <= 1 || a * c === 0) return callNativeKernel(backend, kernelName, inputs, args.attrs);
    const outShape = keepDims
      ? x.shape.map((d, i) => (i >= first && i <= last ? 1 : d))
      : x.shape.filter((_, i) => i < first || i > last);
    const mean = callNativeKernel(
      backend,
      tf.AvgPool,
      { x: view(x, [a, m, 1, c]) },
      { filterSize: [m, 1], strides: [m, 1], pad: 'valid' },
    ); // [A, 1, 1, C]
    if (isMean) return view(mean, outShape);
    const count = callNativeKernel(backend, tf.Fill, {}, { shape: [], value: m, dtype: 'float32' });
    const sum = callNativeKernel(backend, tf.Multiply, { a: mean, b: count });
    release(backend, mean, count);
    return view(sum, outShape);
  };
}

export const sumConfig: tf.KernelConfig = {
  kernelName: tf.Sum,
  backendName: 'wasm',
  kernelFunc: blockReduction(tf.Sum, false) as unknown as tf.KernelFunc,
};

export const meanConfig: tf.KernelConfig = {
  kernelName: tf.Mean,
  backendName: 'wasm',
  kernelFunc: blockReduction(tf.Mean, true) as unknown as tf.KernelFunc,
};
