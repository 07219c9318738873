import { describe, expect, it } from 'vitest';
import {
  frechetDistance,
  gaussianStats,
  symmetricEigen,
  traceSqrtProduct,
} from '../../src/lib/core/fid';
import { createRng } from '../../src/lib/core/rng';

function randomFeatures(seed: number, count: number, dim: number): Float32Array {
  const rng = createRng(seed);
  // Correlated features: x = A·n with a fixed random mixing A.
  const mix = Float64Array.from({ length: dim * dim }, () => rng.nextNormal() / Math.sqrt(dim));
  const out = new Float32Array(count * dim);
  const n = new Float64Array(dim);
  for (let r = 0; r < count; r++) {
    for (let k = 0; k < dim; k++) n[k] = rng.nextNormal();
    for (let i = 0; i < dim; i++) {
      let s = 0;
      for (let k = 0; k < dim; k++) s += mix[i * dim + k] * n[k];
      out[r * dim + i] = s + 0.1 * i;
    }
  }
  return out;
}

describe('gaussianStats', () => {
  it('gives the mean and the n − 1 covariance', () => {
    // Rows (1, 2), (3, 6), (5, 4): mean (3, 4); centred (−2, −2), (0, 2), (2, 0);
    // scatter [[8, 4], [4, 8]] / (3 − 1).
    const { mean, cov } = gaussianStats(Float32Array.from([1, 2, 3, 6, 5, 4]), 3, 2);
    expect(Array.from(mean)).toEqual([3, 4]);
    expect(Array.from(cov)).toEqual([4, 2, 2, 4]);
  });

  it('refuses bad shapes and non-finite features', () => {
    expect(() => gaussianStats(new Float32Array(5), 3, 2)).toThrow(RangeError);
    expect(() => gaussianStats(new Float32Array(2), 1, 2)).toThrow(RangeError);
    expect(() => gaussianStats(Float32Array.from([1, Number.NaN, 0, 0]), 2, 2)).toThrow(RangeError);
  });
});

describe('symmetricEigen', () => {
  it('finds the eigenvalues 2 − √2, 2, 2 + √2 of the 3×3 second-difference matrix', () => {
    const m = [2, -1, 0, -1, 2, -1, 0, -1, 2];
    const { values, vectors } = symmetricEigen(m, 3, true);
    const sorted = Array.from(values).sort((a, b) => a - b);
    expect(sorted[0]).toBeCloseTo(2 - Math.SQRT2, 12);
    expect(sorted[1]).toBeCloseTo(2, 12);
    expect(sorted[2]).toBeCloseTo(2 + Math.SQRT2, 12);
    // A v = λ v for every column.
    const v = vectors as Float64Array;
    for (let j = 0; j < 3; j++) {
      for (let i = 0; i < 3; i++) {
        let av = 0;
        for (let k = 0; k < 3; k++) av += m[i * 3 + k] * v[k * 3 + j];
        expect(av).toBeCloseTo(values[j] * v[i * 3 + j], 12);
      }
    }
  });
});

describe('frechetDistance', () => {
  it('is (μa − μb)² + (σa − σb)² in one dimension', () => {
    const d = frechetDistance(
      { mean: Float64Array.of(1), cov: Float64Array.of(4) },
      { mean: Float64Array.of(-2), cov: Float64Array.of(9) },
    );
    expect(d).toBeCloseTo(9 + 1, 12);
  });

  it('is ‖μa − μb‖² + Σ(√a − √b)² for diagonal covariances', () => {
    const a = [1, 4, 0.25, 2];
    const b = [9, 1, 0.25, 0];
    const diag = (v: number[]) => {
      const m = new Float64Array(16);
      v.forEach((x, i) => (m[i * 4 + i] = x));
      return m;
    };
    // ‖μa − μb‖² = 1; Σ(√a − √b)² = (1 − 3)² + (2 − 1)² + 0 + (√2 − 0)² = 7.
    const expected = 1 + a.reduce((s, x, i) => s + (Math.sqrt(x) - Math.sqrt(b[i])) ** 2, 0);
    expect(expected).toBeCloseTo(8, 12);
    const d = frechetDistance(
      { mean: Float64Array.of(0, 1, 0, 0), cov: diag(a) },
      { mean: Float64Array.of(1, 1, 0, 0), cov: diag(b) },
    );
    expect(d).toBeCloseTo(expected, 10);
  });

  it('matches the 2×2 closed form tr √M = √(tr M + 2√det M) for non-commuting covariances', () => {
    const sa = Float64Array.of(2, 1, 1, 2);
    const sb = Float64Array.of(1, 0.5, 0.5, 3);
    // M = Σa Σb = [[2.5, 4], [2, 6.5]]: tr 9, det = det Σa · det Σb = 3 · 2.75.
    const expected = Math.sqrt(9 + 2 * Math.sqrt(3 * 2.75));
    expect(traceSqrtProduct(sa, sb, 2)).toBeCloseTo(expected, 12);
    const d = frechetDistance(
      { mean: Float64Array.of(0, 0), cov: sa },
      { mean: Float64Array.of(0, 0), cov: sb },
    );
    expect(d).toBeCloseTo(4 + 4 - 2 * expected, 12);
  });

  it('is 0 for a set against itself and grows as noise is added', () => {
    const count = 400;
    const dim = 16;
    const x = randomFeatures(1, count, dim);
    const stats = gaussianStats(x, count, dim);
    let trace = 0;
    for (let i = 0; i < dim; i++) trace += stats.cov[i * dim + i];
    expect(frechetDistance(stats, stats)).toBeLessThan(1e-9 * trace);

    const rng = createRng(2);
    const noise = Float32Array.from({ length: count * dim }, () => rng.nextNormal());
    const fids = [0.1, 0.3, 1, 3].map((sigma) => {
      const y = x.map((v, i) => v + sigma * noise[i]);
      return frechetDistance(stats, gaussianStats(y, count, dim));
    });
    for (let i = 1; i < fids.length; i++) expect(fids[i]).toBeGreaterThan(fids[i - 1]);
    expect(fids[0]).toBeGreaterThan(0);
  });

  it('handles rank-deficient covariances (a feature that never varies)', () => {
    const count = 50;
    const x = randomFeatures(3, count, 4);
    for (let r = 0; r < count; r++) x[r * 4 + 2] = 0;
    const stats = gaussianStats(x, count, 4);
    expect(frechetDistance(stats, stats)).toBeLessThan(1e-9);
  });

  it('is symmetric at 256 dimensions', () => {
    const dim = 256;
    const count = 400;
    // Cheap correlated features: each is a noise term plus half of its left neighbour's.
    const features = (seed: number) => {
      const rng = createRng(seed);
      const n = Float32Array.from({ length: count * dim }, () => rng.nextNormal());
      return n.map((v, i) => v + (i % dim > 0 ? 0.5 * n[i - 1] : 0) + 0.01 * (i % dim));
    };
    const a = gaussianStats(features(4), count, dim);
    const b = gaussianStats(features(5), count, dim);
    const ab = frechetDistance(a, b);
    const ba = frechetDistance(b, a);
    expect(ab).toBeGreaterThan(0);
    expect(Math.abs(ab - ba)).toBeLessThan(1e-8 * ab);
  });
});
