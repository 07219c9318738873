/**
 * FID's reference: the mean and covariance of a quality classifier's penultimate features on a
 * data set's held-out images (the 10,000 MNIST test digits, or the 10,000 held-out avatar faces),
 * shipped as `models/<classifier>/test-stats.json` next to the classifier, so the app and the CLI
 * compute FID against the same numbers without the images.
 */
import type { GaussianStatsValue } from '../core/fid';

/** The file as `npm run train` writes it. */
export interface ReferenceStatsJson {
  /** SHA-256 of the classifier's weights.bin the statistics were computed with. */
  classifierSha256: string;
  /** Images the statistics were computed on. */
  count: number;
  /** Feature size d (older files leave it out: it is then read from `mean`). */
  dim?: number;
  mean: number[];
  /** Row-major d × d. */
  cov: number[];
}

/**
 * Reads a `test-stats.json`, checking that its mean has d finite numbers and its covariance
 * d × d.
 *
 * @throws Error in plain words naming what does not fit.
 */
export function parseReferenceStats(json: unknown): GaussianStatsValue & { sha256: string } {
  const v = json as Partial<ReferenceStatsJson> | null;
  if (typeof v !== 'object' || v === null || !Array.isArray(v.mean) || !Array.isArray(v.cov)) {
    throw new Error('The FID reference statistics hold no mean and covariance.');
  }
  const d = v.mean.length;
  if (d === 0 || (v.dim !== undefined && v.dim !== d) || v.cov.length !== d * d) {
    throw new Error(
      `The FID reference statistics do not fit together: a mean of ${d} values needs a covariance of ${d}×${d}.`,
    );
  }
  const finite = (x: unknown): boolean => typeof x === 'number' && Number.isFinite(x);
  if (!v.mean.every(finite) || !v.cov.every(finite)) {
    throw new Error('The FID reference statistics hold a value that is not a finite number.');
  }
  return {
    mean: Float64Array.from(v.mean),
    cov: Float64Array.from(v.cov),
    sha256: typeof v.classifierSha256 === 'string' ? v.classifierSha256 : '',
  };
}
