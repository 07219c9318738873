import * as tf from '@tensorflow/tfjs';
import {
  callNativeKernel,
  callWasmKernel,
  float32Tensor,
  type KernelArgs,
  release,
  view,
} from './call';

/**
 * The 0/1 matrix S [Th·Tw·sh·sw, kh·kw] that picks the sub-pixel filter taps out of a filter
 * viewed as [kh·kw, Ci·Co]: row (mh, mw, φh, φw) selects W[(Th−1−mh)·sh + φh,
 * (Tw−1−mw)·sw + φw] and is all zero where that tap lies outside the kh×kw kernel. A selection
 * matmul (XNNPACK) is faster here than wasm's PadV2 + GatherV2 or Reverse (per-element loops).
 */
function subPixelSelection(kh: number, kw: number, sh: number, sw: number): Float32Array {
  const th = Math.ceil(kh / sh);
  const tw = Math.ceil(kw / sw);
  const select = new Float32Array(th * tw * sh * sw * kh * kw);
  let row = 0;
  for (let mh = 0; mh < th; mh++) {
    for (let mw = 0; mw < tw; mw++) {
      for (let ph = 0; ph < sh; ph++) {
        for (let pw = 0; pw < sw; pw++) {
          const a = (th - 1 - mh) * sh + ph;
          const b = (tw - 1 - mw) * sw + pw;
          if (a < kh && b < kw) select[row * kh * kw + a * kw + b] = 1;
          row++;
        }
      }
    }
  }
  return select;
}

/**
 * dx = ∂L/∂x of y = conv2d(x, W), which is also the forward pass of conv2dTranspose. Replaces
 * wasm's own kernel, a plain C++ loop (295 ms of CPU for the DCGAN's 7×7×128 → 14×14×64 layer at
 * batch 64), with one XNNPACK conv2d in sub-pixel form (39 ms):
 *
 *   dx[n, r, c, ci] = Σ dy[n, i, j, co] · W[r + p_t − i·s_h, c + p_l − j·s_w, ci, co].
 *
 * Writing r + p_t = u·s_h + φh, the taps a = (u − i)·s_h + φh of one output phase φh form a
 * stride-1 correlation over dy with a T_h = ⌈k_h/s_h⌉-tap sub-filter. All s_h·s_w phases share
 * one conv2d of dy [N, h, w, Co] (padded) by G [T_h, T_w, Co, s_h·s_w·Ci]; a transpose
 * (depthToSpace's reordering; wasm's DepthToSpace itself is a slow loop) interleaves the phases
 * into [N, U_h·s_h, U_w·s_w, Ci], and a slice crops the (p_t, p_l) offset. Unlike a conv2d of
 * zero-upsampled dy, nothing is multiplied by inserted zeros; the only extra work is the one
 * phase row and column past the border (for the DCGAN, 8×8 phase grids where 7×7 are kept).
 * One conv per phase would skip that, but measured slower here.
 */
function conv2DBackpropInput(args: KernelArgs): tf.TensorInfo {
  const { inputs, backend } = args;
  const attrs = args.attrs as unknown as tf.Conv2DBackpropInputAttrs;
  const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const info = tf.backend_util.computeConv2DInfo(
    attrs.inputShape,
    filter.shape as [number, number, number, number],
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    tf.backend_util.convertConv2DDataFormat(attrs.dataFormat),
  );
  const { strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw } = info;
  if (info.dataFormat !== 'channelsLast' || dy.dtype !== 'float32') {
    return callNativeKernel(backend, tf.Conv2DBackpropInput, inputs, args.attrs);
  }
  const { batchSize: n, inHeight: H, inWidth: W, inChannels: ci, outChannels: co } = info;
  const { outHeight: h, outWidth: w } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const th = Math.ceil(kh / sh);
  const tw = Math.ceil(kw / sw);
  // Phase rows u = u0 … uMax of the sub-pixel conv cover dx rows 0 … H−1.
  const u0 = Math.floor(top / sh);
  const v0 = Math.floor(left / sw);
  const uMax = Math.floor((H - 1 + top) / sh);
  const vMax = Math.floor((W - 1 + left) / sw);

  // G [Th, Tw, Co, sh·sw·Ci] from W [kh, kw, Ci, Co].
  const rows = th * tw * sh * sw;
  const select = float32Tensor(backend, subPixelSelection(kh, kw, sh, sw), [rows, kh * kw]);
  const taps = callWasmKernel(
    backend,
    tf.BatchMatMul,
    { a: select, b: view(filter, [kh * kw, ci * co]) },
    { transposeA: false, transposeB: false },
  ); // [Th·Tw·sh·sw, Ci·Co]
  release(backend, select);
  const g = callWasmKernel(
    backend,
    tf.Transpose,
    { x: view(taps, [th * tw, sh * sw, ci, co]) },
    { perm: [0, 3, 1, 2] },
  ); // [Th·Tw, Co, sh·sw, Ci]
  release(backend, taps);

  // dy rows needed: u0 − (Th − 1) … uMax; pad where they fall outside, crop where unused.
  let dyUsed = dy;
  if (uMax + 1 < h || vMax + 1 < w) {
    dyUsed = callWasmKernel(
      backend,
      tf.Slice,
      { x: dy },
      { begin: [0, 0, 0, 0], size: [n, Math.min(h, uMax + 1), Math.min(w, vMax + 1), co] },
    );
  }
  const pad: tf.backend_util.ExplicitPadding = [
    [0, 0],
    [th - 1 - u0, Math.max(0, uMax + 1 - h)],
    [tw - 1 - v0, Math.max(0, vMax + 1 - w)],
    [0, 0],
  ];
  const phases = callWasmKernel(
    backend,
    tf.Conv2D,
    { x: dyUsed, filter: view(g, [th, tw, co, sh * sw * ci]) },
    { strides: 1, pad, dataFormat: 'NHWC', dilations: 1 },
  ); // [N, uMax − u0 + 1, vMax − v0 + 1, sh·sw·Ci]
  release(backend, g);
  if (dyUsed !== dy) release(backend, dyUsed);

  // Interleave the phases: [N·uh, uw, sh, sw·Ci] → [N·uh, sh, uw, sw·Ci] = [N, uh·sh, uw·sw, Ci].
  // A transpose, because wasm's DepthToSpace is a per-element loop (79 ms vs 3 ms here).
  const uh = uMax - u0 + 1;
  const uw = vMax - v0 + 1;
  let full = phases;
  if (sh * sw > 1) {
    const interleaved = callWasmKernel(
      backend,
      tf.Transpose,
      { x: view(phases, [n * uh, uw, sh, sw * ci]) },
      { perm: [0, 2, 1, 3] },
    );
    release(backend, phases);
    full = view(interleaved, [n, uh * sh, uw * sw, ci]);
  }
  const offH = top - u0 * sh;
  const offW = left - v0 * sw;
  if (offH === 0 && offW === 0 && uh * sh === H && uw * sw === W) return full;
  const dx = callWasmKernel(
    backend,
    tf.Slice,
    { x: full },
    { begin: [0, offH, offW, 0], size: [n, H, W, ci] },
  );
  release(backend, full);
  return dx;
}

export const conv2DBackpropInputConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropInput,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropInput as unknown as tf.KernelFunc,
};
