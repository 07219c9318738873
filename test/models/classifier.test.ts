import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildFeatureClassifier,
  buildMnistClassifier,
  classifierLogits,
  MNIST_FEATURE_DIM,
} from '../../src/lib/models/classifier';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('mnist-classifier', () => {
  it('outputs logits [b, 10] and penultimate features [b, 128]', () => {
    const model = buildMnistClassifier();
    const [logits, features] = model.predict(tf.zeros([2, 28, 28, 1])) as tf.Tensor[];
    expect(logits.shape).toEqual([2, 10]);
    expect(features.shape).toEqual([2, MNIST_FEATURE_DIM]);
    tf.dispose([logits, features]);
    model.dispose();
  });

  it('keeps its layer names', () => {
    const model = buildMnistClassifier();
    expect(model.layers.map((l) => l.name)).toEqual([
      'input',
      'conv1',
      'pool1',
      'conv2',
      'pool2',
      'flat',
      'features',
      'dropout',
      'logits',
    ]);
    model.dispose();
  });

  it('classifierLogits takes the first output and leaks nothing', () => {
    const model = buildMnistClassifier();
    const x = tf.ones([2, 28, 28, 1]);
    classifierLogits(model, x).dispose(); // burn-in
    const before = tf.memory().numTensors;
    const logits = classifierLogits(model, x);
    expect(logits.shape).toEqual([2, 10]);
    logits.dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    model.dispose();
  });
});

describe('feature classifiers', () => {
  it('output one logit per image', () => {
    const model = buildFeatureClassifier(1);
    const y = model.predict(tf.zeros([3, 28, 28, 1])) as tf.Tensor;
    expect(y.shape).toEqual([3, 1]);
    y.dispose();
    model.dispose();
  });

  it('differ by seed, and the same seed gives the same weights', async () => {
    const a = buildFeatureClassifier(1);
    const a2 = buildFeatureClassifier(1);
    const b = buildFeatureClassifier(2);
    const w = async (m: tf.LayersModel) => m.getLayer('conv2').getWeights()[0].data();
    expect(Array.from(await w(a))).toEqual(Array.from(await w(a2)));
    expect(Array.from(await w(a))).not.toEqual(Array.from(await w(b)));
    expect(a.layers.map((l) => l.name)).toEqual(['conv1', 'pool1', 'conv2', 'pool2', 'flat', 'fc', 'logit']);
    [a, a2, b].forEach((m) => m.dispose());
  });
});
