import * as tf from '@tensorflow/tfjs';
import {
  MNIST_SHAPE,
  unitImageBatch,
  type ImageShape,
  type TrainLoopOptions,
  type TrainSummary,
} from './loop';
import {
  trainableVariables,
  type BatchPlan,
  type ShardGradients,
  type ShardProgram,
  type TrainData,
} from './data-parallel';
import { shuffledBatches, trainWithProgram } from './program-loop';
import { WeightAverage } from './ema';
import { unitToTanhImages } from '../models/image-range';

/** The GAN recipe: the usual DCGAN one (Radford et al.): Adam 2e-4, β1 0.5, batch 64. */
export interface GanTrainConfig {
  learningRate: number;
  beta1: number;
  beta2: number;
  latentDim: number;
  /**
   * Decay β of the moving average of the generator's weights (0: none). The average is the
   * generator a GAN ships (see ema.ts).
   */
  emaDecay: number;
}

export const DEFAULT_GAN_CONFIG: GanTrainConfig = {
  learningRate: 2e-4,
  beta1: 0.5,
  beta2: 0.999,
  latentDim: 100,
  emaDecay: 0,
};

/** The data and models {@link trainGan} works on. */
export interface GanTrainInput {
  /** z [batch, latentDim] → tanhImages [batch, h, w, c]. Trained in place. */
  generator: tf.LayersModel;
  /** tanhImages [batch, h, w, c] → logits [batch, 1]. Trained in place. */
  discriminator: tf.LayersModel;
  /**
   * With `config.emaDecay` > 0: the moving average of the generator's weights, updated in place
   * after every step (start it as a copy of the generator).
   */
  generatorAverage?: tf.LayersModel;
  /** Training images, n · h·w·c uint8 (HWC), image after image. */
  images: Uint8Array;
  count: number;
  /** Default MNIST's [28, 28, 1]. */
  shape?: ImageShape;
  config?: Partial<GanTrainConfig>;
}

/** Σ over the batch of BCE(logit, label), divided by `batch` (the whole batch's size). */
function bceSum(label: 0 | 1, logits: tf.Tensor, batch: number): tf.Scalar {
  return tf.tidy(() => {
    const labels = label === 1 ? tf.onesLike(logits) : tf.zerosLike(logits);
    const sum = tf.losses.sigmoidCrossEntropy(labels, logits, undefined, 0, tf.Reduction.SUM);
    return sum.div(batch) as tf.Scalar;
  });
}

/**
 * The non-saturating GAN losses (Goodfellow et al. 2014, § 3) from discriminator logits:
 * L_D = BCE(D(x), 1) + BCE(D(G(z)), 0), L_G = BCE(D(G(z)), 1), each a mean over the batch.
 * `batch` divides the sums: the whole batch's size when the logits are one shard of it.
 */
export function discriminatorLoss(
  realLogits: tf.Tensor,
  fakeLogits: tf.Tensor,
  batch = realLogits.shape[0],
): tf.Scalar {
  return tf.tidy(() => bceSum(1, realLogits, batch).add(bceSum(0, fakeLogits, batch)));
}

/** See {@link discriminatorLoss}. */
export function generatorLoss(fakeLogits: tf.Tensor, batch = fakeLogits.shape[0]): tf.Scalar {
  return bceSum(1, fakeLogits, batch);
}

/** Gradients of `loss` for `vars`, in their order, and the loss. */
function gradientsOf(
  loss: () => tf.Scalar,
  vars: tf.Variable[],
): { value: tf.Scalar; grads: tf.Tensor[] } {
  const { value, grads } = tf.variableGrads(loss, vars);
  return { value, grads: vars.map((v) => grads[v.name]) };
}

/**
 * A GAN step as a data-parallel program: phase `generator` (the G step through D, which also
 * keeps the shard's fake images), then phase `discriminator` (real and the same fake images,
 * each through D in training mode). One forward pass of G serves both phases, as in PyTorch's
 * DCGAN example. Losses: `g`, `d`.
 */
export class GanProgram implements ShardProgram {
  readonly phases = ['generator', 'discriminator'] as const;
  readonly models: Readonly<Record<string, tf.LayersModel>>;
  private readonly gVars: tf.Variable[];
  private readonly dVars: tf.Variable[];
  private fake: tf.Tensor | null = null;

