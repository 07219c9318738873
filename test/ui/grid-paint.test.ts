import { describe, expect, it } from 'vitest';
import { paintCell } from '../../src/ui/logic/colormap';

describe('paintCell', () => {
  /** Two unitImages: image 0 all 0.5, image 1 zero except pixel (row 3, col 5) = 1. */
  const images = new Float32Array(2 * 784).fill(0.5, 0, 784);
  images[784 + 3 * 28 + 5] = 1;
  const width = 60;
  const rgba = (out: Uint8ClampedArray, x: number, y: number): number[] =>
    Array.from(out.subarray(4 * (y * width + x), 4 * (y * width + x) + 4));

  it('puts image i inside a 1-pixel frame at its cell, grey and opaque', () => {
    const out = new Uint8ClampedArray(width * 30 * 4);
    paintCell(out, width, 30, 0, { images, against: null, i: 1, marked: false });
    expect(rgba(out, 30 + 1 + 5, 1 + 3)).toEqual([255, 255, 255, 255]);
    expect(rgba(out, 30 + 1 + 6, 1 + 3)).toEqual([0, 0, 0, 255]);
    expect(rgba(out, 30, 0)).toEqual([0, 0, 0, 255]);
    // The left cell is untouched.
    expect(rgba(out, 10, 10)).toEqual([0, 0, 0, 0]);
  });

  it('dashes the frame of a marked cell and leaves its image alone', () => {
    const out = new Uint8ClampedArray(width * 30 * 4);
    paintCell(out, width, 0, 0, { images, against: null, i: 0, marked: true });
    const frame = Array.from({ length: 30 }, (_, x) => rgba(out, x, 0)[0]);
    expect(frame.filter((r) => r === 230).length).toBeGreaterThan(10);
    expect(frame.filter((r) => r === 0).length).toBeGreaterThan(10);
    expect(rgba(out, 10, 10)).toEqual([128, 128, 128, 255]);
  });

  it('paints |a − b| in cividis: dark blue where equal, yellow where it differs by 1', () => {
    const out = new Uint8ClampedArray(width * 30 * 4);
    const zeros = new Float32Array(2 * 784);
    paintCell(out, width, 0, 0, { images, against: zeros, i: 1, marked: false });
    expect(rgba(out, 1 + 5, 1 + 3)).toEqual([255, 234, 70, 255]);
    expect(rgba(out, 1, 1)).toEqual([0, 34, 78, 255]);
  });
});
