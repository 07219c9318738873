import { describe, expect, it } from 'vitest';
import { sampleLatents } from '../../src/lib/core/rng';
import { streamLatents, streamSeed } from '../../src/lib/core/seed-streams';

/** The hashed stream seed in 64-bit integer arithmetic, written independently of Math.imul. */
function reference(seed: number, stream: number): number {
  const m = 2n ** 32n;
  const a = ((BigInt((seed ^ 0x9e3779b9) >>> 0) * 0x85ebca6bn) % m) as bigint;
  const b = (BigInt(stream) * 0xc2b2ae35n) % m;
  return Number((a + b) % m);
}

describe('seed streams', () => {
  it('hash (seed, stream) as the CLI always has (results and recipes depend on it)', () => {
    const names = ['tagGrid', 'preview', 'evaluation', 'attack'] as const;
    for (const seed of [0, 1, 7, 123456789, 0xffff_ffff]) {
      names.forEach((name, i) => expect(streamSeed(seed, name)).toBe(reference(seed, i + 1)));
    }
  });

  it('give each purpose its own latents, and the shuffle the seed itself', () => {
    const grid = streamLatents(3, 'tagGrid', 4, 5);
    const preview = streamLatents(3, 'preview', 4, 5);
    expect(Array.from(grid)).not.toEqual(Array.from(preview));
    expect(Array.from(streamLatents(3, 'tagGrid', 2, 5))).toEqual(Array.from(grid.subarray(0, 10)));
    expect(Array.from(grid)).toEqual(Array.from(sampleLatents(reference(3, 1), 4, 5)));
    expect(streamSeed(42, 'shuffle')).toBe(42);
    expect(streamSeed(42, 'targetCheck')).toBe(42 ^ 0x5eed);
  });

  it('refuse a seed outside [0, 2³²)', () => {
    expect(() => streamSeed(-1, 'tagGrid')).toThrow(RangeError);
    expect(() => streamSeed(2 ** 32, 'preview')).toThrow(RangeError);
    expect(() => streamSeed(1.5, 'preview')).toThrow(RangeError);
  });
});
