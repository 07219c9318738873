import { describe, expect, it } from 'vitest';
import { resolveOptions } from '../../../src/lib/core/options';
import { sampleLatents } from '../../../src/lib/core/rng';
import { findTarget } from '../../../src/lib/train/unlearn/target';

describe('findTarget', () => {
  const dim = 6;
  const n = 200;
  const latents = sampleLatents(5, n, dim);
  // Positives: latents whose first two coordinates sum above 1 (a direction, plus noise elsewhere).
  const tags = Uint8Array.from({ length: n }, (_, i) =>
    latents[i * dim] + latents[i * dim + 1] > 1 ? 1 : 0,
  );

  it('passes the shrinkage option to the LDA direction', () => {
    const meanDiff = findTarget(latents, dim, tags, resolveOptions()).targetVector;
    // λ = 1 shrinks Σ to a multiple of I, so LDA points along μ₊ − μ₋, rescaled to its length.
    const full = findTarget(
      latents,
      dim,
      tags,
      resolveOptions({ direction: 'lda', shrinkage: 1 }),
    ).targetVector;
    full.forEach((v, i) => expect(v).toBeCloseTo(meanDiff[i], 5));
    const none = findTarget(
      latents,
      dim,
      tags,
      resolveOptions({ direction: 'lda', shrinkage: 0 }),
    ).targetVector;
    const gap = none.reduce((s, v, i) => s + Math.abs(v - meanDiff[i]), 0);
    expect(gap).toBeGreaterThan(1e-3);
  });
});
