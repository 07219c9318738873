import * as tf from '@tensorflow/tfjs';
import { MinibatchStdDev } from './layers/index';

/** Latent size of the MNIST DCGAN: z ∈ R^100, z ~ N(0, I). */
export const DCGAN_LATENT_DIM = 100;

/**
 * Decay β of the moving average of the generator's weights that the DCGAN ships (and its oracle
 * is scored by): w̄ ← β·w̄ + (1 − β)·w after every step, a window of about 1 / (1 − β) steps.
 */
export const DCGAN_EMA_DECAY = 0.999;

/**
 * The MNIST DCGAN generator f / g_θ: z [batch, 100] → tanhImages [batch, 28, 28, 1] in [−1, 1].
 * Dense 100→7·7·128, LayerNorm, ReLU; ConvT 128→64 k4 s2, LayerNorm, ReLU; ConvT 64→1 k4 s2, tanh.
 *
 * The DCGAN of Radford et al. normalises with BatchNorm; here each position's channels are
 * normalised on their own (LayerNorm over channels, the role of ProgGAN's pixelwise feature
 * normalisation), so no layer mixes the samples of a batch: training split over workers computes
 * exactly what one worker would, and the shipped model is stock TF.js (built-in layers only).
 * Layer names are fixed so saved weights load by name.
 */
export function buildDcganGenerator(latentDim = DCGAN_LATENT_DIM): tf.Sequential {
  const g = tf.sequential({ name: 'dcgan_generator' });
  g.add(tf.layers.dense({ inputShape: [latentDim], units: 7 * 7 * 128, useBias: false, name: 'fc' }));
  g.add(tf.layers.reshape({ targetShape: [7, 7, 128], name: 'to_map' })); // [batch, 7, 7, 128]
  g.add(tf.layers.layerNormalization({ axis: -1, epsilon: 1e-5, name: 'fc_norm' }));
  g.add(tf.layers.reLU({ name: 'fc_relu' }));
  g.add(
    tf.layers.conv2dTranspose({
      filters: 64,
      kernelSize: 4,
      strides: 2,
      padding: 'same',
      useBias: false,
      name: 'up1',
    }),
  ); // [batch, 14, 14, 64]
  g.add(tf.layers.layerNormalization({ axis: -1, epsilon: 1e-5, name: 'up1_norm' }));
  g.add(tf.layers.reLU({ name: 'up1_relu' }));
  g.add(
    tf.layers.conv2dTranspose({
      filters: 1,
      kernelSize: 4,
      strides: 2,
      padding: 'same',
      activation: 'tanh',
      name: 'up2',
    }),
  ); // [batch, 28, 28, 1]
  return g;
}

/**
 * The MNIST DCGAN discriminator: tanhImages [batch, 28, 28, 1] → logits [batch, 1].
 * Conv 1→64 k4 s2, LeakyReLU 0.2; Conv 64→128 k4 s2, LeakyReLU 0.2; minibatch standard
 * deviation over groups of 4 (one more channel, against mode collapse); Dense → 1.
 * No BatchNorm, for the reason the generator gives.
 */
export function buildDcganDiscriminator(): tf.Sequential {
  const d = tf.sequential({ name: 'dcgan_discriminator' });
  d.add(
    tf.layers.conv2d({
      inputShape: [28, 28, 1],
      filters: 64,
      kernelSize: 4,
      strides: 2,
      padding: 'same',
      name: 'down1',
    }),
  ); // [batch, 14, 14, 64]
  d.add(tf.layers.leakyReLU({ alpha: 0.2, name: 'down1_lrelu' }));
  d.add(
    tf.layers.conv2d({
      filters: 128,
      kernelSize: 4,
      strides: 2,
      padding: 'same',
      name: 'down2',
    }),
  ); // [batch, 7, 7, 128]
  d.add(tf.layers.leakyReLU({ alpha: 0.2, name: 'down2_lrelu' }));
  d.add(new MinibatchStdDev({ groupSize: 4, name: 'batch_stddev' })); // [batch, 7, 7, 129]
  d.add(tf.layers.flatten({ name: 'flat' }));
  d.add(tf.layers.dense({ units: 1, name: 'logit' })); // [batch, 1]
  return d;
}
