import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { discriminatorLoss, generatorLoss, trainGan } from '../../src/lib/train/gan';
import type { TrainCheckpoint } from '../../src/lib/train/checkpoint';
import { maxDiff, tinyDiscriminator, tinyGenerator, toyImages, weightValues } from './toy';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const LATENT = 8;
const { images } = toyImages(32);

describe('GAN losses', () => {
  it('are the non-saturating BCE terms', async () => {
    // logit 0 → BCE ln 2 for either label.
    const zero = tf.zeros([4, 1]);
    const d = discriminatorLoss(zero, zero);
    const g = generatorLoss(zero);
    expect((await d.data())[0]).toBeCloseTo(2 * Math.LN2, 5);
    expect((await g.data())[0]).toBeCloseTo(Math.LN2, 5);
    // A confident, correct discriminator has a small loss and leaves G a large one.
    const real = tf.fill([4, 1], 8);
    const fake = tf.fill([4, 1], -8);
    expect((await discriminatorLoss(real, fake).data())[0]).toBeLessThan(1e-3);
    expect((await generatorLoss(fake).data())[0]).toBeCloseTo(8, 2);
    tf.dispose([zero, d, g, real, fake]);
  });
});

describe('trainGan', () => {
  it('changes both models and leaks no tensors after a burn-in step', async () => {
    const generator = tinyGenerator(LATENT);
    const discriminator = tinyDiscriminator();
    const g0 = await weightValues(generator);
    const d0 = await weightValues(discriminator);
    const input = { generator, discriminator, images, count: 32, config: { latentDim: LATENT } };
    await trainGan(input, { epochs: 1, batchSize: 8, seed: 1, maxSteps: 1 });
    const before = tf.memory().numTensors;
    const summary = await trainGan(input, { epochs: 1, batchSize: 8, seed: 1, maxSteps: 2 });
    // Each call makes and disposes its own optimizers, so nothing new may remain.
    expect(tf.memory().numTensors).toBe(before);
    expect(summary.globalStep).toBe(2);
    expect(Object.keys(summary.losses).sort()).toEqual(['d', 'g']);
    expect(maxDiff(await weightValues(generator), g0)).toBeGreaterThan(0);
    expect(maxDiff(await weightValues(discriminator), d0)).toBeGreaterThan(0);
    generator.dispose();
    discriminator.dispose();
  });

  it('a step lowers the discriminator loss on a toy batch', async () => {
    const generator = tinyGenerator(LATENT);
    const discriminator = tinyDiscriminator();
    // The whole toy set is one batch; fake images are fixed samples of the initial generator.
    const [real, fake] = tf.tidy(() => [
      tf.tensor4d(images, [32, 28, 28, 1]).toFloat().div(127.5).sub(1),
      generator.predict(tf.randomNormal([32, LATENT], 0, 1, 'float32', 9)) as tf.Tensor,
    ]);
    const dLoss = async () => {
      const l = tf.tidy(() =>
        discriminatorLoss(
          discriminator.predict(real) as tf.Tensor,
          discriminator.predict(fake) as tf.Tensor,
        ),
      );
      const v = (await l.data())[0];
      l.dispose();
      return v;
    };
    const before = await dLoss();
    await trainGan(
      {
        generator,
        discriminator,
        images,
        count: 32,
        config: { latentDim: LATENT, learningRate: 1e-3 },
      },
      { epochs: 1, batchSize: 32, seed: 1 },
    );
    expect(await dLoss()).toBeLessThan(before - 1e-3);
    tf.dispose([real, fake]);
    generator.dispose();
    discriminator.dispose();
  });

  it('resumes from a checkpoint exactly where an uninterrupted run would be', async () => {
    const run = async (steps: number, resumeFrom?: TrainCheckpoint) => {
      const generator = tinyGenerator(LATENT);
      const discriminator = tinyDiscriminator();
      let saved: TrainCheckpoint | undefined;
      await trainGan(
        { generator, discriminator, images, count: 32, config: { latentDim: LATENT } },
        {
          epochs: 2,
          batchSize: 8,
          seed: 3,
          maxSteps: steps,
          resumeFrom,
          checkpoint: { everySteps: 1000, save: async (c) => void (saved = c) },
        },
      );
      const w = [await weightValues(generator), await weightValues(discriminator)];
      generator.dispose();
      discriminator.dispose();
      return { w, saved };
    };
    const whole = await run(6); // crosses the epoch boundary at step 4
    const first = await run(3);
    expect(first.saved?.globalStep).toBe(3);
    const resumed = await run(3, first.saved);
    expect(maxDiff(resumed.w[0], whole.w[0])).toBeLessThan(1e-6);
    expect(maxDiff(resumed.w[1], whole.w[1])).toBeLessThan(1e-6);
  });
});
