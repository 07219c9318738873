/**
 * Step 2 of the Morpho-MNIST pipeline: bicubic (Catmull-Rom, Keys a = −0.5) upscaling as
 * scikit-image's `resize(order=3, mode='reflect')` computed it for `pyramid_expand`.
 */

/**
 * Catmull-Rom through f0…f3 (at −1, 0, 1, 2), evaluated at x ∈ [0, 1). The grouping of the
 * operations is scikit-image's `cubic_interpolation`, kept so the floats match bit for bit.
 */
export function catmullRom(x: number, f0: number, f1: number, f2: number, f3: number): number {
  return (
    f1 + 0.5 * x * (f2 - f0 + x * (2 * f0 - 5 * f1 + 4 * f2 - f3 + x * (3 * (f1 - f2) + f3 - f0)))
  );
}

/** Mirror without repeating the edge (numpy's `reflect`): −1 → 1, size → size − 2. */
function mirror(index: number, size: number): number {
  const last = size - 1;
  if (last === 0) return 0;
  let i = index;
  while (i < 0 || i > last) i = i < 0 ? -i : 2 * last - i;
  return i;
}

/** Where output coordinate d samples the input: 4 mirrored source indices and the fraction. */
interface Taps {
  index: Int32Array; // [outSize · 4]
  frac: Float64Array; // [outSize]
}

const tapsCache = new Map<string, Taps>();

function tapsFor(inSize: number, scale: number): Taps {
  const key = `${inSize}x${scale}`;
  let taps = tapsCache.get(key);
  if (!taps) {
    const outSize = inSize * scale;
    taps = { index: new Int32Array(outSize * 4), frac: new Float64Array(outSize) };
    for (let d = 0; d < outSize; d++) {
      // Pixel centres line up: src = (d + 0.5)/scale − 0.5 (exact for scale 4).
      const src = (d + 0.5) / scale - 0.5;
      const base = Math.floor(src);
      taps.frac[d] = src - base;
      for (let k = 0; k < 4; k++) taps.index[4 * d + k] = mirror(base - 1 + k, inSize);
    }
    tapsCache.set(key, taps);
  }
  return taps;
}

/**
 * Upscales a square image by an integer factor with Catmull-Rom interpolation, then clips to
 * the input's [min, max] (as `skimage.transform.warp(clip=True)` does).
 *
 * Each output pixel interpolates its 4 source rows along the columns, then those 4 values along
 * the rows, exactly like scikit-image's `bicubic_interpolation`; the column pass depends only on
 * the source row and output column, so it is computed once per pair (`rowPass`).
 *
 * @param input `size²` values, row-major (unitImages in [0, 1] here).
 * @param output `(size·scale)²` values, written.
 * @param rowPass scratch of `size · size·scale` values.
 */
export function upscaleCatmullRom(
  input: Float64Array,
  size: number,
  scale: number,
  output: Float64Array,
  rowPass: Float64Array,
): void {
  const outSize = size * scale;
  const { index, frac } = tapsFor(size, scale);
  let min = Infinity;
  let max = -Infinity;
  for (let k = 0; k < size * size; k++) {
    const v = input[k];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  for (let r = 0; r < size; r++) {
    const row = r * size;
    for (let c = 0; c < outSize; c++) {
      const t = 4 * c;
      rowPass[r * outSize + c] = catmullRom(
        frac[c],
        input[row + index[t]],
        input[row + index[t + 1]],
        input[row + index[t + 2]],
        input[row + index[t + 3]],
      );
    }
  }
  for (let rOut = 0; rOut < outSize; rOut++) {
    const t = 4 * rOut;
    const x = frac[rOut];
    const r0 = index[t] * outSize;
    const r1 = index[t + 1] * outSize;
    const r2 = index[t + 2] * outSize;
    const r3 = index[t + 3] * outSize;
    const o = rOut * outSize;
    for (let c = 0; c < outSize; c++) {
      const v = catmullRom(x, rowPass[r0 + c], rowPass[r1 + c], rowPass[r2 + c], rowPass[r3 + c]);
      output[o + c] = v < min ? min : v > max ? max : v;
    }
  }
}
