import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  perImageL1,
  unlearningLoss,
  type LossTerms,
  type UnlearningLosses,
} from '../../src/lib/core/losses';

const ALL: LossTerms = { recon: true, unlearn: true, percep: true };
const C1 = 0.01 ** 2;
/** Weight of the coarsest MS-SSIM scale after renormalisation. */
const W3 = 0.3001 / (0.0448 + 0.2856 + 0.3001);

function constantImages(values: number[]): tf.Tensor4D {
  return tf.tidy(() =>
    tf.concat(values.map((v) => tf.fill([1, 28, 28, 1], v) as tf.Tensor4D)),
  ) as tf.Tensor4D;
}

async function read(losses: UnlearningLosses): Promise<Record<keyof UnlearningLosses, number>> {
  const out = {
    total: (await losses.total.data())[0],
    recon: (await losses.recon.data())[0],
    unlearn: (await losses.unlearn.data())[0],
    percep: (await losses.percep.data())[0],
  };
  tf.dispose([losses.total, losses.recon, losses.unlearn, losses.percep]);
  return out;
}

// Two images: g(z) = 0.5 everywhere; f(z) = 0.3 (L1 0.2); f(ẑ) = 0.9 (L1 0.4). sim = [1, 0].
// recon = mean(0·0.2, 1·0.2) = 0.1; unlearn = mean(1·0.4, 0) = 0.2;
// percep = mean(1 − MS-SSIM(0.5, 0.9), 0) with MS-SSIM of constants = l^w₃ (cs = 1 everywhere).
const L = (2 * 0.5 * 0.9 + C1) / (0.25 + 0.81 + C1);
const PERCEP = (1 - L ** W3) / 2;

let student: tf.Tensor4D;
let original: tf.Tensor4D;
let target: tf.Tensor4D;
let sim: tf.Tensor1D;

beforeAll(async () => {
  await tf.setBackend('cpu');
  student = constantImages([0.5, 0.5]);
  original = constantImages([0.3, 0.3]);
  target = constantImages([0.9, 0.9]);
  sim = tf.tensor1d([1, 0]);
});

afterAll(() => tf.dispose([student, original, target, sim]));

describe('perImageL1', () => {
  it('is the mean absolute pixel difference of each image', async () => {
    const a = tf.tensor4d([0, 1, 0.5, 0.25, 1, 1, 1, 1], [2, 2, 2, 1]);
    const b = tf.tensor4d([1, 1, 0, 0.25, 0, 0, 0, 0], [2, 2, 2, 1]);
    const l1 = perImageL1(a, b);
    expect(Array.from(await l1.data())).toEqual([0.375, 1]);
    tf.dispose([a, b, l1]);
  });
});

