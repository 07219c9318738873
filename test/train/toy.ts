import * as tf from '@tensorflow/tfjs';

/**
 * Toy data for the trainer tests: `count` MNIST-layout uint8 images, half of class 0 (bright top
 * half) and half of class 1 (bright bottom half), with a little seeded noise unless `noisy` is
 * false (then pixels are exactly 0 or 255).
 */
export function toyImages(count: number, noisy = true): { images: Uint8Array; labels: Uint8Array } {
  const images = new Uint8Array(count * 784);
  const labels = new Uint8Array(count);
  let s = 12345;
  const noise = () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s >>> 24) % 40;
  };
  for (let i = 0; i < count; i++) {
    const label = i % 2;
    labels[i] = label;
    for (let p = 0; p < 784; p++) {
      const top = p < 392;
      images[i * 784 + p] = noisy
        ? (top === (label === 0) ? 200 : 0) + noise()
        : top === (label === 0)
          ? 255
          : 0;
    }
  }
  return { images, labels };
}

/** A tiny generator z [b, latentDim] → tanhImages [b, 28, 28, 1]: dense + tanh. */
export function tinyGenerator(latentDim: number): tf.Sequential {
  const g = tf.sequential();
  g.add(
    tf.layers.dense({
      inputShape: [latentDim],
      units: 784,
      activation: 'tanh',
      kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
    }),
  );
  g.add(tf.layers.reshape({ targetShape: [28, 28, 1] }));
  return g;
}

/** A tiny discriminator tanhImages → logits [b, 1]. */
export function tinyDiscriminator(): tf.Sequential {
  const d = tf.sequential();
  d.add(tf.layers.flatten({ inputShape: [28, 28, 1] }));
  d.add(
    tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
  );
  return d;
}

/** A tiny classifier unitImages → logits [b, classes]. */
export function tinyClassifier(classes: number, seed = 3): tf.Sequential {
  const m = tf.sequential();
  m.add(tf.layers.flatten({ inputShape: [28, 28, 1] }));
  m.add(
    tf.layers.dense({ units: classes, kernelInitializer: tf.initializers.glorotUniform({ seed }) }),
  );
  return m;
}

/** All weights of a model as plain arrays (for before/after comparisons). */
export async function weightValues(model: tf.LayersModel): Promise<number[][]> {
  return Promise.all(model.weights.map(async (w) => Array.from(await w.read().data())));
}

/** Largest absolute difference between two weight lists of the same layout. */
export function maxDiff(a: number[][], b: number[][]): number {
  let m = 0;
  a.forEach((xs, i) => xs.forEach((x, j) => (m = Math.max(m, Math.abs(x - b[i][j])))));
  return m;
}
