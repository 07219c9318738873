import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  epochOrder,
  runTrainingLoop,
  stepSeed,
  unitImageBatch,
  type TrainProgress,
} from '../../src/lib/train/loop';
import type { TrainCheckpoint } from '../../src/lib/train/checkpoint';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const emptyCheckpoint = (globalStep: number, elapsedSeconds: number): TrainCheckpoint => ({
  globalStep,
  stepsPerEpoch: 3,
  elapsedSeconds,
  models: {},
  optimizers: {},
});

describe('epochOrder', () => {
  it('is a seeded permutation that changes with the epoch', () => {
    const a = epochOrder(100, 1, 0);
    expect(Array.from(a).sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(Array.from(epochOrder(100, 1, 0))).toEqual(Array.from(a));
    expect(Array.from(epochOrder(100, 1, 1))).not.toEqual(Array.from(a));
    expect(Array.from(epochOrder(100, 2, 0))).not.toEqual(Array.from(a));
    expect(stepSeed(1, 5)).not.toBe(stepSeed(1, 6));
  });
});

describe('unitImageBatch', () => {
  it('picks the ordered images and divides by 255', async () => {
    const pixels = new Uint8Array(3 * 784);
    pixels.fill(255, 784, 2 * 784); // image 1 white
    const x = unitImageBatch(pixels, [1, 0, 2], 0, 2);
    expect(x.shape).toEqual([2, 28, 28, 1]);
    const d = await x.data();
    expect(d[0]).toBe(1);
    expect(d[784]).toBe(0);
    x.dispose();
  });
});

describe('runTrainingLoop', () => {
  it('runs epochs × steps, reports progress and checkpoints on cadence', async () => {
    const seen: [number, number][] = [];
    const progress: TrainProgress[] = [];
    const saved: number[] = [];
    const summary = await runTrainingLoop(
      {
        epochs: 2,
        batchSize: 1,
        seed: 0,
        progressEverySteps: 2,
        onProgress: (p) => progress.push(p),
        checkpoint: { everySteps: 4, save: async (c) => void saved.push(c.globalStep) },
      },
      3,
      (epoch, step) => {
        seen.push([epoch, step]);
        return { loss: tf.scalar(epoch * 10 + step) };
      },
      async (g, e) => emptyCheckpoint(g, e),
    );
    expect(seen).toEqual([
      [0, 0],
      [0, 1],
      [0, 2],
      [1, 0],
      [1, 1],
      [1, 2],
    ]);
    expect(progress.map((p) => p.globalStep)).toEqual([2, 4, 6]);
    expect(progress[2]).toMatchObject({
      epoch: 1,
      step: 3,
      stepsPerEpoch: 3,
      losses: { loss: 12 },
    });
    expect(saved).toEqual([4, 6]);
    expect(summary).toMatchObject({ globalStep: 6, stopped: false, losses: { loss: 12 } });
  });

  it('resumes after the checkpoint step and stops at maxSteps with a checkpoint', async () => {
    const seen: number[] = [];
    const saved: number[] = [];
    const summary = await runTrainingLoop(
      {
        epochs: 3,
        batchSize: 1,
        seed: 0,
        resumeFrom: emptyCheckpoint(4, 100),
        maxSteps: 3,
        checkpoint: { everySteps: 100, save: async (c) => void saved.push(c.globalStep) },
      },
      3,
      (_e, _s, g) => {
        seen.push(g);
        return { loss: tf.scalar(0) };
      },
      async (g, e) => emptyCheckpoint(g, e),
    );
    expect(seen).toEqual([4, 5, 6]);
    expect(saved).toEqual([7]);
    expect(summary.stopped).toBe(true);
    expect(summary.elapsedSeconds).toBeGreaterThanOrEqual(100);
  });
});
