import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { trainVae, vaeLosses } from '../../src/lib/train/vae';
import { buildVaeDecoder, buildVaeEncoder } from '../../src/lib/models/vae';
import { maxDiff, toyImages, weightValues } from './toy';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('vaeLosses', () => {
  it('is 0 KL at the prior and the Bernoulli NLL per image', async () => {
    const x = tf.tensor4d([1, 0, 1, 0], [1, 2, 2, 1]);
    const xHat = tf.fill([1, 2, 2, 1], 0.5);
    const zero = tf.zeros([1, 3]) as tf.Tensor2D;
    const { recon, kl } = vaeLosses(x, xHat, zero, zero);
    expect((await recon.data())[0]).toBeCloseTo(4 * Math.LN2, 5);
    expect((await kl.data())[0]).toBeCloseTo(0, 6);
    // μ = 1, log σ² = 0 in 3 dims: KL = ½ Σ μ² = 1.5.
    const one = tf.ones([1, 3]) as tf.Tensor2D;
    expect((await vaeLosses(x, xHat, one, zero).kl.data())[0]).toBeCloseTo(1.5, 5);
    tf.dispose([x, xHat, zero, one, recon, kl]);
  });
});

describe('trainVae', () => {
  it('lowers the loss on a toy set, changes both halves, leaks nothing after burn-in', async () => {
    const encoder = buildVaeEncoder(4);
    const decoder = buildVaeDecoder(4);
    const { images } = toyImages(32, false);
    const e0 = await weightValues(encoder);
    const d0 = await weightValues(decoder);
    const input = { encoder, decoder, images, count: 32 };
    await trainVae(input, { epochs: 1, batchSize: 8, seed: 1, maxSteps: 1 });
    const before = tf.memory().numTensors;
    const losses: number[] = [];
    const summary = await trainVae(input, {
      epochs: 6,
      batchSize: 8,
      seed: 1,
      progressEverySteps: 1,
      onProgress: (p) => losses.push(p.losses.loss),
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(summary.globalStep).toBe(24);
    expect(losses[losses.length - 1]).toBeLessThan(losses[0] * 0.5);
    expect(summary.losses.loss).toBeCloseTo(summary.losses.recon + summary.losses.kl, 3);
    expect(maxDiff(await weightValues(encoder), e0)).toBeGreaterThan(0);
    expect(maxDiff(await weightValues(decoder), d0)).toBeGreaterThan(0);
    encoder.dispose();
    decoder.dispose();
  });
});
