import * as tf from '@tensorflow/tfjs';

/**
 * SSIM (Wang et al. 2004) and a small-image MS-SSIM (Wang et al. 2003) on unitImages
 * [batch, h, w, c] in [0, dataRange], as docs/method.md § "MS-SSIM on small images" specifies:
 * colour images get SSIM and cs per channel, averaged over the channels at each scale.
 *
 * Local statistics use a normalised Gaussian window applied separably with plain `tf.conv2d`
 * ([k, 1, 1, 1] then [1, k, 1, 1] filters, 'valid' padding, so the map excludes a border of
 * ⌊k/2⌋ pixels), and scales are made with `tf.avgPool` 2×2 stride 2. Both have input gradients
 * on the cpu, wasm and webgpu backends; no filter gradient is ever needed. Variances are
 * population ones, E[x²] − E[x]², as in scikit-image with `use_sample_covariance=False`.
 */

export interface SsimOptions {
  /** Taps of the Gaussian window (odd). Default 11 for `ssim`, 7 for `msSsim`. */
  window?: number;
  /** Standard deviation of the Gaussian window in pixels. Default 1.5. */
  sigma?: number;
  /** L, the value range of the images: C1 = (K1·L)², C2 = (K2·L)². Default 1. */
  dataRange?: number;
  /** K1. Default 0.01. */
  k1?: number;
  /** K2. Default 0.03. */
  k2?: number;
}

export interface MsSsimOptions extends SsimOptions {
  /**
   * Weight of each scale, finest first; their count is the number of scales and they are
   * renormalised to sum 1. Default (0.0448, 0.2856, 0.3001), the first three of Wang et al.
   */
  weights?: readonly number[];
}

/** The five MS-SSIM weights of Wang et al. (2003), finest scale first. */
export const WANG_WEIGHTS: readonly number[] = [0.0448, 0.2856, 0.3001, 0.2363, 0.1333];

/** The first three of them: MNIST's 28 px leave room for three scales of a 7-tap window. */
export const MS_SSIM_WEIGHTS: readonly number[] = WANG_WEIGHTS.slice(0, 3);

/**
 * The window and scales MS-SSIM uses on images with shorter side `side` (docs/method.md): the
 * standard 11-tap window and five scales once the fifth scale still holds 11 pixels (side ≥ 176);
 * below that a 7-tap window (or the largest odd one the image holds) and as many scales, up to
 * five, as keep the smallest scale at least as large as the window. 28 and 32 px: 3 scales.
 */
export function msSsimPlan(side: number): { window: number; weights: number[] } {
  if (!Number.isInteger(side) || side < 1) {
    throw new Error(`msSsim: image side must be a positive integer, got ${side}`);
  }
  const window = side >= 11 << 4 ? 11 : side >= 7 ? 7 : side % 2 === 1 ? side : side - 1;
  let scales = 1;
  while (scales < WANG_WEIGHTS.length && side >> scales >= window) scales++;
  return { window, weights: WANG_WEIGHTS.slice(0, scales) };
}

/** Below this a clamped cs or ssim counts as 0 (keeps the gradient of x^w finite). */
const POW_FLOOR = 1e-6;

/** A normalised 1-D Gaussian window: w_i ∝ exp(−(i − c)² / (2σ²)), c = (taps − 1)/2. */
export function gaussianWindow(taps: number, sigma: number): Float32Array {
  if (!Number.isInteger(taps) || taps < 1 || taps % 2 === 0) {
    throw new Error(`SSIM window must be an odd positive integer, got ${taps}`);
  }
  if (!(sigma > 0)) throw new Error(`SSIM sigma must be > 0, got ${sigma}`);
  const c = (taps - 1) / 2;
  const w = Array.from({ length: taps }, (_, i) => Math.exp(-((i - c) ** 2) / (2 * sigma * sigma)));
  const sum = w.reduce((a, b) => a + b, 0);
  return Float32Array.from(w, (v) => v / sum);
}

