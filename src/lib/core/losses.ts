import * as tf from '@tensorflow/tfjs';
import { msSsim } from './ssim';

/**
 * The unlearning objective, Eqs. 2–5 of the paper, per latent z:
 *
 *   L_recon   = (1 − sim) · ‖g(z) − f(z)‖₁                 (Eq. 2)
 *   L_unlearn =      sim  · ‖g(z) − f(ẑ)‖₁                 (Eq. 3)
 *   L_percep  =      sim  · (1 − MS-SSIM(g(z), f(ẑ)))      (Eq. 4)
 *   L         = α (L_unlearn + L_percep) + L_recon         (Eq. 5)
 *
 * ‖·‖₁ is the mean absolute pixel difference of one image, and each term of the batch is the
 * mean over the batch of its per-latent values. All images are unitImages [batch, h, w, c] in
 * [0, 1]: map tanh outputs with (x + 1)/2 first, so L1 and MS-SSIM (data range 1) see the same
 * scale for the DCGAN and the VAE (and any generator, greyscale or colour).
 */

/** Which terms of Eq. 5 are on (the ablation switches of Table 6). */
export interface LossTerms {
  recon: boolean;
  unlearn: boolean;
  percep: boolean;
}

export interface UnlearningLossInputs {
  /** g(z): the student's unitImages [batch, h, w, c]; gradients flow to it. */
  student: tf.Tensor4D;
  /** f(z): the frozen generator's unitImages [batch, h, w, c]. */
  original: tf.Tensor4D;
  /** f(ẑ): the frozen generator's unitImages of the translated latents [batch, h, w, c]. */
  target: tf.Tensor4D;
  /** sim(z) [batch], 1 where the latent is flagged (Eq. 1), else 0. */
  sim: tf.Tensor1D;
}

export interface UnlearningLossOptions {
  /** α > 0, the weight of L_unlearn + L_percep (MNIST: 3). */
  alpha: number;
  terms: LossTerms;
}

/** Scalars owned by the caller; the three terms are batch means before the α weighting. */
export interface UnlearningLosses {
  total: tf.Scalar;
  recon: tf.Scalar;
  unlearn: tf.Scalar;
  percep: tf.Scalar;
}

/**
 * |x| whose gradient at 0 is 0 (sign(x)), as in PyTorch. TF.js's own abs takes −1 there, which
 * would push g_θ away from f on the very first step, while g_θ = f exactly and L_recon should
 * have no gradient at all.
 */
const absWithZeroSubgradient = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const x = args[0] as tf.Tensor;
  const save = args[1] as tf.GradSaveFunc;
  save([x]);
  return {
    value: tf.abs(x),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, tf.sign(saved[0])),
  };
}) as (x: tf.Tensor) => tf.Tensor;

/**
 * ‖a − b‖₁ per image: the mean absolute difference over all pixels.
 *
 * @param a, b images [batch, h, w, c]; borrowed.
 * @returns [batch], owned by the caller.
 */
export function perImageL1(a: tf.Tensor4D, b: tf.Tensor4D): tf.Tensor1D {
  return tf.tidy(() => tf.mean(absWithZeroSubgradient(tf.sub(a, b)), [1, 2, 3]) as tf.Tensor1D);
}

function checkInputs(inputs: UnlearningLossInputs): void {
  const { student, original, target, sim } = inputs;
  for (const [name, t] of [
    ['original', original],
    ['target', target],
  ] as const) {
    if (t.rank !== 4 || t.shape.some((n, i) => n !== student.shape[i])) {
      throw new Error(
        `unlearningLoss: ${name} [${t.shape.join(', ')}] does not match student [${student.shape.join(', ')}]`,
      );
    }
  }
  if (sim.rank !== 1 || sim.shape[0] !== student.shape[0]) {
    throw new Error(`unlearningLoss: sim [${sim.shape.join(', ')}] needs one value per image`);
  }
}

/**
 * The unlearning loss of Eq. 5 and its three terms for one batch. A term switched off is 0 and
 * is not computed (no MS-SSIM without `percep`).
 *
 * @param inputs g(z), f(z), f(ẑ) as unitImages and sim(z); borrowed.
 * @returns total and the unweighted terms, scalars owned by the caller.
 */
export function unlearningLoss(
  inputs: UnlearningLossInputs,
  options: UnlearningLossOptions,
): UnlearningLosses {
  const { alpha, terms } = options;
  if (!(alpha > 0) || !Number.isFinite(alpha)) {
    throw new Error(`unlearningLoss: alpha must be finite and > 0, got ${alpha}`);
  }
  checkInputs(inputs);
  const { student, original, target, sim } = inputs;
  return tf.tidy(() => {
    const zero = (): tf.Scalar => tf.scalar(0);
    const recon = terms.recon
      ? (tf.mean(tf.mul(tf.sub(1, sim), perImageL1(student, original))) as tf.Scalar)
      : zero();
    const unlearn = terms.unlearn
      ? (tf.mean(tf.mul(sim, perImageL1(student, target))) as tf.Scalar)
      : zero();
    const percep = terms.percep
      ? (tf.mean(tf.mul(sim, tf.sub(1, msSsim(student, target)))) as tf.Scalar)
      : zero();
    const total = tf.add(tf.mul(tf.add(unlearn, percep), alpha), recon) as tf.Scalar;
    return { total, recon, unlearn, percep };
  });
}
