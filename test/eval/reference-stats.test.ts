import { describe, expect, it } from 'vitest';
import { parseReferenceStats } from '../../src/lib/eval/reference-stats';

describe('FID reference statistics', () => {
  const good = { classifierSha256: 'ab', count: 10, dim: 2, mean: [1, 2], cov: [1, 0, 0, 1] };

  it('reads the mean and the d × d covariance', () => {
    const stats = parseReferenceStats(good);
    expect(Array.from(stats.mean)).toEqual([1, 2]);
    expect(Array.from(stats.cov)).toEqual([1, 0, 0, 1]);
    expect(stats.sha256).toBe('ab');
    // Files written before `dim` existed still read.
    const { dim: _dim, ...old } = good;
    expect(Array.from(parseReferenceStats(old).mean)).toEqual([1, 2]);
  });

  it.each([
    [null, /no mean and covariance/],
    [{ ...good, cov: [1, 0, 0] }, /a mean of 2 values needs a covariance of 2×2/],
    [{ ...good, dim: 3 }, /do not fit together/],
    [{ ...good, mean: [] }, /do not fit together/],
    [{ ...good, mean: [1, '2'] }, /not a finite number/],
    [{ ...good, cov: [1, 0, 0, null] }, /not a finite number/],
  ])('refuses %j with a reason', (json, reason) => {
    expect(() => parseReferenceStats(json)).toThrow(reason);
  });
});
