/**
 * Fréchet distance between Gaussians fitted to feature sets (Heusel et al. 2017), the "FID" of
 * the paper's evaluation — here on our MNIST classifier's features (FID_mnist), in float64.
 */

/** Mean [dim] and covariance [dim · dim] row-major of a feature set. */
export interface GaussianStatsValue {
  mean: Float64Array;
  cov: Float64Array;
}

/**
 * Mean and unbiased covariance (divided by count − 1, like numpy.cov and torch-fidelity) of
 * `count` feature vectors.
 *
 * @param features [count · dim] row-major.
 */
export function gaussianStats(
  features: ArrayLike<number>,
  count: number,
  dim: number,
): GaussianStatsValue {
  if (!Number.isInteger(dim) || dim < 1 || !Number.isInteger(count) || count < 2) {
    throw new RangeError(`gaussianStats needs count ≥ 2 and dim ≥ 1, got ${count} × ${dim}`);
  }
  if (features.length !== count * dim) {
    throw new RangeError(`gaussianStats: ${features.length} values for ${count} × ${dim}`);
  }
  const mean = new Float64Array(dim);
  for (let r = 0; r < count; r++) {
    for (let k = 0; k < dim; k++) {
      const v = features[r * dim + k];
      if (!Number.isFinite(v)) throw new RangeError(`gaussianStats: feature ${r}, ${k} is ${v}`);
      mean[k] += v;
    }
  }
  for (let k = 0; k < dim; k++) mean[k] /= count;
  const cov = new Float64Array(dim * dim);
  const row = new Float64Array(dim);
  for (let r = 0; r < count; r++) {
    for (let k = 0; k < dim; k++) row[k] = features[r * dim + k] - mean[k];
    for (let i = 0; i < dim; i++) {
      const a = row[i];
      if (a === 0) continue;
      const out = i * dim;
      for (let j = i; j < dim; j++) cov[out + j] += a * row[j];
    }
  }
  for (let i = 0; i < dim; i++) {
    for (let j = i; j < dim; j++) {
      const v = cov[i * dim + j] / (count - 1);
      cov[i * dim + j] = v;
      cov[j * dim + i] = v;
    }
  }
  return { mean, cov };
}

/**
 * Eigenvalues (and optionally eigenvectors, as the columns of a row-major [n · n] matrix) of a
 * symmetric matrix, by cyclic Jacobi rotations in float64. Only the upper triangle's symmetry is
 * assumed; the input is not modified.
 */
export function symmetricEigen(
  matrix: ArrayLike<number>,
  n: number,
  wantVectors = false,
): { values: Float64Array; vectors: Float64Array | null } {
  const a = Float64Array.from(matrix);
  if (a.length !== n * n) throw new RangeError(`symmetricEigen: ${a.length} values for ${n}²`);
  const v = wantVectors ? new Float64Array(n * n) : null;
  if (v) for (let i = 0; i < n; i++) v[i * n + i] = 1;
  let total = 0;
  for (let i = 0; i < n * n; i++) total += a[i] * a[i];
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q] ** 2;
    if (off <= 1e-30 * total) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (apq === 0) continue;
        const app = a[p * n + p];
        const aqq = a[q * n + q];
        // Skip what is below rounding of both diagonal entries (after the first sweeps).
        if (sweep > 3 && Math.abs(apq) < 1e-18 * (Math.abs(app) + Math.abs(aqq))) {
          a[p * n + q] = 0;
          a[q * n + p] = 0;
          continue;
        }
        const theta = (aqq - app) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        // Rows p and q of JᵀAJ (columns follow by symmetry); the 2×2 block in closed form.
        for (let k = 0; k < n; k++) {
          if (k === p || k === q) continue;
          const akp = a[p * n + k];
          const akq = a[q * n + k];
          const np = c * akp - s * akq;
          const nq = s * akp + c * akq;
          a[p * n + k] = np;
          a[k * n + p] = np;
          a[q * n + k] = nq;
          a[k * n + q] = nq;
        }
        a[p * n + p] = app - t * apq;
        a[q * n + q] = aqq + t * apq;
        a[p * n + q] = 0;
        a[q * n + p] = 0;
        if (v) {
          for (let k = 0; k < n; k++) {
            const vkp = v[k * n + p];
            const vkq = v[k * n + q];
            v[k * n + p] = c * vkp - s * vkq;
            v[k * n + q] = s * vkp + c * vkq;
          }
        }
      }
    }
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = a[i * n + i];
  return { values, vectors: v };
}

/** C = A · B for row-major [n · n] matrices. */
function matMul(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const c = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      const aik = a[i * n + k];
      if (aik === 0) continue;
      const bRow = k * n;
      const cRow = i * n;
      for (let j = 0; j < n; j++) c[cRow + j] += aik * b[bRow + j];
    }
  }
  return c;
}

/** Square root of a symmetric PSD matrix: V·diag(√max(λ, 0))·Vᵀ. */
function psdSqrt(m: Float64Array, n: number): Float64Array {
  const { values, vectors } = symmetricEigen(m, n, true);
  const v = vectors as Float64Array;
  const scaled = new Float64Array(n * n); // V · diag(√λ)
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++)
      scaled[i * n + j] = v[i * n + j] * Math.sqrt(Math.max(values[j], 0));
  }
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += scaled[i * n + k] * v[j * n + k];
      out[i * n + j] = s;
      out[j * n + i] = s;
    }
  }
  return out;
}

/**
 * tr √(Σa Σb), as Σᵢ √λᵢ of the symmetric PSD matrix √Σa · Σb · √Σa, which has the same
 * eigenvalues as Σa Σb; eigenvalues below 0 (rounding) count as 0.
 */
export function traceSqrtProduct(covA: Float64Array, covB: Float64Array, n: number): number {
  const rootA = psdSqrt(covA, n);
  const m = matMul(matMul(rootA, covB, n), rootA, n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const s = (m[i * n + j] + m[j * n + i]) / 2;
      m[i * n + j] = s;
      m[j * n + i] = s;
    }
  }
  const { values } = symmetricEigen(m, n);
  let trace = 0;
  for (const lambda of values) trace += Math.sqrt(Math.max(lambda, 0));
  return trace;
}

/**
 * Fréchet distance d² = ‖μa − μb‖² + tr Σa + tr Σb − 2·tr √(Σa Σb), ≥ 0 (a rounding-level
 * negative result is returned as 0). 0 for identical statistics; lower is closer.
 */
export function frechetDistance(a: GaussianStatsValue, b: GaussianStatsValue): number {
  const n = a.mean.length;
  if (b.mean.length !== n || a.cov.length !== n * n || b.cov.length !== n * n) {
    throw new RangeError('frechetDistance: the two statistics have different dimensions');
  }
  let meanTerm = 0;
  let traces = 0;
  for (let i = 0; i < n; i++) {
    meanTerm += (a.mean[i] - b.mean[i]) ** 2;
    traces += a.cov[i * n + i] + b.cov[i * n + i];
  }
  const d = meanTerm + traces - 2 * traceSqrtProduct(a.cov, b.cov, n);
  if (!Number.isFinite(d)) throw new RangeError('frechetDistance: non-finite statistics');
  return Math.max(d, 0);
}
