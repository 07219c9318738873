import { describe, expect, it } from 'vitest';
import {
  formatRanges,
  moveFocus,
  parseRanges,
  tagRange,
  toggleTag,
  countTags,
} from '../../src/ui/logic/tag-selection';
import { formatRecipe, parseRecipe, RecipeError } from '../../src/ui/logic/recipe';
import {
  packContainer,
  unpackContainer,
  ContainerError,
  type Provenance,
} from '../../src/ui/logic/container';
import { resolveOptions } from '../../src/lib/core/options';

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

  it('writes and reads index ranges, refusing bad ones', () => {
    expect(formatRanges([5, 1, 2, 3, 9, 10])).toBe('1-3,5,9-10');
    expect(parseRanges('1-3,5,9-10', 20)).toEqual([1, 2, 3, 5, 9, 10]);
    expect(() => parseRanges('3-1', 20)).toThrow(/outside/);
    expect(() => parseRanges('1,x', 20)).toThrow(/"x"/);
    expect(() => parseRanges('25', 20)).toThrow(/outside/);
  });
});

describe('recipe links', () => {
  const recipe = {
    model: 'dcgan-mnist',
    seed: 7,
    count: 500,
    tags: [1, 2, 3, 40],
    options: resolveOptions({ alpha: 2, threshold: 'midpoint', terms: { percep: false } }),
    steps: 120,
    expect: { tfr: 0.042 },
  };

  it('round-trips a recipe', () => {
    const back = parseRecipe(formatRecipe(recipe));
    expect(back).toEqual(recipe);
  });

  it.each([
    ['#nothing', /does not start with #recipe/],
    ['#recipe&model=dcgan-mnist&grid=abc&n=500&steps=3', /"grid" must be an integer/],
    ['#recipe&model=dcgan-mnist&grid=1&n=500&steps=3&tags=1-900', /"tags"/],
    ['#recipe&model=dcgan-mnist&grid=1&n=500&steps=3&alpha=-1', /alpha/],
    ['#recipe&model=../etc&grid=1&n=500&steps=3', /"model"/],
    ['#recipe&model=dcgan-mnist&grid=1&n=500&steps=3&expect.tfr=abc', /expect.tfr/],
  ])('refuses %s with a reason', (hash, reason) => {
    expect(() => parseRecipe(hash)).toThrow(RecipeError);
    expect(() => parseRecipe(hash)).toThrow(reason);
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
