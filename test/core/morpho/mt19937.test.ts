import { describe, expect, it } from 'vitest';
import { Mt19937, randomStatePermutation } from '../../../src/lib/core/morpho/index';

describe('Mt19937', () => {
  it('matches the reference outputs for the default seed 5489', () => {
    // The C++ standard ([rand.predef]): the 10000th output of a default-constructed
    // std::mt19937 is 4123659995; Matsumoto's mt19937ar.c starts 3499211612 for this seed.
    const rng = new Mt19937(5489);
    expect(rng.nextUint32()).toBe(3499211612);
    let v = 0;
    for (let i = 2; i <= 10000; i++) v = rng.nextUint32();
    expect(v).toBe(4123659995);
  });

  it('refuses seeds outside [0, 2^32)', () => {
    expect(() => new Mt19937(-1)).toThrow();
    expect(() => new Mt19937(2 ** 32)).toThrow();
    expect(() => new Mt19937(0.5)).toThrow();
  });
});

describe('randomStatePermutation (numpy RandomState(seed).permutation)', () => {
  it('gives numpy’s RandomState(0).permutation(10)', () => {
    expect(Array.from(randomStatePermutation(10))).toEqual([2, 8, 4, 9, 1, 6, 7, 3, 0, 5]);
  });

  it('gives the start of numpy’s RandomState(0).permutation(1717)', () => {
    expect(Array.from(randomStatePermutation(1717).subarray(0, 8))).toEqual([
      1151, 6, 746, 1322, 473, 1544, 1290, 1148,
    ]);
  });

  it('is a permutation, also for sizes beyond the cached stream', () => {
    for (const n of [0, 1, 2, 12544, 30000]) {
      const p = randomStatePermutation(n);
      expect(p).toHaveLength(n);
      const seen = new Uint8Array(n);
      for (const v of p) seen[v]++;
      expect(seen.every((c) => c === 1)).toBe(true);
    }
  });

  it('is the same through the cached seed-0 stream and a fresh generator', () => {
    const out = new Int32Array(5000).fill(-1);
    const cached = randomStatePermutation(1717, 0, out);
    expect(cached).toHaveLength(1717);
    expect(out[1717]).toBe(-1);
    const fresh = new Int32Array(1717);
    const rng = new Mt19937(0);
    for (let i = 0; i < 1717; i++) fresh[i] = i;
    for (let i = 1716; i > 0; i--) {
      let mask = i;
      for (let s = 1; s < 32; s *= 2) mask |= mask >>> s;
      let v: number;
      do v = (rng.nextUint32() & mask) >>> 0;
      while (v > i);
      [fresh[i], fresh[v]] = [fresh[v], fresh[i]];
    }
    expect(Array.from(cached)).toEqual(Array.from(fresh));
  });
});
