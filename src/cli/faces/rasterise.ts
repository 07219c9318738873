/**
 * Face SVGs to RGB pixels with resvg (`@resvg/resvg-js`): rendered at `supersample` times the
 * target size, each target pixel the plain mean of its supersample × supersample block (a box,
 * i.e. area, filter), and any transparency composited on the background colour.
 */
import { Resvg } from '@resvg/resvg-js';

/** How a face is rasterised. */
export interface RasterOptions {
  /** Side of the square output in pixels. */
  size: number;
  /** Render at size · supersample, then box-filter down; 1 renders at the target size. */
  supersample: number;
}

/** `rrggbb` → [r, g, b]. */
export function parseHexColour(hex: string): [number, number, number] {
  if (!/^[0-9a-fA-F]{6}$/.test(hex)) throw new Error(`not a six-digit hex colour: '${hex}'`);
  const n = Number.parseInt(hex, 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/**
 * Rasterises `svg` into `out` at `offset`: size · size · 3 bytes, HWC RGB, rows top to bottom.
 * resvg's pixels are premultiplied RGBA, so a pixel of coverage a over `background` is
 * rgb + (1 − a) · background.
 *
 * @param background `rrggbb`, what shows through transparent pixels.
 */
export function rasteriseInto(
  svg: string,
  background: string,
  options: RasterOptions,
  out: Uint8Array,
  offset: number,
): void {
  const { size, supersample: k } = options;
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`size must be ≥ 1, got ${size}`);
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`supersample must be ≥ 1, got ${k}`);
  const big = size * k;
  const rendered = new Resvg(svg, {
    fitTo: { mode: 'width', value: big },
    // Faces have no text; loading the system's fonts would cost more than the drawing.
    font: { loadSystemFonts: false },
  }).render();
  if (rendered.width !== big || rendered.height !== big) {
    throw new Error(`face SVG rendered ${rendered.width}×${rendered.height}, not ${big}×${big}`);
  }
  const rgba = rendered.pixels;
  const bg = parseHexColour(background);
  const area = k * k;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let dy = 0; dy < k; dy++) {
        let p = ((y * k + dy) * big + x * k) * 4;
        for (let dx = 0; dx < k; dx++, p += 4) {
          r += rgba[p];
          g += rgba[p + 1];
          b += rgba[p + 2];
          a += rgba[p + 3];
        }
      }
      const clear = 1 - a / (255 * area);
      const o = offset + (y * size + x) * 3;
      out[o] = Math.round(r / area + clear * bg[0]);
      out[o + 1] = Math.round(g / area + clear * bg[1]);
      out[o + 2] = Math.round(b / area + clear * bg[2]);
    }
  }
}

/** {@link rasteriseInto} into a new size · size · 3 array. */
export function rasterise(svg: string, background: string, options: RasterOptions): Uint8Array {
  const out = new Uint8Array(options.size * options.size * 3);
  rasteriseInto(svg, background, options, out, 0);
  return out;
}
