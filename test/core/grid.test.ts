import { describe, expect, it } from 'vitest';
import { tileGrid } from '../../src/lib/core/grid';

describe('tileGrid', () => {
  it('places image i at row ⌊i / cols⌋, column i mod cols, with padding', () => {
    // Three 2×2 images with values 1…4, 5…8, 9…12, on a 2×2 grid with padding 1.
    const images = Float32Array.from({ length: 12 }, (_, i) => i + 1);
    const grid = tileGrid(images, 3, 2, 2, { cols: 2, padding: 1, background: -1 });
    expect(grid.width).toBe(2 * 2 + 3);
    expect(grid.height).toBe(2 * 2 + 3);
    const at = (r: number, c: number) => grid.pixels[r * grid.width + c];
    expect([at(1, 1), at(1, 2), at(2, 1), at(2, 2)]).toEqual([1, 2, 3, 4]);
    expect([at(1, 4), at(1, 5), at(2, 4), at(2, 5)]).toEqual([5, 6, 7, 8]);
    expect([at(4, 1), at(4, 2), at(5, 1), at(5, 2)]).toEqual([9, 10, 11, 12]);
    expect(at(4, 4)).toBe(-1); // empty cell
    expect(at(0, 0)).toBe(-1);
    expect(at(1, 3)).toBe(-1); // padding between columns
  });

  it('defaults to a square-ish layout', () => {
    const grid = tileGrid(new Float32Array(10 * 28 * 28), 10, 28, 28);
    expect(grid.width).toBe(4 * 28 + 5 * 2);
    expect(grid.height).toBe(3 * 28 + 4 * 2);
  });

  it('refuses too few values', () => {
    expect(() => tileGrid(new Float32Array(3), 1, 2, 2)).toThrow();
  });
});

describe('tileGrid in colour', () => {
  it('keeps the channels of each pixel together', () => {
    // Two 1×2 RGB images: pixel values 1…6 and 7…12.
    const images = Float32Array.from({ length: 12 }, (_, i) => i + 1);
    const grid = tileGrid(images, 2, 1, 2, { cols: 2, padding: 1, channels: 3 });
    expect(grid.channels).toBe(3);
    expect(grid.width).toBe(2 * 2 + 3);
    const rgbAt = (r: number, c: number) =>
      Array.from(grid.pixels.subarray((r * grid.width + c) * 3, (r * grid.width + c + 1) * 3));
    expect(rgbAt(1, 1)).toEqual([1, 2, 3]);
    expect(rgbAt(1, 2)).toEqual([4, 5, 6]);
    expect(rgbAt(1, 4)).toEqual([7, 8, 9]);
    expect(rgbAt(1, 5)).toEqual([10, 11, 12]);
    expect(rgbAt(1, 3)).toEqual([0, 0, 0]);
  });
});
