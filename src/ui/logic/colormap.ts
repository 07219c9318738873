import type { ImageShape } from '../../lib/models/image-shape';

/**
 * Pixel painting for the grids: grey or colour images, and a colour-blind-safe diff heat map (cividis,
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

/** The RGB of value index `p` of image `i` (unitImages, channels last): grey or colour. */
function rgbAt(images: Float32Array, shape: ImageShape, i: number, p: number): RGB {
  const c = shape.channels;
  const at = (i * shape.height * shape.width + p) * c;
  if (c === 1) {
    const v = 255 * images[at];
    return [v, v, v];
  }
  return [255 * images[at], 255 * images[at + 1], 255 * images[at + 2]];
}

/** Mean |a − b| over the channels of pixel `p` of image `i`. */
function diffAt(a: Float32Array, b: Float32Array, shape: ImageShape, i: number, p: number): number {
  const c = shape.channels;
  const at = (i * shape.height * shape.width + p) * c;
  let s = 0;
  for (let k = 0; k < c; k++) s += Math.abs(a[at + k] - b[at + k]);
  return s / c;
}

type RGB = readonly [number, number, number];

/** RGBA pixels [H · W · 4] of image `i` of unitImages of `shape`: grey or colour. */
export function imagePixels(images: Float32Array, shape: ImageShape, i: number): Uint8ClampedArray {
  const n = shape.height * shape.width;
  const out = new Uint8ClampedArray(n * 4);
  for (let p = 0; p < n; p++) {
    const [r, g, b] = rgbAt(images, shape, i, p);
    out[4 * p] = r;
    out[4 * p + 1] = g;
    out[4 * p + 2] = b;
    out[4 * p + 3] = 255;
  }
  return out;
}

/** Colour of the dashed frame around marked cells (Okabe–Ito orange), RGB 0…255. */
const MARK: RGB = [230, 159, 0];

/**
 * Paints image `i` of unitImages `images` of `shape` (or its cividis |images − against| heat
 * map, averaged over channels) into RGBA pixels `out` of a canvas `width` pixels wide: the image
 * at (x0 + 1, y0 + 1), inside a cell 2 pixels larger whose 1-pixel frame is dashed orange when
 * `marked`, black otherwise.
 */
export function paintCell(
  out: Uint8ClampedArray,
  width: number,
  x0: number,
  y0: number,
  cell: {
    images: Float32Array;
    against: Float32Array | null;
    shape: ImageShape;
    i: number;
    marked: boolean;
  },
): void {
  const { images, against, shape, i, marked } = cell;
  const cw = shape.width + 2;
  const ch = shape.height + 2;
  for (let y = 0; y < ch; y++) {
    for (let x = 0; x < cw; x++) {
      const o = 4 * ((y0 + y) * width + x0 + x);
      const border = x === 0 || y === 0 || x === cw - 1 || y === ch - 1;
      let rgb: RGB;
      if (border) {
        rgb = marked && ((x + y) >> 1) % 2 === 0 ? MARK : [0, 0, 0];
      } else {
        const p = (y - 1) * shape.width + (x - 1);
        rgb =
          against === null
            ? rgbAt(images, shape, i, p)
            : cividis(diffAt(images, against, shape, i, p));
      }
      out[o] = rgb[0];
      out[o + 1] = rgb[1];
      out[o + 2] = rgb[2];
      out[o + 3] = 255;
    }
  }
}

/** Mean |a_i − b_i| per image over all its values, [count]. */
export function meanAbsDiff(a: Float32Array, b: Float32Array, count: number): Float32Array {
  const size = a.length / Math.max(1, count);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    let s = 0;
    for (let p = 0; p < size; p++) s += Math.abs(a[i * size + p] - b[i * size + p]);
    out[i] = s / size;
  }
  return out;
}
