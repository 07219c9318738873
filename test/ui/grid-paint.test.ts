import { describe, expect, it } from 'vitest';
import { imagePixels, paintCell } from '../../src/ui/logic/colormap';
import { MNIST_SHAPE } from '../../src/lib/models/image-shape';

describe('paintCell', () => {
  /** Two unitImages: image 0 all 0.5, image 1 zero except pixel (row 3, col 5) = 1. */
  const images = new Float32Array(2 * 784).fill(0.5, 0, 784);
  images[784 + 3 * 28 + 5] = 1;
  const width = 60;
  const rgba = (out: Uint8ClampedArray, x: number, y: number): number[] =>
    Array.from(out.subarray(4 * (y * width + x), 4 * (y * width + x) + 4));

  it('puts image i inside a 1-pixel frame at its cell, grey and opaque', () => {
    const out = new Uint8ClampedArray(width * 30 * 4);
    paintCell(out, width, 30, 0, {
      images,
      against: null,
      shape: MNIST_SHAPE,
      i: 1,
      marked: false,
    });
    expect(rgba(out, 30 + 1 + 5, 1 + 3)).toEqual([255, 255, 255, 255]);
    expect(rgba(out, 30 + 1 + 6, 1 + 3)).toEqual([0, 0, 0, 255]);
    expect(rgba(out, 30, 0)).toEqual([0, 0, 0, 255]);
    // The left cell is untouched.
    expect(rgba(out, 10, 10)).toEqual([0, 0, 0, 0]);
  });

  it('dashes the frame of a marked cell and leaves its image alone', () => {
    const out = new Uint8ClampedArray(width * 30 * 4);
    paintCell(out, width, 0, 0, { images, against: null, shape: MNIST_SHAPE, i: 0, marked: true });
    const frame = Array.from({ length: 30 }, (_, x) => rgba(out, x, 0)[0]);
    expect(frame.filter((r) => r === 230).length).toBeGreaterThan(10);
    expect(frame.filter((r) => r === 0).length).toBeGreaterThan(10);
    expect(rgba(out, 10, 10)).toEqual([128, 128, 128, 255]);
  });

  it('paints |a − b| in cividis: dark blue where equal, yellow where it differs by 1', () => {
    const out = new Uint8ClampedArray(width * 30 * 4);
    const zeros = new Float32Array(2 * 784);
    paintCell(out, width, 0, 0, {
      images,
      against: zeros,
      shape: MNIST_SHAPE,
      i: 1,
      marked: false,
    });
    expect(rgba(out, 1 + 5, 1 + 3)).toEqual([255, 234, 70, 255]);
    expect(rgba(out, 1, 1)).toEqual([0, 34, 78, 255]);
  });
});

describe('colour images', () => {
  const shape = { height: 4, width: 3, channels: 3 } as const;
  // Image 1 of two 4×3 RGB images: pixel (row 2, col 1) = (1, 0.5, 0), the rest 0.
  const images = new Float32Array(2 * 36);
  images.set([1, 0.5, 0], 36 + (2 * 3 + 1) * 3);

  it('paints each pixel in its own colour inside a frame 2 pixels larger', () => {
    const width = 5;
    const out = new Uint8ClampedArray(width * 6 * 4);
    paintCell(out, width, 0, 0, { images, against: null, shape, i: 1, marked: false });
    const at = (x: number, y: number) =>
      Array.from(out.subarray(4 * (y * width + x), 4 * (y * width + x) + 4));
    expect(at(1 + 1, 1 + 2)).toEqual([255, 128, 0, 255]);
    expect(at(1, 1)).toEqual([0, 0, 0, 255]);
    expect(at(4, 5)).toEqual([0, 0, 0, 255]);
  });

  it('gives RGBA pixels of one image for a small canvas', () => {
    const px = imagePixels(images, shape, 1);
    expect(px.length).toBe(12 * 4);
    expect(Array.from(px.subarray(4 * 7, 4 * 8))).toEqual([255, 128, 0, 255]);
  });
});
