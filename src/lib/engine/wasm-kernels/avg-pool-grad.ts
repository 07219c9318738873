import * as tf from '@tensorflow/tfjs';
import { callNativeKernel, type KernelArgs, release, view } from './call';

/**
 * dx of y = avgPool(x) when the windows tile x exactly (filter = stride, no padding, sizes
 * divisible): dx = dy / (kh·kw) spread over each window, one broadcasting multiply of
 * dy [N, h, 1, w, 1, C] by a constant [1, 1, sh, 1, sw, 1]. Other cases go to wasm's own
 * kernel (a per-element loop: 6.6 ms of CPU for a 2×2 pool of [64, 14, 14, 64], this 0.3 ms).
 */
function avgPoolGrad(args: KernelArgs): tf.TensorInfo {
  const { inputs, backend } = args;
  const { dy, input } = inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
  const attrs = args.attrs as unknown as tf.AvgPoolGradAttrs;
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    attrs.filterSize,
    attrs.strides,
    1,
    attrs.pad,
  );
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const { top, bottom, left, right } = info.padInfo;
  const exact =
    kh === sh &&
    kw === sw &&
    top + bottom + left + right === 0 &&
    info.outHeight * sh === info.inHeight &&
    info.outWidth * sw === info.inWidth;
  if (!exact || dy.dtype !== 'float32') {
    return callNativeKernel(backend, tf.AvgPoolGrad, inputs, args.attrs);
  }
  const { batchSize: n, outHeight: h, outWidth: w, inChannels: c } = info;
  const share = callNativeKernel(
    backend,
    tf.Fill,
    {},
    { shape: [1, 1, sh, 1, sw, 1], value: 1 / (kh * kw), dtype: 'float32' },
  );
  const dx = callNativeKernel(backend, tf.Multiply, {
    a: view(dy, [n, h, 1, w, 1, c]),
    b: share,
  }); // [N, h, sh, w, sw, C]
  release(backend, share);
  return view(dx, input.shape);
}

export const avgPoolGradConfig: tf.KernelConfig = {
  kernelName: tf.AvgPoolGrad,
  backendName: 'wasm',
  kernelFunc: avgPoolGrad as unknown as tf.KernelFunc,
};