function checkPair(a: tf.Tensor4D, b: tf.Tensor4D, taps: number, what: string): void {
  if (a.rank !== 4) {
    throw new Error(`${what}: need images [batch, h, w, c], got [${a.shape.join(', ')}]`);
  }
  if (a.shape.some((n, i) => n !== b.shape[i])) {
    throw new Error(`${what}: shapes differ, [${a.shape.join(', ')}] vs [${b.shape.join(', ')}]`);
  }
  if (a.shape[1] < taps || a.shape[2] < taps) {
    throw new Error(`${what}: images ${a.shape[1]}×${a.shape[2]} are smaller than the window`);
  }
}

/**
 * Mean over the valid map of SSIM and of its contrast-structure part cs, per image and channel
 * averaged over the channels. Call inside tf.tidy.
 */
function ssimAndCs(
  a: tf.Tensor4D,
  b: tf.Tensor4D,
  window: Float32Array,
  c1: number,
  c2: number,
): { ssim: tf.Tensor1D; cs: tf.Tensor1D } {
  const [batch, h, w, channels] = a.shape;
  if (channels === 1) return ssimAndCsGrey(a, b, window, c1, c2);
  // Each channel as an image of its own: [batch, h, w, c] → [batch · c, h, w, 1].
  const split = (x: tf.Tensor4D): tf.Tensor4D =>
    tf.reshape(tf.transpose(x, [0, 3, 1, 2]), [batch * channels, h, w, 1]);
  const perChannel = ssimAndCsGrey(split(a), split(b), window, c1, c2);
  const meanOverChannels = (v: tf.Tensor1D): tf.Tensor1D =>
    tf.mean(tf.reshape(v, [batch, channels]), 1) as tf.Tensor1D;
  return { ssim: meanOverChannels(perChannel.ssim), cs: meanOverChannels(perChannel.cs) };
}

/** {@link ssimAndCs} of one-channel images [batch, h, w, 1]. Call inside tf.tidy. */
function ssimAndCsGrey(
  a: tf.Tensor4D,
  b: tf.Tensor4D,
  window: Float32Array,
  c1: number,
  c2: number,
): { ssim: tf.Tensor1D; cs: tf.Tensor1D } {
  const k = window.length;
  const batch = a.shape[0];
  const vertical = tf.tensor4d(window, [k, 1, 1, 1]);
  const horizontal = tf.tensor4d(window, [1, k, 1, 1]);
  // One pass of the filter over the five maps stacked on the batch axis: [5·batch, h, w, 1].
  const stacked = tf.concat([a, b, tf.mul(a, a), tf.mul(b, b), tf.mul(a, b)], 0) as tf.Tensor4D;
  const filtered = tf.conv2d(
    tf.conv2d(stacked, vertical, 1, 'valid'),
    horizontal,
    1,
    'valid',
  ) as tf.Tensor4D;
  const [muA, muB, eAA, eBB, eAB] = tf.split(filtered, 5, 0);
  const muAB = tf.mul(muA, muB);
  const muAA = tf.square(muA);
  const muBB = tf.square(muB);
  const varA = tf.sub(eAA, muAA);
  const varB = tf.sub(eBB, muBB);
  const covAB = tf.sub(eAB, muAB);
  const luminance = tf.div(tf.add(tf.mul(muAB, 2), c1), tf.add(tf.add(muAA, muBB), c1));
  const csMap = tf.div(tf.add(tf.mul(covAB, 2), c2), tf.add(tf.add(varA, varB), c2));
  const perImage = (m: tf.Tensor): tf.Tensor1D =>
    tf.mean(tf.reshape(m, [batch, -1]), 1) as tf.Tensor1D;
  return { ssim: perImage(tf.mul(luminance, csMap)), cs: perImage(csMap) };
}

