import { describe, expect, it } from 'vitest';
import { buildFace } from '../../../src/lib/data/faces/index';
import { parseHexColour, rasterise } from '../../../src/cli/faces/rasterise';

const svg = (body: string): string =>
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8">${body}</svg>`;

/** Pixel (x, y) of a size-wide RGB picture. */
const at = (img: Uint8Array, size: number, x: number, y: number): number[] =>
  Array.from(img.subarray((y * size + x) * 3, (y * size + x) * 3 + 3));

describe('rasterise', () => {
  it('draws opaque paint as it is and shows the background through transparent pixels', () => {
    const img = rasterise(svg('<rect width="4" height="8" fill="#ff0000"/>'), '102030', {
      size: 4,
      supersample: 1,
    });
    expect(at(img, 4, 0, 0)).toEqual([255, 0, 0]);
    expect(at(img, 4, 1, 3)).toEqual([255, 0, 0]);
    expect(at(img, 4, 2, 0)).toEqual([16, 32, 48]);
    expect(at(img, 4, 3, 3)).toEqual([16, 32, 48]);
  });

  it('composites half-transparent paint on the background', () => {
    // 50 % blue over white: (1 − 0.5) · 255 = 127.5 in red and green, 255 in blue (±1 rounding).
    const img = rasterise(
      svg('<rect width="8" height="8" fill="#0000ff" fill-opacity="0.5"/>'),
      'ffffff',
      {
        size: 2,
        supersample: 1,
      },
    );
    for (const [r, g, b] of [at(img, 2, 0, 0), at(img, 2, 1, 1)]) {
      expect(Math.abs(r - 127.5)).toBeLessThanOrEqual(1);
      expect(Math.abs(g - 127.5)).toBeLessThanOrEqual(1);
      expect(b).toBe(255);
    }
  });

  it('box-filters a supersampled render: each pixel is the mean of the area it covers', () => {
    // White covers x < 1 of the 8-unit picture: an eighth of the left pixel at size 1 → 255 / 8.
    const img = rasterise(svg('<rect width="1" height="8" fill="#ffffff"/>'), '000000', {
      size: 1,
      supersample: 8,
    });
    expect(Array.from(img)).toEqual([32, 32, 32]);
  });

  it('renders face i the same way every time, and another seed differently', () => {
    const raster = { size: 32, supersample: 4 };
    const face = buildFace(3, 17);
    const a = rasterise(face.svg, face.choice.backgroundColor, raster);
    const b = rasterise(buildFace(3, 17).svg, face.choice.backgroundColor, raster);
    expect(a).toEqual(b);
    expect(at(a, 32, 0, 0)).toEqual(parseHexColour(face.choice.backgroundColor));
    const other = buildFace(4, 17);
    expect(rasterise(other.svg, other.choice.backgroundColor, raster)).not.toEqual(a);
  });

  it('refuses a bad colour or size', () => {
    expect(() => parseHexColour('#fff')).toThrow(/hex colour/);
    expect(() => rasterise(svg(''), 'ffffff', { size: 0, supersample: 1 })).toThrow(/size/);
  });
});
