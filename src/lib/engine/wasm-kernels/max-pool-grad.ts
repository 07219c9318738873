import * as tf from '@tensorflow/tfjs';
import { callNativeKernel, float32Tensor, type KernelArgs, release, view } from './call';

/**
 * Gradient of y = maxPool(x): each window's dy goes to the first maximum of that window in
 * row-major order (TF.js's rule, cpu backend). Replaces wasm's own MaxPoolGrad, which is wrong
 * where a window's maximum is ≤ 0 (it sends the gradient to the wrong pixel; checked against
 * cpu), and slow (16 ms of CPU for a 2×2 pool of [64, 14, 14, 64]; this 2.6 ms).
 *
 * When the windows tile x exactly (filter = stride, no padding, sizes divisible), as in every
 * model here, it runs on vectorised kernels, with x viewed as [N, h, kh, w, kw, C]:
 *   notMax = step(y − x)                          1 where x is not its window's maximum
 *   score  = (1 − notMax) · (kh·kw − position)     distinct and > 0 at the maxima, 0 elsewhere
 *   first  = 1 − step(maxPool(score) − score)      1 at the first maximum only
 *   dx     = first · dy
 * (exact for finite inputs: y − x = 0 exactly when x = y). Other shapes use a plain loop.
 */
function maxPoolGrad(args: KernelArgs): tf.TensorInfo {
  const { inputs, backend } = args;
  const { dy, input, output } = inputs as {
    dy: tf.TensorInfo;
    input: tf.TensorInfo;
    output: tf.TensorInfo;
  };
  const attrs = args.attrs as unknown as tf.MaxPoolGradAttrs;
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    attrs.filterSize,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const { top, bottom, left, right } = info.padInfo;
  const tiled =
    kh === sh &&
    kw === sw &&
    top + bottom + left + right === 0 &&
    info.outHeight * sh === info.inHeight &&
    info.outWidth * sw === info.inWidth;
  if (!tiled || input.dtype !== 'float32') return maxPoolGradLoop(backend, dy, input, info);

  const { batchSize: n, outHeight: h, outWidth: w, inChannels: c } = info;
  const x6 = view(input, [n, h, kh, w, kw, c]);
  const y6 = view(output, [n, h, 1, w, 1, c]);
  const gap = callNativeKernel(backend, tf.Sub, { a: y6, b: x6 }); // ≥ 0, [N, h, kh, w, kw, C]
  const notMax = callNativeKernel(backend, tf.Step, { x: gap }, { alpha: 0 });
  release(backend, gap);
  const rank = new Float32Array(kh * kw).map((_, p) => kh * kw - p); // first position ranks highest
  const rankInfo = float32Tensor(backend, rank, [1, 1, kh, 1, kw, 1]);
  const dropped = callNativeKernel(backend, tf.Multiply, { a: notMax, b: rankInfo });
  release(backend, notMax);
  const score = callNativeKernel(backend, tf.Sub, { a: rankInfo, b: dropped });
  release(backend, dropped, rankInfo);
  const best = callNativeKernel(
    backend,
    tf.MaxPool,
    { x: view(score, input.shape) },
    { filterSize: [kh, kw], strides: [sh, sw], pad: 'valid' },
  ); // [N, h, w, C]
  const behind = callNativeKernel(backend, tf.Sub, { a: view(best, [n, h, 1, w, 1, c]), b: score });
  release(backend, best, score);
  const notFirst = callNativeKernel(backend, tf.Step, { x: behind }, { alpha: 0 });
  release(backend, behind);
  const dy6 = view(dy, [n, h, 1, w, 1, c]);
  const skipped = callNativeKernel(backend, tf.Multiply, { a: notFirst, b: dy6 });
  release(backend, notFirst);
  const dx = callNativeKernel(backend, tf.Sub, { a: dy6, b: skipped });
  release(backend, skipped);
  return view(dx, input.shape);
}

/** The general case, as a loop over windows on the heap copies of x and dy. */
function maxPoolGradLoop(
  backend: tf.KernelBackend,
  dy: tf.TensorInfo,
  input: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): tf.TensorInfo {
  const x = backend.readSync(input.dataId) as Float32Array;
  const g = backend.readSync(dy.dataId) as Float32Array;
  const { batchSize: n, inHeight: H, inWidth: W, inChannels: c } = info;
  const { outHeight: h, outWidth: w, strideHeight: sh, strideWidth: sw } = info;
  const { effectiveFilterHeight: kh, effectiveFilterWidth: kw } = info;
  const { top, left } = info.padInfo;
  const dx = new Float32Array(x.length);
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < h; i++) {
      for (let j = 0; j < w; j++) {
        for (let d = 0; d < c; d++) {
          let max = Number.NEGATIVE_INFINITY;
          let at = -1;
          for (let r = i * sh - top; r < i * sh - top + kh; r++) {
            if (r < 0 || r >= H) continue;
            for (let q = j * sw - left; q < j * sw - left + kw; q++) {
              if (q < 0 || q >= W) continue;
              const k = ((b * H + r) * W + q) * c + d;
              if (x[k] > max) {
                max = x[k];
                at = k;
              }
            }
          }
          if (at >= 0) dx[at] += g[((b * h + i) * w + j) * c + d];
        }
      }
    }
  }
  return float32Tensor(backend, dx, input.shape);
}

export const maxPoolGradConfig: tf.KernelConfig = {
  kernelName: tf.MaxPoolGrad,
  backendName: 'wasm',
  kernelFunc: maxPoolGrad as unknown as tf.KernelFunc,
};
