import { describe, expect, it } from 'vitest';
import {
  ledoitWolfShrinkage,
  projection,
  TagSetError,
  targetVector,
  threshold,
  type TagSetErrorCode,
} from '../../src/lib/core/target-vector';
import { rocAuc } from '../../src/lib/core/roc';
import { createRng } from '../../src/lib/core/rng';

function expectTagSetError(fn: () => unknown, code: TagSetErrorCode): void {
  let caught: unknown = null;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(TagSetError);
  expect((caught as TagSetError).code).toBe(code);
}

// Two positives (1, 2), (3, 4): μ₊ = (2, 3). Three negatives (0, 0), (0, 2), (3, 1): μ₋ = (1, 1).
const LATENTS = Float32Array.from([1, 2, 3, 4, 0, 0, 0, 2, 3, 1]);
const MASK = [true, true, false, false, false];

describe('targetVector (meanDiff)', () => {
  it('is mean(positives) − mean(negatives)', () => {
    const zE = targetVector(LATENTS, 2, MASK);
    expect(zE).toBeInstanceOf(Float64Array);
    expect(Array.from(zE)).toEqual([1, 2]);
  });

  it('takes the positives as a 0/1 mask or as indices', () => {
    expect(Array.from(targetVector(LATENTS, 2, Uint8Array.from([1, 1, 0, 0, 0])))).toEqual([1, 2]);
    expect(Array.from(targetVector(LATENTS, 2, { indices: [1, 0] }))).toEqual([1, 2]);
  });
});

describe('targetVector (lda)', () => {
  // Each class = its mean + the deviations (2, 1), (−2, −1), (0, 1), (0, −1). Pooled scatter:
  // 2·[[8, 4], [4, 4]] / (N − 2 = 6); μ₊ − μ₋ = (1, 0). S⁻¹(1, 0) ∝ [[8, −8], [−8, 16]]·(1, 0)
  // ∝ (1, −1), rescaled to ‖μ₊ − μ₋‖ = 1.
  const deviations = [
    [2, 1],
    [-2, -1],
    [0, 1],
    [0, -1],
  ];
  const pos = deviations.map(([a, b]) => [5 + a, 7 + b]);
  const neg = deviations.map(([a, b]) => [4 + a, 7 + b]);
  const latents = Float32Array.from([...pos, ...neg].flat());
  const mask = [true, true, true, true, false, false, false, false];

  it('is Σ⁻¹(μ₊ − μ₋) without shrinkage, rescaled to ‖μ₊ − μ₋‖', () => {
    const zE = targetVector(latents, 2, mask, { direction: 'lda', shrinkage: 0 });
    expect(zE[0]).toBeCloseTo(Math.SQRT1_2, 12);
    expect(zE[1]).toBeCloseTo(-Math.SQRT1_2, 12);
  });

  it('is the mean difference with full shrinkage', () => {
    const zE = targetVector(latents, 2, mask, { direction: 'lda', shrinkage: 1 });
    expect(zE[0]).toBeCloseTo(1, 12);
    expect(zE[1]).toBeCloseTo(0, 12);
  });

  it('finds the feature where a shared nuisance hides it from meanDiff', () => {
    // x = (s + n, n, noise…): the feature s shifts x₀, but n (σ = 3) swamps it; x₀ − x₁ is clean.
    const rng = createRng(17);
    const make = (count: number) => {
      const dim = 6;
      const z = new Float32Array(count * dim);
      const labels: boolean[] = [];
      for (let i = 0; i < count; i++) {
        const positive = i % 5 === 0;
        const nuisance = 3 * rng.nextNormal();
        z[i * dim] = (positive ? 1 : 0) + nuisance + 0.3 * rng.nextNormal();
        z[i * dim + 1] = nuisance + 0.3 * rng.nextNormal();
        for (let k = 2; k < dim; k++) z[i * dim + k] = rng.nextNormal();
        labels.push(positive);
      }
      return { z, labels, dim };
    };
    const train = make(500);
    const test = make(2000);
    const auc = (direction: 'meanDiff' | 'lda') => {
      const zE = targetVector(train.z, train.dim, train.labels, { direction });
      return rocAuc(projection(test.z, test.dim, zE), test.labels);
    };
    expect(auc('meanDiff')).toBeLessThan(0.75);
    // The Bayes-optimal AUC here is Φ(1 / (0.3·√2) / √2) ≈ 0.95; meanDiff's is near 0.59.
    expect(auc('lda')).toBeGreaterThan(0.92);
  });

  it('reports a singular covariance without shrinkage when N − 2 < d', () => {
    const rng = createRng(1);
    const z = Float32Array.from({ length: 6 * 10 }, () => rng.nextNormal());
    expectTagSetError(
      () => targetVector(z, 10, [1, 1, 1, 0, 0, 0], { direction: 'lda', shrinkage: 0 }),
      'singularCovariance',
    );
    // Ledoit–Wolf shrinkage makes it solvable.
    const zE = targetVector(z, 10, [1, 1, 1, 0, 0, 0], { direction: 'lda' });
    expect(zE.every(Number.isFinite)).toBe(true);
  });
});

