import { describe, expect, it } from 'vitest';
import { moveFocus, tagRange, toggleTag, countTags } from '../../src/ui/logic/tag-selection';
import {
  packContainer,
  unpackContainer,
  ContainerError,
  type Provenance,
} from '../../src/ui/logic/container';

describe('tag selection', () => {
  it('toggles one sample and shift-selects a range in either direction', () => {
    let tags = toggleTag(new Uint8Array(10), 2);
    expect(Array.from(tags)).toEqual([0, 0, 1, 0, 0, 0, 0, 0, 0, 0]);
    tags = tagRange(tags, 2, 6);
    expect(countTags(tags)).toBe(5);
    tags = tagRange(tags, 6, 4); // clicked sample 4 is tagged → the range is untagged
    expect(Array.from(tags)).toEqual([0, 0, 1, 1, 0, 0, 0, 0, 0, 0]);
  });

  it('moves focus with arrows and stops at the edges', () => {
    expect(moveFocus(0, 'ArrowLeft', 10, 100)).toBe(0);
    expect(moveFocus(5, 'ArrowDown', 10, 100)).toBe(15);
    expect(moveFocus(95, 'ArrowDown', 10, 100)).toBe(99);
    expect(moveFocus(3, 'x', 10, 100)).toBeNull();
  });
});

describe('export container', () => {
  const provenance: Provenance = {
    app: { name: 'test', version: '0' },
    createdAt: '2024-01-01T00:00:00Z',
    base: { id: 'dcgan-mnist', sha256: 'ab'.repeat(32) },
    seed: 0,
    count: 500,
    tags: [1, 2],
    targetVector: [0.5, -0.5],
    threshold: 0.1,
    settings: { alpha: 3 },
    steps: 3,
    metrics: { tfr: 0.05 },
    backend: 'webgpu',
  };
  const model = {
    modelJson: {
      modelTopology: { a: 1 },
      weightsManifest: [{ paths: ['weights.bin'], weights: [] }],
    },
    weights: Float32Array.from([1, 2, 3, NaN]).buffer,
  };

  it('round-trips weights and provenance', async () => {
    const packed = await packContainer(model, provenance);
    const { manifest, model: back } = await unpackContainer(packed);
    expect(manifest.base).toEqual(provenance.base);
    expect(manifest.tags).toEqual([1, 2]);
    expect(back.modelJson).toEqual(model.modelJson);
    expect(new Uint8Array(back.weights)).toEqual(new Uint8Array(model.weights));
  });

  it('refuses a foreign, truncated or corrupted file', async () => {
    const packed = await packContainer(model, provenance);
    await expect(
      unpackContainer(new TextEncoder().encode('hello world, not ours')),
    ).rejects.toThrow(/signature/);
    await expect(unpackContainer(packed.subarray(0, 40))).rejects.toThrow(/truncated/);
    const corrupt = packed.slice();
    corrupt[corrupt.length - 1] ^= 0xff;
    await expect(unpackContainer(corrupt)).rejects.toThrow(ContainerError);
    await expect(unpackContainer(corrupt)).rejects.toThrow(/corrupted/);
  });
});
