import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { captureCheckpoint, restoreCheckpoint } from '../../src/lib/train/checkpoint';
import { maxDiff, tinyClassifier, weightValues } from './toy';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function adamStep(model: tf.LayersModel, optimizer: tf.Optimizer, x: tf.Tensor): void {
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  tf.tidy(() => {
    optimizer.minimize(
      () => (model.apply(x) as tf.Tensor).square().mean() as tf.Scalar,
      false,
      vars,
    );
  });
}

describe('checkpoint capture / restore', () => {
  it('round-trips weights and Adam state: resumed training equals uninterrupted training', async () => {
    const x = tf.randomNormal([4, 28, 28, 1], 0, 1, 'float32', 5);
    const a = tinyClassifier(2, 7);
    const optA = tf.train.adam(0.01);
    adamStep(a, optA, x);
    adamStep(a, optA, x);
    const ckpt = await captureCheckpoint(2, 10, 1.5, { m: a }, { m: optA });
    adamStep(a, optA, x);
    const uninterrupted = await weightValues(a);

    const b = tinyClassifier(2, 99); // different initial weights
    const optB = tf.train.adam(0.01);
    await restoreCheckpoint(ckpt, { m: b }, { m: optB });
    expect(maxDiff(await weightValues(b), await weightValues(a))).toBeGreaterThan(0);
    adamStep(b, optB, x);
    expect(maxDiff(await weightValues(b), uninterrupted)).toBeLessThan(1e-6);

    // Without the optimizer state the third step differs (Adam's moments matter).
    const c = tinyClassifier(2, 99);
    const optC = tf.train.adam(0.01);
    await restoreCheckpoint({ ...ckpt, optimizers: {} }, { m: c }, {});
    adamStep(c, optC, x);
    expect(maxDiff(await weightValues(c), uninterrupted)).toBeGreaterThan(1e-4);

    expect(ckpt).toMatchObject({ globalStep: 2, stepsPerEpoch: 10, elapsedSeconds: 1.5 });
    [optA, optB, optC].forEach((o) => o.dispose());
    [a, b, c].forEach((m) => m.dispose());
    x.dispose();
  });

  it('refuses a checkpoint of another architecture', async () => {
    const a = tinyClassifier(2);
    const b = tinyClassifier(3);
    const ckpt = await captureCheckpoint(0, 1, 0, { m: a }, {});
    await expect(restoreCheckpoint(ckpt, { m: b }, {})).rejects.toThrow(/shape/);
    await expect(restoreCheckpoint(ckpt, { other: a }, {})).rejects.toThrow(/no model/);
    a.dispose();
    b.dispose();
  });
});
