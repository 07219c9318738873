/**
 * Step 3 of the Morpho-MNIST pipeline: the Gaussian smoothing of scikit-image's
 * `pyramid_expand`, i.e. `scipy.ndimage.gaussian_filter(sigma, mode='reflect', truncate=4)`.
 */

/**
 * The normalised 1-D Gaussian of `scipy.ndimage._gaussian_kernel1d`: exp(−0.5/σ² · x²) for
 * x = −radius…radius, divided by its sum. The sum follows numpy's pairwise summation
 * (8 partial sums, then the rest in order) so the weights match scipy's to the last bit.
 *
 * @returns the radius + 1 weights w[0] (centre) … w[radius]; the kernel is symmetric.
 */
export function gaussianKernel(sigma: number, radius: number): Float64Array {
  const factor = -0.5 / (sigma * sigma);
  const phi = new Float64Array(2 * radius + 1);
  for (let k = 0; k < phi.length; k++) {
    const x = k - radius;
    phi[k] = Math.exp(factor * (x * x));
  }
  const sum = numpySum(phi);
  const half = new Float64Array(radius + 1);
  for (let j = 0; j <= radius; j++) half[j] = phi[radius + j] / sum;
  return half;
}

/** numpy's `pairwise_sum` for arrays of up to 128 values. */
function numpySum(a: Float64Array): number {
  const n = a.length;
  if (n < 8) {
    let s = 0;
    for (let i = 0; i < n; i++) s += a[i];
    return s;
  }
  if (n > 128) throw new Error('numpySum: only blocks of up to 128 values');
  const r = Float64Array.from(a.subarray(0, 8));
  let i = 8;
  for (; i < n - (n % 8); i += 8) for (let j = 0; j < 8; j++) r[j] += a[i + j];
  let s = r[0] + r[1] + (r[2] + r[3]) + (r[4] + r[5] + (r[6] + r[7]));
  for (; i < n; i++) s += a[i];
  return s;
}

/** scipy's default: the filter reaches 4 σ, rounded: radius = ⌊4σ + 0.5⌋. */
export function gaussianRadius(sigma: number): number {
  return Math.floor(4 * sigma + 0.5);
}

/** Half-sample symmetric index (scipy's `reflect`): −1 → 0, size → size − 1. */
function reflect(index: number, size: number): number {
  let i = index;
  while (i < 0 || i >= size) i = i < 0 ? -i - 1 : 2 * size - 1 - i;
  return i;
}

/**
 * Separable Gaussian blur of a square image, along the rows axis (axis 0) first, then along the
 * columns, with half-sample symmetric edges (scipy's `reflect`: −1 → 0, size → size − 1).
 * Each output is w0·x[i] + Σ_{k=radius…1} wk·(x[i−k] + x[i+k]), in that order, as scipy's
 * `NI_Correlate1D` sums symmetric kernels, so the result matches scipy to the last bit.
 *
 * The axis-0 pass runs along whole rows (contiguous memory); radius-5 kernels (σ = 4/3) take
 * an unrolled path with the same arithmetic.
 *
 * @param input `size²` values; @param output `size²` values, written (may not alias input).
 * @param scratch `size²` values for the intermediate image; @param line `size + 2·radius` values.
 */
export function gaussianBlur(
  input: Float64Array,
  size: number,
  weights: Float64Array,
  output: Float64Array,
  scratch: Float64Array,
  line: Float64Array,
): void {
  const radius = weights.length - 1;
  if (radius > size) throw new Error('gaussianBlur: kernel wider than the image');
  const rowsAt = new Int32Array(2 * radius + 1);
  for (let i = 0; i < size; i++) {
    for (let k = -radius; k <= radius; k++) rowsAt[k + radius] = reflect(i + k, size) * size;
    if (radius === 5) filterRows5(input, rowsAt, weights, scratch, i * size, size);
    else filterRows(input, rowsAt, weights, scratch, i * size, size);
  }
  for (let r = 0; r < size; r++) {
    const start = r * size;
    for (let c = 0; c < size; c++) line[radius + c] = scratch[start + c];
    for (let k = 1; k <= radius; k++) {
      line[radius - k] = line[radius + k - 1];
      line[radius + size - 1 + k] = line[radius + size - k];
    }
    if (radius === 5) filterLine5(line, weights, output, start, size);
    else filterLine(line, weights, output, start, size);
  }
}

/** Axis-0 pass for one output row: `rowsAt[radius + k]` is the offset of input row i + k. */
function filterRows(
  x: Float64Array,
  rowsAt: Int32Array,
  w: Float64Array,
  dst: Float64Array,
  start: number,
  size: number,
): void {
  const radius = w.length - 1;
  for (let c = 0; c < size; c++) {
    let acc = x[rowsAt[radius] + c] * w[0];
    for (let k = radius; k >= 1; k--) {
      acc += (x[rowsAt[radius - k] + c] + x[rowsAt[radius + k] + c]) * w[k];
    }
    dst[start + c] = acc;
  }
}

function filterRows5(
  x: Float64Array,
  rowsAt: Int32Array,
  w: Float64Array,
  dst: Float64Array,
  start: number,
  size: number,
): void {
  const [w0, w1, w2, w3, w4, w5] = w;
  const m5 = rowsAt[0];
  const m4 = rowsAt[1];
  const m3 = rowsAt[2];
  const m2 = rowsAt[3];
  const m1 = rowsAt[4];
  const o = rowsAt[5];
  const p1 = rowsAt[6];
  const p2 = rowsAt[7];
  const p3 = rowsAt[8];
  const p4 = rowsAt[9];
  const p5 = rowsAt[10];
  for (let c = 0; c < size; c++) {
    let acc = x[o + c] * w0;
    acc += (x[m5 + c] + x[p5 + c]) * w5;
    acc += (x[m4 + c] + x[p4 + c]) * w4;
    acc += (x[m3 + c] + x[p3 + c]) * w3;
    acc += (x[m2 + c] + x[p2 + c]) * w2;
    acc += (x[m1 + c] + x[p1 + c]) * w1;
    dst[start + c] = acc;
  }
}

/** Axis-1 pass over one padded line (`radius` mirrored values at each end). */
function filterLine(
  line: Float64Array,
  w: Float64Array,
  dst: Float64Array,
  start: number,
  size: number,
): void {
  const radius = w.length - 1;
  for (let i = 0; i < size; i++) {
    const centre = radius + i;
    let acc = line[centre] * w[0];
    for (let k = radius; k >= 1; k--) acc += (line[centre - k] + line[centre + k]) * w[k];
    dst[start + i] = acc;
  }
}

function filterLine5(
  line: Float64Array,
  w: Float64Array,
  dst: Float64Array,
  start: number,
  size: number,
): void {
  const [w0, w1, w2, w3, w4, w5] = w;
  for (let i = 0; i < size; i++) {
    const c = i + 5;
    let acc = line[c] * w0;
    acc += (line[c - 5] + line[c + 5]) * w5;
    acc += (line[c - 4] + line[c + 4]) * w4;
    acc += (line[c - 3] + line[c + 3]) * w3;
    acc += (line[c - 2] + line[c + 2]) * w2;
    acc += (line[c - 1] + line[c + 1]) * w1;
    dst[start + i] = acc;
  }
}