  /**
   * @param hooks.beforeStep runs before the generator phase of each step (ProgGAN sets its
   *   fade-in α from the step); hooks.realImages turns the data's tanhImages [shard, h, w, c]
   *   into what D sees (ProgGAN scales them to the phase's resolution). Neither owns tensors.
   */
  constructor(
    private readonly generator: tf.LayersModel,
    private readonly discriminator: tf.LayersModel,
    private readonly data: TrainData,
    private readonly latentDim: number,
    private readonly hooks: {
      beforeStep?: (step: number) => void;
      realImages?: (tanhImages: tf.Tensor4D, step: number) => tf.Tensor4D;
    } = {},
  ) {
    this.models = { generator, discriminator };
    this.gVars = trainableVariables(generator);
    this.dVars = trainableVariables(discriminator);
  }

  variables(phase: string): tf.Variable[] {
    return phase === 'generator' ? this.gVars : this.dVars;
  }

  gradients(phase: string, shard: BatchPlan): ShardGradients {
    const n = shard.rows.length;
    if (phase === 'generator') {
      this.endStep();
      this.hooks.beforeStep?.(shard.step);
      const z = tf.tensor2d(shard.noise, [n, this.latentDim]); // [shard, latentDim]
      let fake: tf.Tensor | null = null;
      const { value, grads } = gradientsOf(() => {
        const images = this.generator.apply(z, { training: true }) as tf.Tensor; // [shard, h, w, c]
        fake = tf.keep(images);
        const logits = this.discriminator.apply(images, { training: true }) as tf.Tensor;
        return generatorLoss(logits, shard.size);
      }, this.gVars);
      z.dispose();
      this.fake = fake;
      return { grads, losses: { g: value } };
    }
    const fake = this.fake;
    if (fake === null) throw new Error('The discriminator phase needs the generator phase first.');
    const real = tf.tidy(() => {
      const unit = unitImageBatch(this.data.images, shard.rows, 0, n, this.data.shape);
      const tanh = unitToTanhImages(unit) as tf.Tensor4D; // [shard, h, w, c] in [−1, 1]
      return this.hooks.realImages?.(tanh, shard.step) ?? tanh;
    });
    const { value, grads } = gradientsOf(
      () =>
        discriminatorLoss(
          this.discriminator.apply(real, { training: true }) as tf.Tensor,
          this.discriminator.apply(fake, { training: true }) as tf.Tensor,
          shard.size,
        ),
      this.dVars,
    );
    real.dispose();
    return { grads, losses: { d: value } };
  }

  endStep(): void {
    this.fake?.dispose();
    this.fake = null;
  }
}

/** Plain-data configuration of a {@link GanProgram}, for a worker to rebuild it. */
export interface GanProgramConfig {
  latentDim: number;
}

/**
 * Trains a GAN with the non-saturating loss: per step one Adam step on G (through D), then one
 * on D (a real batch and the same step's fake batch). z ~ N(0, I) from PCG32, seeded per step.
 * Losses reported: `d`, `g`. With `config.emaDecay` > 0, `generatorAverage` follows G.
 *
 * Checkpoints hold both models (and `generatorAverage`) and both optimizers.
 */
export async function trainGan(
  input: GanTrainInput,
  options: TrainLoopOptions,
): Promise<TrainSummary> {
  const config = { ...DEFAULT_GAN_CONFIG, ...input.config };
  const { generator, discriminator, images, count, generatorAverage } = input;
  const shape = input.shape ?? MNIST_SHAPE;
  const { batchSize, seed } = options;
  const data: TrainData = { images, labels: null, count, shape };
  const program = new GanProgram(generator, discriminator, data, config.latentDim);
  const optimizers = {
    generator: tf.train.adam(config.learningRate, config.beta1, config.beta2),
    discriminator: tf.train.adam(config.learningRate, config.beta1, config.beta2),
  };
  const average =
    config.emaDecay > 0
      ? (() => {
          if (generatorAverage === undefined) {
            throw new Error('emaDecay > 0 needs a generatorAverage model to average into.');
          }
          return new WeightAverage(
            generator,
            generatorAverage,
            config.emaDecay,
            options.resumeFrom?.globalStep ?? 0,
          );
        })()
      : null;
  const programConfig: GanProgramConfig = { latentDim: config.latentDim };
  return trainWithProgram(
    {
      program,
      spec: { kind: 'gan', config: { ...programConfig } },
      data,
      optimizers,
      checkpointModels: {
        generator,
        discriminator,
        ...(average !== null ? { generatorAverage: average.average } : {}),
      },
      stepsPerEpoch: Math.floor(count / batchSize),
      plan: shuffledBatches(count, seed, batchSize, config.latentDim),
      afterStep: average !== null ? () => average.update() : undefined,
    },
    options,
  );
}
