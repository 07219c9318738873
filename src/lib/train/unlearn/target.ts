import { projection, targetVector, threshold } from '../../core/target-vector';
import { rocAuc } from '../../core/roc';
import { streamLatents } from '../../core/seed-streams';
import type { UnlearnOptions } from '../../core/options';
import type { LatentTarget } from './session';

/** Counts of projections in equal-width bins, for the histogram the app draws. */
export interface ProjectionHistogram {
  /** Bin edges, bins + 1 of them. */
  edges: number[];
  positives: number[];
  negatives: number[];
}

/** What a person needs to judge a target before unlearning with it. */
export interface TargetDiagnostics extends LatentTarget {
  positives: number;
  negatives: number;
  /** ‖z_e‖: the raw length of the mean difference (or LDA direction). */
  norm: number;
  histogram: ProjectionHistogram;
  /** Share of the tagged latents that sim flags. */
  flaggedTagged: number;
  /** Share of `freshCount` fresh latents z ~ N(0, I) that sim flags. */
  flaggedFresh: number;
  /** ROC-AUC of proj(z) as a detector of the tags themselves (how separable the tags are). */
  tagAuc: number;
}

/**
 * Finds z_e and t from tagged latents (paper §Method: z_e = mean(pos) − mean(neg); Eq. 1's t)
 * and the diagnostics the app and CLI show. Throws TagSetError (from core) on degenerate tags.
 *
 * @param latents [N · latentDim] row-major, the collected latents.
 * @param isPositive [N], 1 where the sample shows the feature.
 */
export function findTarget(
  latents: Float32Array,
  latentDim: number,
  isPositive: ArrayLike<boolean | number>,
  options: Pick<UnlearnOptions, 'direction' | 'shrinkage' | 'threshold' | 'seed'>,
  { bins = 30, freshCount = 2000 }: { bins?: number; freshCount?: number } = {},
): TargetDiagnostics {
  const positive = Array.from(isPositive, (v) => v === true || v === 1);
  const zE = targetVector(latents, latentDim, positive, {
    direction: options.direction,
    shrinkage: options.shrinkage,
  });
  const norm = Math.hypot(...zE);
  const proj = projection(latents, latentDim, zE);
  const t = threshold(proj, positive, options.threshold);
  const fresh = projection(
    streamLatents(options.seed, 'targetCheck', freshCount, latentDim),
    latentDim,
    zE,
  );
  return {
    targetVector: Float32Array.from(zE),
    threshold: t,
    positives: positive.filter(Boolean).length,
    negatives: positive.length - positive.filter(Boolean).length,
    norm,
    histogram: histogram(proj, positive, bins),
    flaggedTagged: shareAtLeast(proj, t),
    flaggedFresh: shareAtLeast(fresh, t),
    tagAuc: rocAuc(proj, positive),
  };
}

function shareAtLeast(values: ArrayLike<number>, t: number): number {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (values[i] >= t) n++;
  return values.length === 0 ? 0 : n / values.length;
}

function histogram(
  values: ArrayLike<number>,
  positive: boolean[],
  bins: number,
): ProjectionHistogram {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    lo = Math.min(lo, values[i]);
    hi = Math.max(hi, values[i]);
  }
  if (!(hi > lo)) hi = lo + 1;
  const width = (hi - lo) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => lo + i * width);
  const positives = new Array<number>(bins).fill(0);
  const negatives = new Array<number>(bins).fill(0);
  for (let i = 0; i < values.length; i++) {
    const b = Math.min(bins - 1, Math.floor((values[i] - lo) / width));
    (positive[i] ? positives : negatives)[b]++;
  }
  return { edges, positives, negatives };
}
