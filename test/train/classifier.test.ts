import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { classifierLoss, predictLogits, trainClassifier } from '../../src/lib/train/classifier';
import { buildFeatureClassifier, buildMnistClassifier } from '../../src/lib/models/classifier';
import { maxDiff, tinyClassifier, toyImages, weightValues } from './toy';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('classifierLoss', () => {
  it('is ln(classes) for uniform logits and weights binary positives', async () => {
    const digits = classifierLoss('digits', tf.zeros([2, 10]), tf.tensor1d([3, 7], 'int32'));
    expect((await digits.data())[0]).toBeCloseTo(Math.log(10), 5);
    // Labels [1, 0] at logit 0: each term ln 2; weights [3, 1] → mean of (3 ln2, ln2) over weights.
    const binary = classifierLoss('binary', tf.zeros([2, 1]), tf.tensor1d([1, 0], 'int32'), 3);
    const plain = classifierLoss('binary', tf.zeros([2, 1]), tf.tensor1d([1, 0], 'int32'), 1);
    expect((await plain.data())[0]).toBeCloseTo(Math.LN2, 5);
    expect((await binary.data())[0]).toBeGreaterThan(0);
    tf.dispose([digits, binary, plain]);
  });
});

describe('trainClassifier', () => {
  it('learns a separable toy task and leaks nothing after burn-in', async () => {
    const model = tinyClassifier(2);
    const { images, labels } = toyImages(64);
    const w0 = await weightValues(model);
    const input = { model, task: 'digits' as const, images, labels, count: 64 };
    await trainClassifier(input, { epochs: 1, batchSize: 16, seed: 1, maxSteps: 1 });
    const before = tf.memory().numTensors;
    const losses: number[] = [];
    await trainClassifier(input, {
      epochs: 3,
      batchSize: 16,
      seed: 1,
      progressEverySteps: 1,
      onProgress: (p) => losses.push(p.losses.loss),
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(losses[losses.length - 1]).toBeLessThan(losses[0]);
    expect(maxDiff(await weightValues(model), w0)).toBeGreaterThan(0);
    const { logits, classes } = await predictLogits(model, images, 64, 20);
    expect(classes).toBe(2);
    let right = 0;
    for (let i = 0; i < 64; i++)
      if ((logits[2 * i + 1] > logits[2 * i] ? 1 : 0) === labels[i]) right++;
    expect(right).toBe(64);
    model.dispose();
  });

  it('trains the real classifiers for a step (mnist two-output, binary feature)', async () => {
    const { images, labels } = toyImages(8);
    for (const [model, task] of [
      [buildMnistClassifier(), 'digits'],
      [buildFeatureClassifier(1), 'binary'],
    ] as const) {
      const w0 = await weightValues(model);
      const s = await trainClassifier(
        { model, task, images, labels, count: 8 },
        { epochs: 1, batchSize: 4, seed: 1, maxSteps: 1 },
      );
      expect(Number.isFinite(s.losses.loss)).toBe(true);
      expect(maxDiff(await weightValues(model), w0)).toBeGreaterThan(0);
      model.dispose();
    }
  });
});
