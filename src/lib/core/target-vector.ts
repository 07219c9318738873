/**
 * The target vector z_e, the projection proj(z) = z_eᵀz / ‖z_e‖ and the threshold t of the
 * paper's §Method (Eq. 1 uses them), computed in float64 on the collected latents.
 *
 * Latents are row-major [N · latentDim] Float32Arrays; the tagged positives are the latents
 * whose samples show the feature.
 */

/** Why a set of tagged latents cannot give a target vector. */
export type TagSetErrorCode =
  | 'lengthMismatch'
  | 'nonFinite'
  | 'noPositives'
  | 'noNegatives'
  | 'tooFewPositives'
  | 'tooFewNegatives'
  | 'identicalMeans'
  | 'singularCovariance'
  | 'badOption';

/** A tag set (or an argument derived from one) the math cannot use; `code` says why. */
export class TagSetError extends Error {
  readonly code: TagSetErrorCode;

  constructor(code: TagSetErrorCode, message: string) {
    super(message);
    this.name = 'TagSetError';
    this.code = code;
  }
}

/**
 * Which latents are positive: a mask of length N (`true` or a non-zero number = positive), or
 * the positive row indices.
 */
export type Positives = ArrayLike<boolean | number> | { readonly indices: ArrayLike<number> };

/** How z_e is found from the tagged latents (docs/method.md, option `direction`). */
export type TargetDirection = 'meanDiff' | 'lda';

/** How t is found from the projections (docs/method.md, option `threshold`). */
export type ThresholdMode = 'pooled' | 'midpoint';

export interface TargetVectorOptions {
  /**
   * `meanDiff` (default, the paper): z_e = μ₊ − μ₋. `lda` (ours): the Fisher discriminant
   * Σ⁻¹(μ₊ − μ₋) with the pooled within-class covariance shrunk toward a scaled identity,
   * rescaled to the length ‖μ₊ − μ₋‖ so the `literal` shift moves latents as far as with
   * `meanDiff`.
   */
  direction?: TargetDirection;
  /**
   * `lda` only: shrinkage intensity λ ∈ [0, 1] in Σ = (1 − λ)S + λ·(tr S / d)·I, or
   * `ledoitWolf` (default) for the Ledoit–Wolf (2004) estimate of λ.
   */
  shrinkage?: number | 'ledoitWolf';
}

/** Number of rows of a row-major [N · dim] array; checks the shape. */
function rowCount(latents: ArrayLike<number>, dim: number): number {
  if (!Number.isInteger(dim) || dim < 1) {
    throw new TagSetError('lengthMismatch', `latentDim must be a positive integer, got ${dim}`);
  }
  if (latents.length % dim !== 0) {
    throw new TagSetError(
      'lengthMismatch',
      `latents hold ${latents.length} values, not a multiple of latentDim ${dim}`,
    );
  }
  return latents.length / dim;
}

function assertFinite(values: ArrayLike<number>, what: string): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      throw new TagSetError('nonFinite', `${what} has a non-finite value at index ${i}`);
    }
  }
}

/** The positives as a 0/1 mask of length n. */
export function positiveMask(positives: Positives, n: number): Uint8Array {
  const mask = new Uint8Array(n);
  if ('indices' in positives) {
    const { indices } = positives;
    for (let j = 0; j < indices.length; j++) {
      const i = indices[j];
      if (!Number.isInteger(i) || i < 0 || i >= n) {
        throw new TagSetError('lengthMismatch', `positive index ${i} is outside [0, ${n})`);
      }
      mask[i] = 1;
    }
    return mask;
  }
  const flags = positives as ArrayLike<boolean | number>;
  if (flags.length !== n) {
    throw new TagSetError(
      'lengthMismatch',
      `the positive mask has ${flags.length} entries for ${n} latents`,
    );
  }
  for (let i = 0; i < n; i++) mask[i] = flags[i] ? 1 : 0;
  return mask;
}

function countPositives(mask: Uint8Array): number {
  let n = 0;
  for (const m of mask) n += m;
  return n;
}

/** Throws unless there are at least two positives and two negatives. */
function assertBothClasses(positives: number, negatives: number): void {
  if (positives === 0) throw new TagSetError('noPositives', 'No latent is tagged positive.');
  if (negatives === 0) throw new TagSetError('noNegatives', 'Every latent is tagged positive.');
  if (positives < 2) {
    throw new TagSetError('tooFewPositives', 'At least 2 positives are needed, got 1.');
  }
  if (negatives < 2) {
    throw new TagSetError('tooFewNegatives', 'At least 2 negatives are needed, got 1.');
  }
}

function norm(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}

/**
 * Ledoit–Wolf (2004) shrinkage intensity λ ∈ [0, 1] toward (tr S / d)·I for data X [n · d]
 * row-major, centred here by its column means: scikit-learn's `ledoit_wolf(X)` (its default
 * `assume_centered=False`), checked against it in test/core/independent-fixtures.test.ts.
 * Within-class residuals (the LDA direction) already have column means 0, so for them the
 * centring changes nothing.
 */
