import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { toUnitImages, unitToTanhImages } from '../../src/lib/models/image-range';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('toUnitImages', () => {
  it('maps tanh outputs by (x + 1) / 2 and clips', async () => {
    const x = tf.tensor1d([-1, 0, 1, -1.5, 1.5]);
    const unit = toUnitImages(x, 'tanh');
    expect(Array.from(await unit.data())).toEqual([0, 0.5, 1, 0, 1]);
    tf.dispose([x, unit]);
  });

  it('clips unit outputs without moving them', async () => {
    const x = tf.tensor1d([-0.25, 0.25, 1.25]);
    const unit = toUnitImages(x, 'unit');
    expect(Array.from(await unit.data())).toEqual([0, 0.25, 1]);
    tf.dispose([x, unit]);
  });

  it('inverts unitToTanhImages on [0, 1] and leaks nothing', async () => {
    const x = tf.tensor1d([0, 0.25, 1]);
    const before = tf.memory().numTensors;
    const tanh = unitToTanhImages(x);
    expect(Array.from(await tanh.data())).toEqual([-1, -0.5, 1]);
    const back = toUnitImages(tanh, 'tanh');
    expect(Array.from(await back.data())).toEqual([0, 0.25, 1]);
    tf.dispose([tanh, back]);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});
