import { describe, expect, it } from 'vitest';
import {
  IDX_IMAGES_MAGIC,
  IDX_LABELS_MAGIC,
  parseIdxImages,
  parseIdxLabels,
} from '../../src/lib/core/mnist-idx';

/** An idx file: big-endian magic, big-endian dims, then the bytes. */
function idx(magic: number, dims: number[], body: number[]): Uint8Array {
  const bytes = new Uint8Array(4 + 4 * dims.length + body.length);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, magic, false);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  bytes.set(body, 4 + 4 * dims.length);
  return bytes;
}

describe('parseIdxImages', () => {
  it('reads a big-endian header and the pixels after it', () => {
    const body = Array.from({ length: 2 * 3 * 2 }, (_, i) => i * 10);
    const images = parseIdxImages(idx(0x00000803, [2, 3, 2], body));
    expect(images).toMatchObject({ count: 2, rows: 3, cols: 2 });
    expect(Array.from(images.pixels)).toEqual(body);
  });

  it('reads dimensions above 255 (big-endian, not little)', () => {
    const images = parseIdxImages(idx(IDX_IMAGES_MAGIC, [300, 1, 1], new Array(300).fill(1)));
    expect(images.count).toBe(300);
  });

  it('works on a view into a larger buffer', () => {
    const file = idx(IDX_IMAGES_MAGIC, [1, 2, 2], [1, 2, 3, 4]);
    const big = new Uint8Array(file.length + 7);
    big.set(file, 7);
    expect(Array.from(parseIdxImages(big.subarray(7)).pixels)).toEqual([1, 2, 3, 4]);
  });

  it('names a wrong magic number', () => {
    expect(() => parseIdxImages(idx(IDX_LABELS_MAGIC, [1, 1, 1], [0]))).toThrow(
      /wrong magic number 0x00000801, expected 0x00000803/,
    );
  });

  it('names a truncated file and trailing bytes', () => {
    const file = idx(IDX_IMAGES_MAGIC, [2, 2, 2], new Array(8).fill(0));
    expect(() => parseIdxImages(file.subarray(0, file.length - 1))).toThrow(/truncated/);
    const longer = new Uint8Array(file.length + 1);
    longer.set(file);
    expect(() => parseIdxImages(longer)).toThrow(/trailing/);
    expect(() => parseIdxImages(file.subarray(0, 10))).toThrow(/too short for its header/);
  });
});

describe('parseIdxLabels', () => {
  it('reads the labels', () => {
    expect(Array.from(parseIdxLabels(idx(IDX_LABELS_MAGIC, [4], [7, 2, 1, 0])))).toEqual([
      7, 2, 1, 0,
    ]);
  });

  it('names a wrong magic number and a truncated file', () => {
    expect(() => parseIdxLabels(idx(IDX_IMAGES_MAGIC, [1], [0]))).toThrow(/wrong magic/);
    expect(() => parseIdxLabels(idx(IDX_LABELS_MAGIC, [5], [1, 2]))).toThrow(/truncated/);
  });
});
