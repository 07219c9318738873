import type * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/**
 * x [N, H, W, C] placed at (top, left) in zeros [N, outH, outW, C], cropped where it sticks out:
 * out[n, r + top, c + left] = x[n, r, c]. Copied row by row between wasm heap views (wasm's own
 * PadV2 is a per-element loop, about 10 ns per element).
 */
export function padSpatial(
  backend: BackendWasm,
  x: tf.TensorInfo,
  top: number,
  left: number,
  outH: number,
  outW: number,
): tf.TensorInfo {
  const [n, H, W, C] = x.shape;
  const out = backend.makeOutput([n, outH, outW, C], x.dtype);
  // Views after makeOutput: allocating may grow the heap and detach older views.
  const src = backend.typedArrayFromHeap(x);
  const dst = backend.typedArrayFromHeap(out);
  dst.fill(0);
  const c0 = Math.max(0, -left);
  const c1 = Math.min(W, outW - left);
  if (c1 <= c0) return out;
  const run = (c1 - c0) * C;
  for (let b = 0; b < n; b++) {
    for (let r = Math.max(0, -top); r < Math.min(H, outH - top); r++) {
      const from = ((b * H + r) * W + c0) * C;
      const to = ((b * outH + r + top) * outW + c0 + left) * C;
      dst.set(src.subarray(from, from + run), to);
    }
  }
  return out;
}
