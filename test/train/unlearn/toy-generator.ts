import * as tf from '@tensorflow/tfjs';

/** Latent size of the toy generator. */
export const TOY_LATENT_DIM = 4;

/**
 * A tiny generator z [b, 4] → unitImages [b, 28, 28, 1] whose brightness follows z₀: the
 * feature "bright" (mean pixel > BRIGHT) is shown by about a third of z ~ N(0, I).
 * sigmoid(w·z₀ + small terms from z₁…z₃ + b), with fixed weights so tests are exact.
 */
export function toyGenerator(): tf.Sequential {
  const g = tf.sequential({ name: 'toy_generator' });
  g.add(
    tf.layers.dense({
      inputShape: [TOY_LATENT_DIM],
      units: 784,
      activation: 'sigmoid',
      name: 'fc',
    }),
  );
  g.add(tf.layers.reshape({ targetShape: [28, 28, 1], name: 'to_image' }));
  const kernel = new Float32Array(TOY_LATENT_DIM * 784);
  for (let p = 0; p < 784; p++) {
    kernel[p] = 1.5; // z₀ row: brightness
    for (let d = 1; d < TOY_LATENT_DIM; d++) {
      kernel[d * 784 + p] = 0.3 * Math.sin(0.37 * p * d); // texture, unrelated to brightness
    }
  }
  const bias = new Float32Array(784).fill(-1);
  const weights = [tf.tensor2d(kernel, [TOY_LATENT_DIM, 784]), tf.tensor1d(bias)];
  g.setWeights(weights);
  tf.dispose(weights);
  return g;
}

/** Mean pixel above which a toy sample counts as "bright". */
export const BRIGHT = 0.4;

/** 1 where the unitImages [n · 784] are bright. */
export function brightLabels(unitImages: Float32Array): Uint8Array {
  const n = unitImages.length / 784;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let p = 0; p < 784; p++) sum += unitImages[i * 784 + p];
    out[i] = sum / 784 > BRIGHT ? 1 : 0;
  }
  return out;
}

/** Share of 1s. */
export function ratio(labels: Uint8Array): number {
  return labels.reduce((a, b) => a + b, 0) / labels.length;
}
