import * as tf from '@tensorflow/tfjs';

/** Size of the mnist-classifier's penultimate features, used for FID_mnist. */
export const MNIST_FEATURE_DIM = 128;

/** Digit classes. */
export const MNIST_CLASSES = 10;

/**
 * The `mnist-classifier`, our stand-in for Inception (docs/method.md, "Evaluation"):
 * unitImages [batch, 28, 28, 1] in [0, 1] →
 * conv 5×5 32, ReLU, max-pool 2 → [batch, 14, 14, 32];
 * conv 3×3 64, ReLU, max-pool 2 → [batch, 7, 7, 64];
 * flatten → FC 128, ReLU (`features`, for FID_mnist) → dropout 0.3 → FC 10 (`logits`, for IS_mnist).
 *
 * Two outputs: `[logits [batch, 10], features [batch, 128]]`. Training uses the first.
 * Dropout only acts when the model is applied with `{ training: true }`.
 */
export function buildMnistClassifier(seed = 0): tf.LayersModel {
  const init = (k: number) => tf.initializers.glorotUniform({ seed: seed * 100 + k });
  const x = tf.input({ shape: [28, 28, 1], name: 'input' });
  let h = tf.layers
    .conv2d({ filters: 32, kernelSize: 5, padding: 'same', activation: 'relu', kernelInitializer: init(1), name: 'conv1' })
    .apply(x) as tf.SymbolicTensor; // [batch, 28, 28, 32]
  h = tf.layers.maxPooling2d({ poolSize: 2, name: 'pool1' }).apply(h) as tf.SymbolicTensor; // [batch, 14, 14, 32]
  h = tf.layers
    .conv2d({ filters: 64, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(2), name: 'conv2' })
    .apply(h) as tf.SymbolicTensor; // [batch, 14, 14, 64]
  h = tf.layers.maxPooling2d({ poolSize: 2, name: 'pool2' }).apply(h) as tf.SymbolicTensor; // [batch, 7, 7, 64]
  h = tf.layers.flatten({ name: 'flat' }).apply(h) as tf.SymbolicTensor; // [batch, 3136]
  const features = tf.layers
    .dense({ units: MNIST_FEATURE_DIM, activation: 'relu', kernelInitializer: init(3), name: 'features' })
    .apply(h) as tf.SymbolicTensor; // [batch, 128]
  const dropped = tf.layers.dropout({ rate: 0.3, seed, name: 'dropout' }).apply(features) as tf.SymbolicTensor;
  const logits = tf.layers
    .dense({ units: MNIST_CLASSES, kernelInitializer: init(4), name: 'logits' })
    .apply(dropped) as tf.SymbolicTensor; // [batch, 10]
  return tf.model({ inputs: x, outputs: [logits, features], name: 'mnist_classifier' });
}

/** The Morpho-MNIST features the feature classifiers detect. */
export type FeatureName = 'thickness' | 'slant';

/**
 * A feature classifier h for the PGD attack (Algorithm 1) and its independent judge:
 * unitImages [batch, 28, 28, 1] in [0, 1] → logit [batch, 1] of "shows the feature"
 * (thickness above the 90th percentile, or slant below the 10th: docs/method.md).
 * conv 3×3 16, ReLU, max-pool 2 → conv 3×3 32, ReLU, max-pool 2 → FC 64, ReLU → FC 1.
 * The `-a` and `-b` models differ only in `seed` (weights and data order).
 */
export function buildFeatureClassifier(seed = 0): tf.Sequential {
  const init = (k: number) => tf.initializers.glorotUniform({ seed: seed * 100 + k });
  const m = tf.sequential({ name: 'feature_classifier' });
  m.add(
    tf.layers.conv2d({
      inputShape: [28, 28, 1],
      filters: 16,
      kernelSize: 3,
      padding: 'same',
      activation: 'relu',
      kernelInitializer: init(1),
      name: 'conv1',
    }),
  ); // [batch, 28, 28, 16]
  m.add(tf.layers.maxPooling2d({ poolSize: 2, name: 'pool1' })); // [batch, 14, 14, 16]
  m.add(
    tf.layers.conv2d({
      filters: 32,
      kernelSize: 3,
      padding: 'same',
      activation: 'relu',
      kernelInitializer: init(2),
      name: 'conv2',
    }),
  ); // [batch, 14, 14, 32]
  m.add(tf.layers.maxPooling2d({ poolSize: 2, name: 'pool2' })); // [batch, 7, 7, 32]
  m.add(tf.layers.flatten({ name: 'flat' })); // [batch, 1568]
  m.add(tf.layers.dense({ units: 64, activation: 'relu', kernelInitializer: init(3), name: 'fc' }));
  m.add(tf.layers.dense({ units: 1, kernelInitializer: init(4), name: 'logit' })); // [batch, 1]
  return m;
}

/**
 * The logits of a classifier built here: the first output when the model has several
 * (mnist-classifier: `[logits, features]`). Borrowed in, owned out.
 */
export function classifierLogits(
  model: tf.LayersModel,
  unitImages: tf.Tensor,
  training = false,
): tf.Tensor {
  return tf.tidy(() => {
    const out = model.apply(unitImages, { training }) as tf.Tensor | tf.Tensor[];
    return Array.isArray(out) ? out[0] : out;
  });
}
