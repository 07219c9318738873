import * as tf from '@tensorflow/tfjs';
import { captureCheckpoint, restoreCheckpoint } from './checkpoint';
import {
  epochOrders,
  runTrainingLoop,
  stepSeed,
  unitImageBatch,
  type TrainLoopOptions,
  type TrainSummary,
} from './loop';

/** Adam settings of the VAE (Kingma & Welling's MNIST setup with Adam, as PyTorch's example). */
export interface VaeTrainConfig {
  learningRate: number;
}

export const DEFAULT_VAE_CONFIG: VaeTrainConfig = { learningRate: 1e-3 };

/** The data and models {@link trainVae} works on. */
export interface VaeTrainInput {
  /** unitImages → [μ, log σ²], each [batch, latentDim]. Trained in place. */
  encoder: tf.LayersModel;
  /** z [batch, latentDim] → unitImages [batch, 28, 28, 1]. Trained in place. */
  decoder: tf.LayersModel;
  /** Training images, n · 784 uint8 (MNIST layout). */
  images: Uint8Array;
  count: number;
  config?: Partial<VaeTrainConfig>;
}

/**
 * The negative ELBO of a batch, split in its two terms, each summed over pixels resp. latent
 * dimensions and averaged over the batch:
 * recon = −Σ [x log x̂ + (1 − x) log(1 − x̂)] (Bernoulli likelihood, x̂ clipped to [1e−7, 1 − 1e−7]);
 * kl = −½ Σ (1 + log σ² − μ² − σ²) (Kingma & Welling 2014, App. B).
 *
 * @param x unitImages [batch, 28, 28, 1]; @param xHat decoder means, same shape.
 */
export function vaeLosses(
  x: tf.Tensor,
  xHat: tf.Tensor,
  mu: tf.Tensor2D,
  logVar: tf.Tensor2D,
): { recon: tf.Scalar; kl: tf.Scalar } {
  return tf.tidy(() => {
    const batch = x.shape[0];
    const p = xHat.reshape([batch, -1]).clipByValue(1e-7, 1 - 1e-7);
    const t = x.reshape([batch, -1]);
    const recon = t
      .mul(p.log())
      .add(tf.scalar(1).sub(t).mul(tf.scalar(1).sub(p).log()))
      .sum(1)
      .mean()
      .neg() as tf.Scalar;
    const kl = tf
      .scalar(1)
      .add(logVar)
      .sub(mu.square())
      .sub(logVar.exp())
      .sum(1)
      .mean()
      .mul(-0.5) as tf.Scalar;
    return { recon, kl };
  });
}

/**
 * Trains a VAE by the reparameterisation trick, z = μ + σ·ε with ε ~ N(0, I) seeded per step;
 * one Adam step per batch on recon + kl. Losses reported: `loss`, `recon`, `kl`.
 * Checkpoints hold `encoder`, `decoder` and optimizer `vae`.
 */
export async function trainVae(
  input: VaeTrainInput,
  options: TrainLoopOptions,
): Promise<TrainSummary> {
  const config = { ...DEFAULT_VAE_CONFIG, ...input.config };
  const { encoder, decoder, images, count } = input;
  const { batchSize, seed } = options;
  const optimizer = tf.train.adam(config.learningRate);
  const models = { encoder, decoder };
  const optimizers = { vae: optimizer };
  try {
    if (options.resumeFrom !== undefined) {
      await restoreCheckpoint(options.resumeFrom, models, optimizers);
    }
    const vars = [...encoder.trainableWeights, ...decoder.trainableWeights].map(
      (w) => w.read() as tf.Variable,
    );
    const stepsPerEpoch = Math.floor(count / batchSize);
    const orderOf = epochOrders(count, seed);
    return await runTrainingLoop(
      options,
      stepsPerEpoch,
      (epoch, stepInEpoch, globalStep) => {
        const order = orderOf(epoch);
        return tf.tidy(() => {
          const x = unitImageBatch(images, order, stepInEpoch * batchSize, batchSize);
          let recon: tf.Scalar | undefined;
          let kl: tf.Scalar | undefined;
          const loss = optimizer.minimize(
            () => {
              const [mu, logVar] = encoder.apply(x, { training: true }) as tf.Tensor2D[];
              const eps = tf.randomNormal(mu.shape, 0, 1, 'float32', stepSeed(seed, globalStep));
              const z = mu.add(logVar.mul(0.5).exp().mul(eps)); // [batch, latentDim]
              const xHat = decoder.apply(z, { training: true }) as tf.Tensor;
              const terms = vaeLosses(x, xHat, mu, logVar);
              recon = tf.keep(terms.recon);
              kl = tf.keep(terms.kl);
              return terms.recon.add(terms.kl) as tf.Scalar;
            },
            true,
            vars,
          ) as tf.Scalar;
          if (recon === undefined || kl === undefined) throw new Error('VAE step produced no loss');
          return { loss, recon, kl };
        });
      },
      (globalStep, elapsed) =>
        captureCheckpoint(globalStep, stepsPerEpoch, elapsed, models, optimizers),
    );
  } finally {
    optimizer.dispose();
  }
}
