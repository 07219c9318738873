import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initNodeBackend } from '../../src/cli/tf-backend';
import { workerPool } from '../../src/cli/parallel/pool';
import {
  exportGenerator,
  phaseDiscriminator,
  phaseGenerator,
  ProgGanLayers,
  type ProgGanConfig,
} from '../../src/lib/models/proggan';
import { setFadeAlpha } from '../../src/lib/models/layers/index';
import {
  fadeAlpha,
  phaseOf,
  phaseRealImages,
  trainProgGan,
  type ProgGanPhase,
} from '../../src/lib/train/proggan';
import { modelFromBytes, modelToBytes } from '../../src/lib/models/bytes';
import { sampleLatents } from '../../src/lib/core/rng';
import type { TrainCheckpoint } from '../../src/lib/train/checkpoint';

const TINY: ProgGanConfig = { latentDim: 8, channels: [8, 8, 4], imageChannels: 3, seed: 3 };
const SCHEDULE: ProgGanPhase[] = [
  { k: 0, fading: false, images: 16 },
  { k: 1, fading: true, images: 16 },
  { k: 1, fading: false, images: 16 },
  { k: 2, fading: true, images: 16 },
  { k: 2, fading: false, images: Infinity },
];

/** 32 random-ish 16×16 RGB images. */
function images(): Uint8Array {
  return Uint8Array.from({ length: 32 * 16 * 16 * 3 }, (_, i) => (i * 37 + (i >> 5) * 11) % 256);
}

beforeAll(async () => {
  await initNodeBackend('wasm');
});

describe('ProgGAN models', () => {
  it('grow from 4×4: each phase’s G makes its side, D takes it', () => {
    const layers = new ProgGanLayers(TINY);
    const z = tf.tensor2d(sampleLatents(1, 4, 8), [4, 8]);
    for (const [k, side] of [
      [0, 4],
      [1, 8],
      [2, 16],
    ]) {
      for (const fading of k === 0 ? [false] : [true, false]) {
        const g = phaseGenerator(layers.generator, TINY, k, fading, `g${k}${fading}`);
        const d = phaseDiscriminator(layers.discriminator, TINY, k, fading, `d${k}${fading}`);
        setFadeAlpha([g, d], 0.5);
        const out = tf.tidy(() => {
          const x = g.apply(z) as tf.Tensor;
          return [x, d.apply(x) as tf.Tensor];
        });
        expect(out[0].shape).toEqual([4, side, side, 3]);
        expect(out[1].shape).toEqual([4, 1]);
        tf.dispose(out);
      }
    }
    z.dispose();
  });

  it('fades in: at α 0 the new resolution draws the old one upsampled, at α 1 only the new one', async () => {
    const layers = new ProgGanLayers(TINY);
    const z = tf.tensor2d(sampleLatents(2, 3, 8), [3, 8]);
    const old = phaseGenerator(layers.generator, TINY, 0, false, 'old');
    const fade = phaseGenerator(layers.generator, TINY, 1, true, 'fade');
    const stable = phaseGenerator(layers.generator, TINY, 1, false, 'stable');
    setFadeAlpha([fade], 0);
    const [a, b] = tf.tidy(() => [
      tf.image.resizeNearestNeighbor(old.apply(z) as tf.Tensor4D, [8, 8]),
      fade.apply(z) as tf.Tensor,
    ]);
    expect(Math.max(...(await a.sub(b).abs().data()))).toBeLessThan(1e-6);
    setFadeAlpha([fade], 1);
    const [c, d] = tf.tidy(() => [stable.apply(z) as tf.Tensor, fade.apply(z) as tf.Tensor]);
    expect(Math.max(...(await c.sub(d).abs().data()))).toBeLessThan(1e-6);
    tf.dispose([a, b, c, d, z]);
  });

  it('exports the final generator as stock layers that draw the same images', async () => {
    const layers = new ProgGanLayers(TINY);
    const trained = phaseGenerator(layers.average, TINY, 2, false, 'final');
    const stock = exportGenerator(layers.average, TINY);
    expect(stock.layers.map((l) => l.getClassName())).not.toContain('EqualizedConv2D');
    expect(stock.layers.map((l) => l.getClassName())).not.toContain('FadeIn');
    // It survives a save and load as model.json + weights.
    const bytes = await modelToBytes(stock);
    const loaded = await modelFromBytes(bytes.modelJson, bytes.weights);
    const z = tf.tensor2d(sampleLatents(4, 5, 8), [5, 8]);
    const [a, b] = tf.tidy(() => [trained.apply(z) as tf.Tensor, loaded.apply(z) as tf.Tensor]);
    expect(Math.max(...(await a.sub(b).abs().data()))).toBeLessThan(1e-5);
    tf.dispose([a, b, z]);
    stock.dispose();
    loaded.dispose();
  });
});