export function ledoitWolfShrinkage(data: Float64Array, n: number, d: number): number {
  const x = new Float64Array(n * d); // X minus its column means
  for (let j = 0; j < d; j++) {
    let mean = 0;
    for (let k = 0; k < n; k++) mean += data[k * d + j];
    mean /= n;
    for (let k = 0; k < n; k++) x[k * d + j] = data[k * d + j] - mean;
  }
  const xtx = new Float64Array(d * d); // Σ_k x_ki x_kj
  const x2tx2 = new Float64Array(d * d); // Σ_k x_ki² x_kj²
  for (let k = 0; k < n; k++) {
    const row = k * d;
    for (let i = 0; i < d; i++) {
      const a = x[row + i];
      const a2 = a * a;
      const out = i * d;
      for (let j = i; j < d; j++) {
        const b = x[row + j];
        xtx[out + j] += a * b;
        x2tx2[out + j] += a2 * b * b;
      }
    }
  }
  let trace = 0;
  let deltaSum = 0;
  let betaSum = 0;
  for (let i = 0; i < d; i++) {
    trace += xtx[i * d + i];
    for (let j = i; j < d; j++) {
      const w = i === j ? 1 : 2;
      deltaSum += w * xtx[i * d + j] ** 2;
      betaSum += w * x2tx2[i * d + j];
    }
  }
  const mu = trace / n / d;
  const delta0 = deltaSum / (n * n);
  const beta = (betaSum / n - delta0) / (d * n);
  const delta = (delta0 - 2 * mu * (trace / n) + d * mu * mu) / d;
  const b = Math.min(beta, delta);
  return b <= 0 ? 0 : b / delta;
}

/** Solves A x = b for symmetric positive definite A [d · d] by Cholesky, in float64. */
function choleskySolve(a: Float64Array, b: Float64Array, d: number): Float64Array {
  const l = new Float64Array(d * d);
  for (let j = 0; j < d; j++) {
    let diag = a[j * d + j];
    for (let k = 0; k < j; k++) diag -= l[j * d + k] ** 2;
    if (!(diag > 1e-12 * Math.abs(a[j * d + j]) && diag > 0)) {
      throw new TagSetError(
        'singularCovariance',
        'The within-class covariance is singular; use shrinkage > 0 or more latents.',
      );
    }
    const ljj = Math.sqrt(diag);
    l[j * d + j] = ljj;
    for (let i = j + 1; i < d; i++) {
      let s = a[i * d + j];
      for (let k = 0; k < j; k++) s -= l[i * d + k] * l[j * d + k];
      l[i * d + j] = s / ljj;
    }
  }
  const y = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[i * d + k] * y[k];
    y[i] = s / l[i * d + i];
  }
  const x = new Float64Array(d);
  for (let i = d - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < d; k++) s -= l[k * d + i] * x[k];
    x[i] = s / l[i * d + i];
  }
  return x;
}

/** Fisher's direction Σ_shrunk⁻¹ (μ₊ − μ₋), rescaled to ‖μ₊ − μ₋‖. */
function ldaDirection(
  latents: ArrayLike<number>,
  mask: Uint8Array,
  dim: number,
  meanPos: Float64Array,
  meanNeg: Float64Array,
  diff: Float64Array,
  shrinkage: number | 'ledoitWolf',
): Float64Array {
  const n = mask.length;
  const centred = new Float64Array(n * dim); // [N, dim], each row minus its class mean
  for (let r = 0; r < n; r++) {
    const mean = mask[r] ? meanPos : meanNeg;
    for (let k = 0; k < dim; k++) centred[r * dim + k] = latents[r * dim + k] - mean[k];
  }
  const lambda = shrinkage === 'ledoitWolf' ? ledoitWolfShrinkage(centred, n, dim) : shrinkage;
  const s = new Float64Array(dim * dim); // pooled within-class covariance, divided by N − 2
  for (let r = 0; r < n; r++) {
    const row = r * dim;
    for (let i = 0; i < dim; i++) {
      const a = centred[row + i];
      if (a === 0) continue;
      for (let j = i; j < dim; j++) s[i * dim + j] += a * centred[row + j];
    }
  }
  let trace = 0;
  for (let i = 0; i < dim; i++) {
    for (let j = i; j < dim; j++) {
      s[i * dim + j] /= n - 2;
      s[j * dim + i] = s[i * dim + j];
    }
    trace += s[i * dim + i];
  }
  const nu = trace / dim;
  for (let i = 0; i < dim * dim; i++) s[i] *= 1 - lambda;
  for (let i = 0; i < dim; i++) s[i * dim + i] += lambda * nu;
  const w = choleskySolve(s, diff, dim);
  const scale = norm(diff) / norm(w);
  for (let i = 0; i < dim; i++) w[i] *= scale;
  return w;
}