function constants(options: SsimOptions): { c1: number; c2: number } {
  const { dataRange = 1, k1 = 0.01, k2 = 0.03 } = options;
  if (!(dataRange > 0) || !(k1 > 0) || !(k2 > 0)) {
    throw new Error('SSIM dataRange, k1 and k2 must be > 0');
  }
  return { c1: (k1 * dataRange) ** 2, c2: (k2 * dataRange) ** 2 };
}

/**
 * Single-scale SSIM, per image: the mean of the SSIM map over the valid region (and over the
 * channels of a colour image).
 * Defaults (11 taps, σ 1.5, L 1, K1 0.01, K2 0.03) match scikit-image's
 * `structural_similarity(gaussian_weights=True, sigma=1.5, use_sample_covariance=False)`.
 *
 * @param a, b images [batch, h, w, c] in [0, dataRange]; borrowed.
 * @returns [batch] SSIM in [−1, 1] (1 = identical), owned by the caller.
 */
export function ssim(a: tf.Tensor4D, b: tf.Tensor4D, options: SsimOptions = {}): tf.Tensor1D {
  const window = gaussianWindow(options.window ?? 11, options.sigma ?? 1.5);
  checkPair(a, b, window.length, 'ssim');
  const { c1, c2 } = constants(options);
  return tf.tidy(() => ssimAndCs(a, b, window, c1, c2).ssim);
}

/**
 * relu(x)^w with a finite gradient everywhere: x^w where x > POW_FLOOR, else 0. The mask is
 * `tf.step`, whose gradient is zero, because comparison ops have no gradient in TF.js.
 */
function clampedPow(x: tf.Tensor1D, w: number): tf.Tensor1D {
  const positive = tf.step(tf.sub(x, POW_FLOOR));
  return tf.mul(positive, tf.pow(tf.maximum(x, POW_FLOOR), w));
}

/**
 * MS-SSIM for small images, per image: Π_{j<M} relu(cs_j)^{w_j} · relu(ssim_M)^{w_M}, where
 * scale j + 1 is scale j average-pooled 2×2, and the weights are renormalised to sum 1.
 * Defaults: σ 1.5, L 1, the window and scales of {@link msSsimPlan} for the image size — on
 * 28×28 images 7 taps and 3 scales of 28, 14 and 7 pixels, weights (0.0448, 0.2856, 0.3001).
 *
 * @param a, b images [batch, h, w, c] in [0, dataRange]; borrowed.
 * @returns [batch] MS-SSIM in [0, 1] (1 = identical), owned by the caller.
 */
export function msSsim(a: tf.Tensor4D, b: tf.Tensor4D, options: MsSsimOptions = {}): tf.Tensor1D {
  const plan = msSsimPlan(Math.min(a.shape[1], a.shape[2]));
  const window = gaussianWindow(options.window ?? plan.window, options.sigma ?? 1.5);
  const raw = options.weights ?? plan.weights;
  const total = raw.reduce((s, w) => s + w, 0);
  if (raw.length < 1 || raw.some((w) => !(w >= 0)) || !(total > 0)) {
    throw new Error('msSsim: weights must be non-negative with a positive sum');
  }
  const weights = raw.map((w) => w / total);
  const smallest = Math.min(a.shape[1], a.shape[2]) >> (weights.length - 1);
  checkPair(a, b, window.length, 'msSsim');
  if (smallest < window.length) {
    throw new Error(
      `msSsim: ${weights.length} scales of ${a.shape[1]}×${a.shape[2]} images end below the ${window.length}-tap window`,
    );
  }
  const { c1, c2 } = constants(options);
  return tf.tidy(() => {
    let x = a;
    let y = b;
    let product: tf.Tensor1D = tf.ones([a.shape[0]]);
    weights.forEach((w, j) => {
      const { ssim: s, cs } = ssimAndCs(x, y, window, c1, c2);
      const last = j === weights.length - 1;
      product = tf.mul(product, clampedPow(last ? s : cs, w));
      if (!last) {
        x = tf.avgPool(x, 2, 2, 'valid');
        y = tf.avgPool(y, 2, 2, 'valid');
      }
    });
    return product;
  });
}
