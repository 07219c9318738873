import * as tf from '@tensorflow/tfjs';
import { toUnitImages, type OutputRange } from '../models/image-range';
import { classifierLogits } from '../models/classifier';

/** The knobs of Algorithm 1 (paper, Table 2): an L∞ ball of radius ε and A signed steps of η. */
export interface AttackOptions {
  /** ε: how far each latent coordinate may move from z. */
  epsilon: number;
  /** A: number of signed gradient steps. */
  steps: number;
  /** η: size of each step; default 2.5·ε/A (the usual PGD choice). */
  stepSize?: number;
}

/** What the attack found: the attacked latents and how often the judge h_b sees the feature. */
export interface AttackResult {
  /** z' [n · latentDim], each within ε of its z. */
  attacked: Float32Array;
  /** Share of g(z) that h_b classifies as showing the feature (logit > 0), before the attack. */
  tfrBefore: number;
  /** The same share for g(z'), after the attack. */
  tfrAfter: number;
}

/**
 * PGD on the latent (paper, Algorithm 1): z' ← clip_ε(z' − η·sign ∇_{z'} CE(1, h_a(g(z'))))
 * for A steps, i.e. the attacker moves z inside the ε-ball to make g draw the unlearned feature.
 * A second classifier h_b, trained with another seed, judges g(z) and g(z').
 *
 * @param generator g, borrowed; its weights are not changed.
 * @param attacker h_a: unitImages [b, 28, 28, 1] → logit [b, 1], borrowed.
 * @param judge h_b, the same signature, borrowed.
 * @param latents z [n · latentDim].
 */
export async function pgdAttack(
  generator: tf.LayersModel,
  range: OutputRange,
  attacker: tf.LayersModel,
  judge: tf.LayersModel,
  latents: Float32Array,
  latentDim: number,
  options: AttackOptions,
): Promise<AttackResult> {
  const { epsilon, steps } = options;
  const eta = options.stepSize ?? (2.5 * epsilon) / Math.max(1, steps);
  const n = latents.length / latentDim;
  const z = tf.tensor2d(latents, [n, latentDim]); // [n, latentDim]
  let zAttacked: tf.Tensor = z.clone();
  // CE(1, logit) = softplus(−logit), averaged over the batch.
  const crossEntropyOfFeature = (zPrime: tf.Tensor): tf.Scalar =>
    tf.tidy(() => {
      const images = toUnitImages(generator.apply(zPrime, { training: false }) as tf.Tensor, range);
      return tf.mean(tf.softplus(tf.neg(classifierLogits(attacker, images))));
    });
  const gradOfCe = tf.grad(crossEntropyOfFeature);
  try {
    for (let a = 0; a < steps; a++) {
      const next = tf.tidy(() => {
        const g = gradOfCe(zAttacked);
        const moved = zAttacked.sub(g.sign().mul(eta));
        return tf.minimum(tf.maximum(moved, z.sub(epsilon)), z.add(epsilon));
      });
      zAttacked.dispose();
      zAttacked = next;
      // One read-back per step keeps the GPU queue short and lets other messages through.
      await next.data();
    }
    const shareShown = (latentBatch: tf.Tensor): tf.Scalar =>
      tf.tidy(() => {
        const images = toUnitImages(
          generator.apply(latentBatch, { training: false }) as tf.Tensor,
          range,
        );
        return tf.mean(tf.cast(tf.greater(classifierLogits(judge, images), 0), 'float32'));
      });
    const before = shareShown(z);
    const after = shareShown(zAttacked);
    const [tfrBefore, tfrAfter, attacked] = await Promise.all([
      before.data(),
      after.data(),
      zAttacked.data(),
    ]);
    tf.dispose([before, after]);
    return {
      attacked: attacked as Float32Array,
      tfrBefore: tfrBefore[0],
      tfrAfter: tfrAfter[0],
    };
  } finally {
    tf.dispose([z, zAttacked]);
  }
}
