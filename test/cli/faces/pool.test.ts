import { describe, expect, it } from 'vitest';
import { FACE_ATTRIBUTES, buildFace } from '../../../src/lib/data/faces/index';
import { renderFaces } from '../../../src/cli/faces/pool';
import { faceBytes } from '../../../src/cli/faces/render';
import { rasterise } from '../../../src/cli/faces/rasterise';

describe('renderFaces', () => {
  it('gives on 2 worker threads exactly what one thread gives, in shared memory', async () => {
    const range = { seed: 5, size: 16, start: 100, count: 23 };
    const progress: number[] = [];
    const pooled = await renderFaces(range, {
      workers: 2,
      chunkSize: 5,
      onProgress: (done) => progress.push(done),
    });
    const local = await renderFaces(range, { workers: 0, chunkSize: 5 });
    expect(pooled.images.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(pooled.images.length).toBe(23 * faceBytes(16));
    expect(pooled.labels.length).toBe(23 * FACE_ATTRIBUTES.length);
    expect(pooled.images).toEqual(local.images);
    expect(pooled.labels).toEqual(local.labels);
    expect(progress.at(-1)).toBe(23);
    expect(progress).toHaveLength(5);

    // Position j holds face start + j.
    const face = buildFace(5, 107);
    const expected = rasterise(face.svg, face.choice.backgroundColor, { size: 16, supersample: 8 });
    expect(local.images.subarray(7 * faceBytes(16), 8 * faceBytes(16))).toEqual(expected);
    expect(Array.from(local.labels.subarray(28, 32))).toEqual(
      FACE_ATTRIBUTES.map((a) => face.labels[a]),
    );
  });
});