describe('ledoitWolfShrinkage', () => {
  it('shrinks hard for isotropic data with few samples, little for clearly anisotropic data', () => {
    const rng = createRng(8);
    const d = 50;
    const few = 60;
    const iso = Float64Array.from({ length: few * d }, () => rng.nextNormal());
    expect(ledoitWolfShrinkage(iso, few, d)).toBeGreaterThan(0.7);
    const many = 2000;
    const aniso = new Float64Array(many * d);
    for (let i = 0; i < many; i++) {
      for (let k = 0; k < d; k++) aniso[i * d + k] = (k < 5 ? 10 : 0.5) * rng.nextNormal();
    }
    expect(ledoitWolfShrinkage(aniso, many, d)).toBeLessThan(0.05);
  });
});

describe('projection', () => {
  it('is z_eᵀz / ‖z_e‖', () => {
    const p = projection(Float32Array.from([3, 4, 0, 0, -1, 2]), 2, [1, 2]);
    expect(p[0]).toBeCloseTo(11 / Math.sqrt(5), 12);
    expect(p[1]).toBe(0);
    expect(p[2]).toBeCloseTo(3 / Math.sqrt(5), 12);
  });

  it('does not depend on the length of z_e', () => {
    const a = projection(LATENTS, 2, [1, 2]);
    const b = projection(LATENTS, 2, Float32Array.from([10, 20]));
    for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i], 6);
  });

  it('refuses mismatched shapes and a zero z_e', () => {
    expectTagSetError(() => projection(LATENTS, 2, [1, 2, 3]), 'lengthMismatch');
    expectTagSetError(() => projection(LATENTS, 3, [1, 2, 3]), 'lengthMismatch');
    expectTagSetError(() => projection(LATENTS, 2, [0, 0]), 'identicalMeans');
    expectTagSetError(() => projection([1, Number.NaN], 2, [1, 0]), 'nonFinite');
  });
});

describe('threshold', () => {
  const proj = [4, 2, 0, 1, -1];
  const mask = [true, true, false, false, false];

  it("pooled: the paper's mean projection over all collected latents", () => {
    expect(threshold(proj, mask, 'pooled')).toBeCloseTo(6 / 5, 12);
    expect(threshold(proj, mask)).toBeCloseTo(6 / 5, 12);
  });

  it('midpoint: halfway between the class means of the projections', () => {
    // mean(pos) = 3, mean(neg) = 0.
    expect(threshold(proj, mask, 'midpoint')).toBeCloseTo(1.5, 12);
  });

  it('refuses a mask of the wrong length and one-class midpoints', () => {
    expectTagSetError(() => threshold(proj, [true], 'pooled'), 'lengthMismatch');
    expectTagSetError(() => threshold(proj, [0, 0, 0, 0, 0], 'midpoint'), 'noPositives');
    expectTagSetError(() => threshold(proj, [1, 1, 1, 1, 1], 'midpoint'), 'noNegatives');
  });
});

describe('targetVector errors', () => {
  it('names each degenerate tag set', () => {
    expectTagSetError(() => targetVector(LATENTS, 2, [0, 0, 0, 0, 0]), 'noPositives');
    expectTagSetError(() => targetVector(LATENTS, 2, [1, 1, 1, 1, 1]), 'noNegatives');
    expectTagSetError(() => targetVector(LATENTS, 2, [1, 0, 0, 0, 0]), 'tooFewPositives');
    expectTagSetError(() => targetVector(LATENTS, 2, [1, 1, 1, 1, 0]), 'tooFewNegatives');
    expectTagSetError(() => targetVector(LATENTS, 2, [1, 1, 0, 0]), 'lengthMismatch');
    expectTagSetError(() => targetVector(LATENTS, 3, MASK), 'lengthMismatch');
    expectTagSetError(() => targetVector(LATENTS, 2, { indices: [5] }), 'lengthMismatch');
    const nan = LATENTS.slice();
    nan[3] = Number.POSITIVE_INFINITY;
    expectTagSetError(() => targetVector(nan, 2, MASK), 'nonFinite');
    // Same mean in both classes: (0, 0) and (2, 2) versus (1, 3) and (1, −1).
    const same = Float32Array.from([0, 0, 2, 2, 1, 3, 1, -1]);
    expectTagSetError(() => targetVector(same, 2, [1, 1, 0, 0]), 'identicalMeans');
    expectTagSetError(
      () => targetVector(same, 2, [1, 1, 0, 0], { direction: 'lda' }),
      'identicalMeans',
    );
    expectTagSetError(
      () => targetVector(LATENTS, 2, MASK, { direction: 'lda', shrinkage: 2 }),
      'badOption',
    );
  });

  it('gives errors that are Errors with a name and a message', () => {
    expect(() => targetVector(LATENTS, 2, [0, 0, 0, 0, 0])).toThrow(Error);
    expect(() => targetVector(LATENTS, 2, [0, 0, 0, 0, 0])).toThrow(/positive/);
    expect(new TagSetError('noPositives', 'x').name).toBe('TagSetError');
  });
});
