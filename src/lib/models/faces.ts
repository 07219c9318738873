import * as tf from '@tensorflow/tfjs';

/**
 * The models of the face experiments besides the ProgGAN (proggan.ts), on unitImages
 * [batch, 32, 32, 3] in [0, 1]: the attribute classifiers, the faces classifier that stands in
 * for Inception (FID_faces, IS_faces), and the convolutional VAE that stands in for the paper's
 * VDVAE. Built-in layers only, no BatchNorm (training splits batches over workers exactly).
 */

/** Side of the face images. */
export const FACE_SIDE = 32;

/** Latent size of the faces VAE. */
export const FACE_VAE_LATENT_DIM = 64;

/** Size of the faces classifier's penultimate features, used for FID_faces. */
export const FACES_FEATURE_DIM = 128;

type Init = (k: number) => ReturnType<typeof tf.initializers.glorotUniform>;

function seeded(seed: number): Init {
  return (k) => tf.initializers.glorotUniform({ seed: seed * 100 + k });
}

/** Conv 3×3 with ReLU, then 2×2 max-pooling: [b, s, s, ·] → [b, s/2, s/2, filters]. */
function convPool(x: tf.SymbolicTensor, filters: number, init: Init, k: number): tf.SymbolicTensor {
  const h = tf.layers
    .conv2d({
      filters,
      kernelSize: 3,
      padding: 'same',
      activation: 'relu',
      kernelInitializer: init(k),
      name: `conv${k}`,
    })
    .apply(x) as tf.SymbolicTensor;
  return tf.layers.maxPooling2d({ poolSize: 2, name: `pool${k}` }).apply(h) as tf.SymbolicTensor;
}

/**
 * An attribute classifier h (bangs, beard, hat, glasses): unitImages [b, 32, 32, 3] → logit
 * [b, 1] of "shows the attribute". Conv 16, 32, 64 (3×3, ReLU, max-pool 2) → FC 64 → FC 1.
 * The `-a` and `-b` models differ only in `seed` (weights and data order).
 */
export function buildFaceAttributeClassifier(seed = 0): tf.LayersModel {
  const init = seeded(seed);
  const x = tf.input({ shape: [FACE_SIDE, FACE_SIDE, 3], name: 'input' });
  let h = convPool(x, 16, init, 1); // [b, 16, 16, 16]
  h = convPool(h, 32, init, 2); // [b, 8, 8, 32]
  h = convPool(h, 64, init, 3); // [b, 4, 4, 64]
  h = tf.layers.flatten({ name: 'flat' }).apply(h) as tf.SymbolicTensor; // [b, 1024]
  h = tf.layers
    .dense({ units: 64, activation: 'relu', kernelInitializer: init(4), name: 'fc' })
    .apply(h) as tf.SymbolicTensor;
  const logit = tf.layers
    .dense({ units: 1, kernelInitializer: init(5), name: 'logit' })
    .apply(h) as tf.SymbolicTensor; // [b, 1]
  return tf.model({ inputs: x, outputs: logit, name: 'face_attribute_classifier' });
}

/**
 * The faces classifier, our Inception for faces: unitImages [b, 32, 32, 3] → conv 32, 64, 128
 * (3×3, ReLU, max-pool 2) → FC 128, ReLU (`features`, for FID_faces) → one softmax head per
 * factor the faces are drawn from (hair style or head wear first: its probabilities give
 * IS_faces). Outputs `[head 0 logits, features, head 1 logits, …]`, so the first two are what
 * an Inception-style `[logits, features]` reader expects.
 *
 * @param heads classes per factor (data/faces/factors.ts).
 */
