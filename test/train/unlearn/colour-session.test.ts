import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveOptions } from '../../../src/lib/core/options';
import { sampleLatents } from '../../../src/lib/core/rng';
import { findTarget } from '../../../src/lib/train/unlearn/target';
import { UnlearningSession } from '../../../src/lib/train/unlearn/session';
import { generateUnitImages } from '../../../src/lib/train/metrics';

const DIM = 3;
const SIDE = 16;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** z [b, 3] → tanhImages [b, 16, 16, 3]: z₀ drives the red channel, the rest is texture. */
function colourGenerator(): tf.Sequential {
  const g = tf.sequential();
  g.add(
    tf.layers.dense({
      inputShape: [DIM],
      units: SIDE * SIDE * 3,
      activation: 'tanh',
      kernelInitializer: tf.initializers.randomNormal({ seed: 1, stddev: 0.5 }),
    }),
  );
  g.add(tf.layers.reshape({ targetShape: [SIDE, SIDE, 3] }));
  return g;
}

describe('an unlearning session on colour images', () => {
  it('generates, trains and previews [n · H · W · 3] images', async () => {
    const original = colourGenerator();
    const pool = sampleLatents(1, 40, DIM);
    const images = await generateUnitImages(original, pool, 40, DIM, 'tanh');
    expect(images.length).toBe(40 * SIDE * SIDE * 3);
    expect(images.every((v) => v >= 0 && v <= 1)).toBe(true);
    const tags = Uint8Array.from({ length: 40 }, (_, i) => (pool[i * DIM] > 0.5 ? 1 : 0));
    const options = resolveOptions({ batchSize: 8, steps: 3, learningRate: 1e-2 });
    const session = await UnlearningSession.create({
      original,
      outputRange: 'tanh',
      latentDim: DIM,
      target: findTarget(pool, DIM, tags, options),
      pool,
      previewLatents: sampleLatents(2, 4, DIM),
      options,
    });
    const summary = await session.run({ progressEvery: 1 });
    expect(summary.steps).toBe(3);
    expect(Number.isFinite(summary.losses?.total)).toBe(true);
    expect(summary.losses?.percep).toBeGreaterThanOrEqual(0);
    const preview = await session.preview();
    expect(preview.original.length).toBe(4 * SIDE * SIDE * 3);
    expect(preview.student.length).toBe(4 * SIDE * SIDE * 3);
    const targets = await session.compositeTargets(sampleLatents(3, 5, DIM));
    expect(targets.length).toBe(5 * SIDE * SIDE * 3);
    session.dispose();
  });
});