describe('unlearningLoss (Eqs. 2–5)', () => {
  it('matches the hand computation', async () => {
    const v = await read(
      unlearningLoss({ student, original, target, sim }, { alpha: 3, terms: ALL }),
    );
    expect(v.recon).toBeCloseTo(0.1, 5);
    expect(v.unlearn).toBeCloseTo(0.2, 5);
    expect(v.percep).toBeCloseTo(PERCEP, 4);
    expect(v.total).toBeCloseTo(3 * (0.2 + PERCEP) + 0.1, 4);
  });

  it('turns each term off with its switch', async () => {
    const only = async (terms: LossTerms) =>
      read(unlearningLoss({ student, original, target, sim }, { alpha: 3, terms }));
    const noRecon = await only({ recon: false, unlearn: true, percep: true });
    expect(noRecon.recon).toBe(0);
    expect(noRecon.total).toBeCloseTo(3 * (0.2 + PERCEP), 4);
    const noUnlearn = await only({ recon: true, unlearn: false, percep: true });
    expect(noUnlearn.unlearn).toBe(0);
    expect(noUnlearn.total).toBeCloseTo(3 * PERCEP + 0.1, 4);
    const noPercep = await only({ recon: true, unlearn: true, percep: false });
    expect(noPercep.percep).toBe(0);
    expect(noPercep.total).toBeCloseTo(3 * 0.2 + 0.1, 5);
  });

  it('scales only the unlearning terms with alpha', async () => {
    const inputs = { student, original, target, sim };
    const a1 = await read(unlearningLoss(inputs, { alpha: 1, terms: ALL }));
    const a5 = await read(unlearningLoss(inputs, { alpha: 5, terms: ALL }));
    expect(a5.recon).toBeCloseTo(a1.recon, 6);
    expect(a5.total - a5.recon).toBeCloseTo(5 * (a1.total - a1.recon), 5);
  });

  it('is the reconstruction loss alone when no latent is flagged', async () => {
    const none = tf.tensor1d([0, 0]);
    const v = await read(
      unlearningLoss({ student, original, target, sim: none }, { alpha: 3, terms: ALL }),
    );
    expect(v.unlearn).toBe(0);
    expect(v.percep).toBe(0);
    expect(v.recon).toBeCloseTo(0.2, 5);
    expect(v.total).toBeCloseTo(0.2, 5);
    none.dispose();
  });

  it('has no perceptual loss when the student already outputs the target', async () => {
    const all = tf.tensor1d([1, 1]);
    const v = await read(
      unlearningLoss({ student: target, original, target, sim: all }, { alpha: 3, terms: ALL }),
    );
    expect(v.percep).toBeCloseTo(0, 5);
    expect(v.unlearn).toBe(0);
    all.dispose();
  });

  it('sends gradients to the student, and only through the flagged terms', async () => {
    // Digit-like student images so every term has a gradient.
    const g = tf.tidy(() =>
      tf.clipByValue(tf.randomUniform([2, 28, 28, 1], -0.5, 1.5, 'float32', 9), 0, 1),
    );
    const loss = (s: tf.Tensor) =>
      unlearningLoss({ student: s as tf.Tensor4D, original, target, sim }, { alpha: 3, terms: ALL })
        .total;
    const grad = tf.grad(loss)(g);
    const values = await grad.data();
    expect(values.every(Number.isFinite)).toBe(true);
    let first = 0;
    let second = 0;
    for (let i = 0; i < 784; i++) first += Math.abs(values[i]);
    for (let i = 784; i < 1568; i++) second += Math.abs(values[i]);
    expect(first).toBeGreaterThan(0);
    expect(second).toBeGreaterThan(0);

    // With recon off, the unflagged second image gets no gradient.
    const noRecon = tf.grad(
      (s: tf.Tensor) =>
        unlearningLoss(
          { student: s as tf.Tensor4D, original, target, sim },
          { alpha: 3, terms: { recon: false, unlearn: true, percep: true } },
        ).total,
    )(g);
    const nr = await noRecon.data();
    expect(nr.subarray(784).every((v) => v === 0)).toBe(true);
    tf.dispose([g, grad, noRecon]);
  });

  it('refuses bad alpha and mismatched shapes', () => {
    expect(() =>
      unlearningLoss({ student, original, target, sim }, { alpha: 0, terms: ALL }),
    ).toThrow(/alpha/);
    const one = tf.tensor1d([1]);
    expect(() =>
      unlearningLoss({ student, original, target, sim: one }, { alpha: 3, terms: ALL }),
    ).toThrow(/sim/);
    one.dispose();
  });

  it('leaks no tensors, forward or backward', () => {
    const run = () => {
      const l = unlearningLoss({ student, original, target, sim }, { alpha: 3, terms: ALL });
      tf.dispose([l.total, l.recon, l.unlearn, l.percep]);
      tf.grad(
        (s: tf.Tensor) =>
          unlearningLoss(
            { student: s as tf.Tensor4D, original, target, sim },
            { alpha: 3, terms: ALL },
          ).total,
      )(student).dispose();
    };
    run();
    const before = tf.memory().numTensors;
    run();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('L1 subgradient', () => {
  it('is 0 where g(z) = f(z) exactly, as in PyTorch, so an untouched student gets no push', () => {
    const g = tf.grad((x: tf.Tensor) => perImageL1(x as tf.Tensor4D, tf.zeros([1, 2, 2, 1])).sum());
    const grad = g(tf.tensor4d([0, 1, -1, 0], [1, 2, 2, 1]));
    expect(Array.from(grad.dataSync())).toEqual([0, 0.25, -0.25, 0]);
  });
});
