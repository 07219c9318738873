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
import { unitToTanhImages } from '../models/image-range';

/** The GAN recipe: the usual DCGAN one (Radford et al.): Adam 2e-4, β1 0.5, batch 64. */
export interface GanTrainConfig {
  learningRate: number;
  beta1: number;
  beta2: number;
  latentDim: number;
}

export const DEFAULT_GAN_CONFIG: GanTrainConfig = {
  learningRate: 2e-4,
  beta1: 0.5,
  beta2: 0.999,
  latentDim: 100,
};

/** The data and models {@link trainGan} works on. */
export interface GanTrainInput {
  /** z [batch, latentDim] → tanhImages [batch, 28, 28, 1]. Trained in place. */
  generator: tf.LayersModel;
  /** tanhImages [batch, 28, 28, 1] → logits [batch, 1]. Trained in place. */
  discriminator: tf.LayersModel;
  /** Training images, n · 784 uint8 (MNIST layout). */
  images: Uint8Array;
  count: number;
  config?: Partial<GanTrainConfig>;
}

function trainableVariables(model: tf.LayersModel): tf.Variable[] {
  return model.trainableWeights.map((w) => w.read() as tf.Variable);
}

/**
 * The non-saturating GAN losses (Goodfellow et al. 2014, § 3) from discriminator logits:
 * L_D = BCE(D(x), 1) + BCE(D(G(z)), 0), L_G = BCE(D(G(z)), 1), each a mean over the batch.
 */
export function discriminatorLoss(realLogits: tf.Tensor, fakeLogits: tf.Tensor): tf.Scalar {
  return tf.tidy(() =>
    tf.losses
      .sigmoidCrossEntropy(tf.onesLike(realLogits), realLogits)
      .add(tf.losses.sigmoidCrossEntropy(tf.zerosLike(fakeLogits), fakeLogits)),
  );
}

/** See {@link discriminatorLoss}. */
export function generatorLoss(fakeLogits: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.losses.sigmoidCrossEntropy(tf.onesLike(fakeLogits), fakeLogits));
}

/**
 * Trains a GAN with the non-saturating loss: per step one Adam step on G (through D), then one
 * on D (a real batch and the same step's fake batch, each through D in training mode).
 * z ~ N(0, I), seeded per step. Losses reported: `d`, `g`.
 *
 * Checkpoints hold both models and both optimizers (`generator`, `discriminator`).
 */
export async function trainGan(
  input: GanTrainInput,
  options: TrainLoopOptions,
): Promise<TrainSummary> {
  const config = { ...DEFAULT_GAN_CONFIG, ...input.config };
  const { generator, discriminator, images, count } = input;
  const { batchSize, seed } = options;
  const gOpt = tf.train.adam(config.learningRate, config.beta1, config.beta2);
  const dOpt = tf.train.adam(config.learningRate, config.beta1, config.beta2);
  const models = { generator, discriminator };
  const optimizers = { generator: gOpt, discriminator: dOpt };
  try {
    if (options.resumeFrom !== undefined) {
      await restoreCheckpoint(options.resumeFrom, models, optimizers);
    }
    const gVars = trainableVariables(generator);
    const dVars = trainableVariables(discriminator);
    const stepsPerEpoch = Math.floor(count / batchSize);
    const orderOf = epochOrders(count, seed);
    return await runTrainingLoop(
      options,
      stepsPerEpoch,
      (epoch, stepInEpoch, globalStep) => {
        const order = orderOf(epoch);
        return tf.tidy(() => {
          const unit = unitImageBatch(images, order, stepInEpoch * batchSize, batchSize);
          const real = unitToTanhImages(unit); // [batch, 28, 28, 1] in [−1, 1]
          const z = tf.randomNormal(
            [batchSize, config.latentDim],
            0,
            1,
            'float32',
            stepSeed(seed, globalStep),
          );
          // One forward pass of G serves both steps (as PyTorch's DCGAN example): the G step
          // records it, the D step reuses the same images as constants.
          let fake: tf.Tensor | undefined;
          const g = gOpt.minimize(
            () => {
              const images = generator.apply(z, { training: true }) as tf.Tensor; // [batch, 28, 28, 1]
              fake = tf.keep(images);
              return generatorLoss(discriminator.apply(images, { training: true }) as tf.Tensor);
            },
            true,
            gVars,
          ) as tf.Scalar;
          if (fake === undefined) throw new Error('GAN step made no images');
          const fixedFake = fake;
          const d = dOpt.minimize(
            () =>
              discriminatorLoss(
                discriminator.apply(real, { training: true }) as tf.Tensor,
                discriminator.apply(fixedFake, { training: true }) as tf.Tensor,
              ),
            true,
            dVars,
          ) as tf.Scalar;
          fixedFake.dispose();
          return { d, g };
        });
      },
      (globalStep, elapsed) =>
        captureCheckpoint(globalStep, stepsPerEpoch, elapsed, models, optimizers),
    );
  } finally {
    gOpt.dispose();
    dOpt.dispose();
  }
}
