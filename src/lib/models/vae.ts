import * as tf from '@tensorflow/tfjs';

/**
 * Latent size of the MNIST VAE: z ∈ R^20, prior z ~ N(0, I). 20 is the size of the classic
 * MNIST VAE (Kingma & Welling's experiments, PyTorch's example); the paper does not give one.
 */
export const VAE_LATENT_DIM = 20;

/** Width of the hidden fully connected layers in encoder and decoder. */
export const VAE_HIDDEN = 400;

/**
 * The VAE encoder q(z | x), "three fully connected layers" (paper, § Experiments):
 * unitImages [batch, 28, 28, 1] → flatten 784 → FC 400, ReLU → FC 400, ReLU →
 * two heads, μ [batch, latentDim] and log σ² [batch, latentDim] (the third layer).
 * Layer names are fixed so saved weights load by name.
 */
export function buildVaeEncoder(latentDim = VAE_LATENT_DIM): tf.LayersModel {
  const x = tf.input({ shape: [28, 28, 1], name: 'enc_input' });
  const flat = tf.layers.flatten({ name: 'enc_flat' }).apply(x) as tf.SymbolicTensor; // [batch, 784]
  const h1 = tf.layers
    .dense({ units: VAE_HIDDEN, activation: 'relu', name: 'enc_fc1' })
    .apply(flat) as tf.SymbolicTensor; // [batch, 400]
  const h2 = tf.layers
    .dense({ units: VAE_HIDDEN, activation: 'relu', name: 'enc_fc2' })
    .apply(h1) as tf.SymbolicTensor; // [batch, 400]
  const mu = tf.layers.dense({ units: latentDim, name: 'enc_mu' }).apply(h2) as tf.SymbolicTensor; // [batch, latentDim]
  const logVar = tf.layers
    .dense({ units: latentDim, name: 'enc_logvar' })
    .apply(h2) as tf.SymbolicTensor; // [batch, latentDim]
  return tf.model({ inputs: x, outputs: [mu, logVar], name: 'vae_encoder' });
}

/**
 * The VAE decoder p(x | z), the generator f / g_θ used for unlearning:
 * z [batch, latentDim] → FC 400, ReLU → FC 400, ReLU → FC 784, sigmoid →
 * unitImages [batch, 28, 28, 1] in [0, 1] (Bernoulli means).
 */
export function buildVaeDecoder(latentDim = VAE_LATENT_DIM): tf.Sequential {
  const d = tf.sequential({ name: 'vae_decoder' });
  d.add(
    tf.layers.dense({ inputShape: [latentDim], units: VAE_HIDDEN, activation: 'relu', name: 'dec_fc1' }),
  );
  d.add(tf.layers.dense({ units: VAE_HIDDEN, activation: 'relu', name: 'dec_fc2' }));
  d.add(tf.layers.dense({ units: 28 * 28, activation: 'sigmoid', name: 'dec_out' })); // [batch, 784]
  d.add(tf.layers.reshape({ targetShape: [28, 28, 1], name: 'dec_image' })); // [batch, 28, 28, 1]
  return d;
}