/**
 * The target vector z_e from tagged latents.
 *
 * @param latents [N · latentDim] row-major, the collected latents; borrowed.
 * @param latentDim d.
 * @param positives which of the N latents show the feature (mask or indices).
 * @returns z_e, float64 [latentDim]: μ₊ − μ₋ (`meanDiff`), or the shrunk Fisher direction
 *   rescaled to ‖μ₊ − μ₋‖ (`lda`). Either way z_eᵀ(μ₊ − μ₋) > 0.
 * @throws TagSetError on a shape mismatch, non-finite latents, fewer than 2 positives or
 *   negatives, identical class means, or (lda with shrinkage 0) a singular covariance.
 */
export function targetVector(
  latents: ArrayLike<number>,
  latentDim: number,
  positives: Positives,
  options: TargetVectorOptions = {},
): Float64Array {
  const direction = options.direction ?? 'meanDiff';
  const shrinkage = options.shrinkage ?? 'ledoitWolf';
  if (direction !== 'meanDiff' && direction !== 'lda') {
    throw new TagSetError('badOption', `Unknown direction '${String(direction)}'.`);
  }
  if (shrinkage !== 'ledoitWolf' && !(shrinkage >= 0 && shrinkage <= 1)) {
    throw new TagSetError('badOption', `shrinkage must be in [0, 1] or 'ledoitWolf'.`);
  }
  const n = rowCount(latents, latentDim);
  const mask = positiveMask(positives, n);
  assertFinite(latents, 'latents');
  const nPos = countPositives(mask);
  assertBothClasses(nPos, n - nPos);

  const meanPos = new Float64Array(latentDim);
  const meanNeg = new Float64Array(latentDim);
  for (let r = 0; r < n; r++) {
    const mean = mask[r] ? meanPos : meanNeg;
    for (let k = 0; k < latentDim; k++) mean[k] += latents[r * latentDim + k];
  }
  const diff = new Float64Array(latentDim);
  for (let k = 0; k < latentDim; k++) {
    meanPos[k] /= nPos;
    meanNeg[k] /= n - nPos;
    diff[k] = meanPos[k] - meanNeg[k];
  }
  const diffNorm = norm(diff);
  if (!(diffNorm > 1e-12 * Math.max(1, norm(meanPos), norm(meanNeg)))) {
    throw new TagSetError(
      'identicalMeans',
      'Positives and negatives have the same mean latent, so there is no direction.',
    );
  }
  if (direction === 'meanDiff') return diff;
  return ldaDirection(latents, mask, latentDim, meanPos, meanNeg, diff, shrinkage);
}

/**
 * proj(z) = z_eᵀz / ‖z_e‖ for every latent (the scalar Eq. 1 compares with t).
 *
 * @param latents [N · latentDim] row-major; borrowed.
 * @param zE the target vector [latentDim].
 * @returns [N] float64 projections.
 */
export function projection(
  latents: ArrayLike<number>,
  latentDim: number,
  zE: ArrayLike<number>,
): Float64Array {
  const n = rowCount(latents, latentDim);
  if (zE.length !== latentDim) {
    throw new TagSetError(
      'lengthMismatch',
      `z_e has ${zE.length} entries, latentDim is ${latentDim}`,
    );
  }
  assertFinite(zE, 'z_e');
  const zNorm = norm(zE);
  if (zNorm === 0) throw new TagSetError('identicalMeans', 'z_e is the zero vector.');
  assertFinite(latents, 'latents');
  const out = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    let s = 0;
    for (let k = 0; k < latentDim; k++) s += zE[k] * latents[r * latentDim + k];
    out[r] = s / zNorm;
  }
  return out;
}

/**
 * The threshold t of Eq. 1.
 *
 * @param projections [N] proj(z) of the collected latents.
 * @param positives which of them are positive (used by `midpoint` only, checked always).
 * @param mode `pooled` (default, the paper): t = (1/N) Σᵢ proj(zᵢ) over all N latents;
 *   `midpoint`: t = (mean proj of positives + mean proj of negatives) / 2.
 */
export function threshold(
  projections: ArrayLike<number>,
  positives: Positives,
  mode: ThresholdMode = 'pooled',
): number {
  const n = projections.length;
  const mask = positiveMask(positives, n);
  assertFinite(projections, 'projections');
  const nPos = countPositives(mask);
  if (mode === 'pooled') {
    if (n === 0) throw new TagSetError('noPositives', 'No projections to average.');
    let s = 0;
    for (let i = 0; i < n; i++) s += projections[i];
    return s / n;
  }
  if (mode !== 'midpoint') {
    throw new TagSetError('badOption', `Unknown threshold mode '${String(mode)}'.`);
  }
  if (nPos === 0) throw new TagSetError('noPositives', 'No latent is tagged positive.');
  if (nPos === n) throw new TagSetError('noNegatives', 'Every latent is tagged positive.');
  let sPos = 0;
  let sNeg = 0;
  for (let i = 0; i < n; i++) {
    if (mask[i]) sPos += projections[i];
    else sNeg += projections[i];
  }
  return (sPos / nPos + sNeg / (n - nPos)) / 2;
}
