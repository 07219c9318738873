/**
 * Pixel painting for the grids: grey digits, and a colour-blind-safe diff heat map (cividis,
 * Nuñez et al. 2018: monotone in lightness, readable with every common colour-vision deficiency).
 */

/** Cividis control points (0, 0.25, 0.5, 0.75, 1), RGB 0…255. */
const CIVIDIS: readonly [number, number, number][] = [
  [0, 34, 78],
  [64, 77, 107],
  [124, 123, 120],
  [188, 175, 111],
  [255, 234, 70],
];

/** Cividis colour of v in [0, 1] (clamped), linearly interpolated. */
export function cividis(v: number): [number, number, number] {
  const x = Math.max(0, Math.min(1, v)) * (CIVIDIS.length - 1);
  const i = Math.min(CIVIDIS.length - 2, Math.floor(x));
  const f = x - i;
  const a = CIVIDIS[i];
  const b = CIVIDIS[i + 1];
  return [a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1]), a[2] + f * (b[2] - a[2])];
}

/** RGBA pixels [784 · 4] of image `i` of unitImages: white strokes on black. */
export function greyPixels(images: Float32Array, i: number): Uint8ClampedArray {
  const out = new Uint8ClampedArray(784 * 4);
  for (let p = 0; p < 784; p++) {
    const v = 255 * images[i * 784 + p];
    out[4 * p] = v;
    out[4 * p + 1] = v;
    out[4 * p + 2] = v;
    out[4 * p + 3] = 255;
  }
  return out;
}

/** RGBA pixels of |a_i − b_i| in cividis. */
export function diffPixels(a: Float32Array, b: Float32Array, i: number): Uint8ClampedArray {
  const out = new Uint8ClampedArray(784 * 4);
  for (let p = 0; p < 784; p++) {
    const [r, g, bl] = cividis(Math.abs(a[i * 784 + p] - b[i * 784 + p]));
    out[4 * p] = r;
    out[4 * p + 1] = g;
    out[4 * p + 2] = bl;
    out[4 * p + 3] = 255;
  }
  return out;
}

/** Colour of the dashed frame around marked cells (Okabe–Ito orange), RGB 0…255. */
const MARK: readonly [number, number, number] = [230, 159, 0];

/**
 * Paints image `i` of unitImages `images` (or its cividis |images − against| heat map) into RGBA
 * pixels `out` of a canvas `width` pixels wide: the 28×28 image at (x0 + 1, y0 + 1), inside a
 * 30×30 cell whose 1-pixel frame is dashed orange when `marked`, black otherwise.
 */
export function paintCell(
  out: Uint8ClampedArray,
  width: number,
  x0: number,
  y0: number,
  cell: { images: Float32Array; against: Float32Array | null; i: number; marked: boolean },
): void {
  const { images, against, i, marked } = cell;
  for (let y = 0; y < 30; y++) {
    for (let x = 0; x < 30; x++) {
      const o = 4 * ((y0 + y) * width + x0 + x);
      const border = x === 0 || y === 0 || x === 29 || y === 29;
      let rgb: readonly [number, number, number];
      if (border) {
        rgb = marked && ((x + y) >> 1) % 2 === 0 ? MARK : [0, 0, 0];
      } else {
        const p = i * 784 + (y - 1) * 28 + (x - 1);
        if (against === null) {
          const v = 255 * images[p];
          rgb = [v, v, v];
        } else {
          rgb = cividis(Math.abs(images[p] - against[p]));
        }
      }
      out[o] = rgb[0];
      out[o + 1] = rgb[1];
      out[o + 2] = rgb[2];
      out[o + 3] = 255;
    }
  }
}

/** Mean |a_i − b_i| per image, [count]. */
export function meanAbsDiff(a: Float32Array, b: Float32Array, count: number): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    let s = 0;
    for (let p = 0; p < 784; p++) s += Math.abs(a[i * 784 + p] - b[i * 784 + p]);
    out[i] = s / 784;
  }
  return out;
}