describe('the ProgGAN schedule', () => {
  it('finds each step’s phase and α', () => {
    expect(phaseOf(SCHEDULE, 8, 0)).toEqual({ index: 0, start: 0, steps: 2 });
    expect(phaseOf(SCHEDULE, 8, 2)).toEqual({ index: 1, start: 2, steps: 2 });
    expect(phaseOf(SCHEDULE, 8, 100).index).toBe(4);
    expect(fadeAlpha(true, 2, 2, 2)).toBe(0.5);
    expect(fadeAlpha(true, 2, 2, 3)).toBe(1);
    expect(fadeAlpha(false, 2, 2, 2)).toBe(1);
  });

  it('shows D real images at the phase’s side, faded from their half-size copy', async () => {
    const x = tf.tensor4d(
      Float32Array.from({ length: 2 * 4 * 4 * 1 }, (_, i) => i % 3),
      [2, 4, 4, 1],
    );
    const half = phaseRealImages(x, 2, 1);
    expect(half.shape).toEqual([2, 2, 2, 1]);
    const coarse = phaseRealImages(x, 4, 0); // α 0: the 2×2 average, upsampled
    const expected = tf.image.resizeNearestNeighbor(tf.avgPool(x, 2, 2, 'valid'), [4, 4]);
    expect(Math.max(...(await coarse.sub(expected).abs().data()))).toBeLessThan(1e-6);
    tf.dispose([x, half, coarse, expected]);
  });
});

describe('trainProgGan', { timeout: 180_000 }, () => {
  it('trains through every phase on 2 workers and resumes from a checkpoint mid-schedule', async () => {
    const layers = new ProgGanLayers(TINY);
    const saved: TrainCheckpoint[] = [];
    const options = {
      epochs: 3,
      batchSize: 8,
      seed: 1,
      progressEverySteps: 1,
      parallel: workerPool({ workers: 2, backend: 'wasm' }),
      checkpoint: { everySteps: 3, save: async (c: TrainCheckpoint) => void saved.push(c) },
    };
    const data = { layers, images: images(), count: 32, schedule: SCHEDULE };
    const summary = await trainProgGan(data, options);
    expect(summary.globalStep).toBe(12); // 3 epochs of 4 steps: every phase, the last one longest
    expect(Number.isFinite(summary.losses.g) && Number.isFinite(summary.losses.d)).toBe(true);
    // Resuming from step 3 (in the 8 px fade) in one thread reaches a generator close to it.
    const again = new ProgGanLayers(TINY);
    const resumed = await trainProgGan(
      { ...data, layers: again },
      { ...options, parallel: undefined, checkpoint: undefined, resumeFrom: saved[0] },
    );
    expect(resumed.globalStep).toBe(12);
    const z = tf.tensor2d(sampleLatents(9, 4, 8), [4, 8]);
    const a = phaseGenerator(layers.average, TINY, 2, false, 'a');
    const b = phaseGenerator(again.average, TINY, 2, false, 'b');
    const [x, y] = tf.tidy(() => [a.apply(z) as tf.Tensor, b.apply(z) as tf.Tensor]);
    expect(Math.max(...(await x.sub(y).abs().data()))).toBeLessThan(1e-2);
    tf.dispose([x, y, z]);
  });
});
