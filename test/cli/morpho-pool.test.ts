import { beforeAll, describe, expect, it } from 'vitest';
import { MorphoMeter } from '../../src/lib/core/morpho/index';
import { loadMnist } from '../../src/cli/mnist';
import { measureMany, measureManyPacked } from '../../src/cli/morpho-pool';

let images: Uint8Array;
beforeAll(async () => {
  images = (await loadMnist('test')).images;
});

describe('measureManyPacked', () => {
  it('gives on 2 worker threads exactly what one thread gives, in order, with progress', async () => {
    const count = 45;
    const progress: number[] = [];
    const packed = await measureManyPacked(images, count, {
      workers: 2,
      chunkSize: 10,
      onProgress: (done, total) => {
        expect(total).toBe(count);
        progress.push(done);
      },
    });
    const expected = new Float64Array(4 * count);
    const meter = new MorphoMeter();
    for (let i = 0; i < count; i++) {
      meter.measureInto(images.subarray(784 * i, 784 * (i + 1)), expected, 4 * i);
    }
    expect(Array.from(packed)).toEqual(Array.from(expected));
    expect(progress).toHaveLength(5);
    expect(progress.at(-1)).toBe(count);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);
  });

  it('measures in-process with workers: 0 and leaves the input intact', async () => {
    const before = images.slice(0, 784 * 3);
    const measures = await measureMany(images, 3, { workers: 0 });
    expect(measures).toHaveLength(3);
    expect(measures[0].area).toBeGreaterThan(0);
    expect(images.subarray(0, 784 * 3)).toEqual(before);
  });

  it('refuses too few bytes', async () => {
    await expect(measureManyPacked(new Uint8Array(784), 2)).rejects.toThrow(/cannot hold/);
  });
});
