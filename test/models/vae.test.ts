import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildVaeDecoder, buildVaeEncoder, VAE_LATENT_DIM } from '../../src/lib/models/vae';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('VAE', () => {
  it('encoder maps unitImages to μ and log σ² of the latent size', () => {
    const encoder = buildVaeEncoder();
    const [mu, logVar] = encoder.predict(tf.zeros([3, 28, 28, 1])) as tf.Tensor[];
    expect(mu.shape).toEqual([3, VAE_LATENT_DIM]);
    expect(logVar.shape).toEqual([3, VAE_LATENT_DIM]);
    tf.dispose([mu, logVar]);
    encoder.dispose();
  });

  it('decoder maps z to unitImages in [0, 1]', async () => {
    const decoder = buildVaeDecoder();
    const x = decoder.predict(tf.randomNormal([4, VAE_LATENT_DIM], 0, 3, 'float32', 1)) as tf.Tensor;
    expect(x.shape).toEqual([4, 28, 28, 1]);
    const data = await x.data();
    expect(Math.min(...data)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...data)).toBeLessThanOrEqual(1);
    x.dispose();
    decoder.dispose();
  });

  it('has three fully connected layers each way, with stable names', () => {
    const encoder = buildVaeEncoder();
    const decoder = buildVaeDecoder();
    const dense = (m: tf.LayersModel) =>
      m.layers.filter((l) => l.getClassName() === 'Dense').map((l) => l.name);
    expect(dense(encoder)).toEqual(['enc_fc1', 'enc_fc2', 'enc_mu', 'enc_logvar']);
    expect(dense(decoder)).toEqual(['dec_fc1', 'dec_fc2', 'dec_out']);
    expect(decoder.getLayer('dec_fc1').getWeights()[0].shape).toEqual([VAE_LATENT_DIM, 400]);
    expect(decoder.getLayer('dec_out').getWeights()[0].shape).toEqual([400, 784]);
    encoder.dispose();
    decoder.dispose();
  });
});