export function buildFacesClassifier(heads: readonly number[], seed = 0): tf.LayersModel {
  const init = seeded(seed);
  const x = tf.input({ shape: [FACE_SIDE, FACE_SIDE, 3], name: 'input' });
  let h = convPool(x, 32, init, 1); // [b, 16, 16, 32]
  h = convPool(h, 64, init, 2); // [b, 8, 8, 64]
  h = convPool(h, 128, init, 3); // [b, 4, 4, 128]
  h = tf.layers.flatten({ name: 'flat' }).apply(h) as tf.SymbolicTensor; // [b, 2048]
  const features = tf.layers
    .dense({ units: FACES_FEATURE_DIM, activation: 'relu', kernelInitializer: init(4), name: 'features' })
    .apply(h) as tf.SymbolicTensor; // [b, 128]
  const logits = heads.map(
    (classes, i) =>
      tf.layers
        .dense({ units: classes, kernelInitializer: init(10 + i), name: `head${i}` })
        .apply(features) as tf.SymbolicTensor,
  );
  return tf.model({
    inputs: x,
    outputs: [logits[0], features, ...logits.slice(1)],
    name: 'faces_classifier',
  });
}

/**
 * The faces VAE encoder q(z | x): unitImages [b, 32, 32, 3] → conv 4×4 s2 32, 64, 128
 * (LeakyReLU 0.2) → [b, 4, 4, 128] → flatten → μ and log σ², each [b, latentDim].
 */
export function buildFaceVaeEncoder(latentDim = FACE_VAE_LATENT_DIM): tf.LayersModel {
  const x = tf.input({ shape: [FACE_SIDE, FACE_SIDE, 3], name: 'enc_input' });
  let h: tf.SymbolicTensor = x;
  [32, 64, 128].forEach((filters, i) => {
    h = tf.layers
      .conv2d({ filters, kernelSize: 4, strides: 2, padding: 'same', name: `enc_conv${i + 1}` })
      .apply(h) as tf.SymbolicTensor;
    h = tf.layers.leakyReLU({ alpha: 0.2, name: `enc_lrelu${i + 1}` }).apply(h) as tf.SymbolicTensor;
  }); // [b, 4, 4, 128]
  h = tf.layers.flatten({ name: 'enc_flat' }).apply(h) as tf.SymbolicTensor; // [b, 2048]
  const mu = tf.layers.dense({ units: latentDim, name: 'enc_mu' }).apply(h) as tf.SymbolicTensor;
  const logVar = tf.layers
    .dense({ units: latentDim, name: 'enc_logvar' })
    .apply(h) as tf.SymbolicTensor;
  return tf.model({ inputs: x, outputs: [mu, logVar], name: 'face_vae_encoder' });
}

/**
 * The faces VAE decoder p(x | z), the generator f / g_θ: z [b, latentDim] → FC 4·4·128 →
 * convT 4×4 s2 128 → 64 → 32 (LeakyReLU 0.2) → convT 4×4 s2 → 3, sigmoid → unitImages
 * [b, 32, 32, 3] (Bernoulli means, as the MNIST VAE).
 */
export function buildFaceVaeDecoder(latentDim = FACE_VAE_LATENT_DIM): tf.LayersModel {
  const z = tf.input({ shape: [latentDim], name: 'dec_z' });
  let h = tf.layers.dense({ units: 4 * 4 * 128, name: 'dec_fc' }).apply(z) as tf.SymbolicTensor;
  h = tf.layers.leakyReLU({ alpha: 0.2, name: 'dec_fc_lrelu' }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.reshape({ targetShape: [4, 4, 128], name: 'dec_map' }).apply(h) as tf.SymbolicTensor;
  [64, 32].forEach((filters, i) => {
    h = tf.layers
      .conv2dTranspose({ filters, kernelSize: 4, strides: 2, padding: 'same', name: `dec_up${i + 1}` })
      .apply(h) as tf.SymbolicTensor;
    h = tf.layers.leakyReLU({ alpha: 0.2, name: `dec_lrelu${i + 1}` }).apply(h) as tf.SymbolicTensor;
  }); // [b, 16, 16, 32]
  const out = tf.layers
    .conv2dTranspose({
      filters: 3,
      kernelSize: 4,
      strides: 2,
      padding: 'same',
      activation: 'sigmoid',
      name: 'dec_out',
    })
    .apply(h) as tf.SymbolicTensor; // [b, 32, 32, 3]
  return tf.model({ inputs: z, outputs: out, name: 'face_vae_decoder' });
}
