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

/** Adam settings of the VAE (Kingma & Welling's MNIST setup with Adam, as PyTorch's example). */
export interface VaeTrainConfig {
  learningRate: number;
}

export const DEFAULT_VAE_CONFIG: VaeTrainConfig = { learningRate: 1e-3 };

/** The data and models {@link trainVae} works on. */
export interface VaeTrainInput {
  /** unitImages → [μ, log σ²], each [batch, latentDim]. Trained in place. */
  encoder: tf.LayersModel;
  /** z [batch, latentDim] → unitImages [batch, h, w, c]. Trained in place. */
  decoder: tf.LayersModel;
  /** Training images, n · h·w·c uint8 (HWC), image after image. */
  images: Uint8Array;
  count: number;
  /** Default MNIST's [28, 28, 1]. */
  shape?: ImageShape;
  config?: Partial<VaeTrainConfig>;
}

/**
 * The negative ELBO of a batch, split in its two terms, each summed over pixels resp. latent
 * dimensions and averaged over the batch (summed over the rows and divided by `batch`, the
 * whole batch's size when the rows are one shard of it):
 * recon = −Σ [x log x̂ + (1 − x) log(1 − x̂)] (Bernoulli likelihood, x̂ clipped to [1e−7, 1 − 1e−7]);
 * kl = −½ Σ (1 + log σ² − μ² − σ²) (Kingma & Welling 2014, App. B).
 *
 * @param x unitImages [rows, h, w, c]; @param xHat decoder means, same shape.
 */
export function vaeLosses(
  x: tf.Tensor,
  xHat: tf.Tensor,
  mu: tf.Tensor2D,
  logVar: tf.Tensor2D,
  batch = x.shape[0],
): { recon: tf.Scalar; kl: tf.Scalar } {
  return tf.tidy(() => {
    const rows = x.shape[0];
    const p = xHat.reshape([rows, -1]).clipByValue(1e-7, 1 - 1e-7);
    const t = x.reshape([rows, -1]);
    const recon = t
      .mul(p.log())
      .add(tf.scalar(1).sub(t).mul(tf.scalar(1).sub(p).log()))
      .sum()
      .div(-batch) as tf.Scalar;
    const kl = tf
      .scalar(1)
      .add(logVar)
      .sub(mu.square())
      .sub(logVar.exp())
      .sum()
      .mul(-0.5 / batch) as tf.Scalar;
    return { recon, kl };
  });
}

/**
 * A VAE step as a data-parallel program, one phase `vae`: z = μ + σ·ε (the reparameterisation
 * trick, ε given per row by the plan), one gradient of recon + kl for encoder and decoder.
 * Losses: `loss`, `recon`, `kl`.
 */
export class VaeProgram implements ShardProgram {
  readonly phases = ['vae'] as const;
  readonly models: Readonly<Record<string, tf.LayersModel>>;
  private readonly vars: tf.Variable[];

  constructor(
    private readonly encoder: tf.LayersModel,
    private readonly decoder: tf.LayersModel,
    private readonly data: TrainData,
  ) {
    this.models = { encoder, decoder };
    this.vars = trainableVariables(encoder, decoder);
  }

  variables(): tf.Variable[] {
    return this.vars;
  }

  gradients(_phase: string, shard: BatchPlan): ShardGradients {
    const n = shard.rows.length;
    const x = unitImageBatch(this.data.images, shard.rows, 0, n, this.data.shape);
    const eps = tf.tensor2d(shard.noise, [n, shard.noiseDim]); // [shard, latentDim]
    let recon: tf.Scalar | null = null;
    let kl: tf.Scalar | null = null;
    const { value, grads } = tf.variableGrads(() => {
      const [mu, logVar] = this.encoder.apply(x, { training: true }) as tf.Tensor2D[];
      const z = mu.add(logVar.mul(0.5).exp().mul(eps)) as tf.Tensor2D; // [shard, latentDim]
      const xHat = this.decoder.apply(z, { training: true }) as tf.Tensor;
      const terms = vaeLosses(x, xHat, mu, logVar, shard.size);
      recon = tf.keep(terms.recon);
      kl = tf.keep(terms.kl);
      return terms.recon.add(terms.kl) as tf.Scalar;
    }, this.vars);
    tf.dispose([x, eps]);
    if (recon === null || kl === null) throw new Error('VAE step produced no loss');
    return { grads: this.vars.map((v) => grads[v.name]), losses: { loss: value, recon, kl } };
  }

  endStep(): void {}
}

/**
 * Trains a VAE by the reparameterisation trick, ε ~ N(0, I) from PCG32 seeded per step; one
 * Adam step per batch on recon + kl. Losses reported: `loss`, `recon`, `kl`.
 * Checkpoints hold `encoder`, `decoder` and optimizer `vae`.
 */
export async function trainVae(
  input: VaeTrainInput,
  options: TrainLoopOptions,
): Promise<TrainSummary> {
  const config = { ...DEFAULT_VAE_CONFIG, ...input.config };
  const { encoder, decoder, images, count } = input;
  const { batchSize, seed } = options;
  const data: TrainData = { images, labels: null, count, shape: input.shape ?? MNIST_SHAPE };
  const latentDim = decoder.inputs[0].shape[1] ?? 0;
  return trainWithProgram(
    {
      program: new VaeProgram(encoder, decoder, data),
      spec: { kind: 'vae', config: {} },
      data,
      optimizers: { vae: tf.train.adam(config.learningRate) },
      checkpointModels: { encoder, decoder },
      stepsPerEpoch: Math.floor(count / batchSize),
      plan: shuffledBatches(count, seed, batchSize, latentDim),
    },
    options,
  );
}
