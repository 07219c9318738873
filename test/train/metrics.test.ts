import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  accuracy,
  classifierOutputs,
  digitHistogram,
  featureStats,
  fidMnist,
  generateUnitImages,
  generatorQuality,
  isMnist,
  quantiseUnitImages,
  targetFeatureRatio,
  type ClassifierOutputs,
} from '../../src/lib/train/metrics';
import { buildMnistClassifier } from '../../src/lib/models/classifier';
import { MORPHO_VERSION, type MorphoThresholds } from '../../src/lib/core/morpho/index';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Softmax rows that put probability ~1 on class `c[i]`. */
function confident(classesOf: number[], classes = 10): ClassifierOutputs {
  const probs = new Float32Array(classesOf.length * classes).fill(1e-6);
  classesOf.forEach((c, i) => (probs[i * classes + c] = 1 - 9e-6));
  return { probs, classes, features: new Float32Array(0), featureDim: 0 };
}

describe('accuracy and histograms', () => {
  it('reads argmax for several classes and the sign for one logit', () => {
    expect(accuracy(Float32Array.from([1, 3, 5, 2]), [1, 1], 2, 2)).toBe(0.5);
    expect(accuracy(Float32Array.from([-1, 2, 0.5]), [0, 1, 0], 3, 1)).toBeCloseTo(2 / 3, 12);
    expect(digitHistogram(confident([3, 3, 7, 0]), 4)).toEqual([1, 0, 0, 2, 0, 0, 0, 1, 0, 0]);
  });

  it('IS_mnist is about 10 for confident, balanced classes and 1 for a single class', () => {
    const balanced = Array.from({ length: 200 }, (_, i) => i % 10);
    expect(isMnist(confident(balanced), 200, 2).mean).toBeGreaterThan(9.9);
    expect(isMnist(confident(new Array<number>(200).fill(4)), 200, 2).mean).toBeCloseTo(1, 3);
  });
});

describe('targetFeatureRatio', () => {
  it('counts thick and left-slanted measures against the thresholds', () => {
    const t: MorphoThresholds = {
      version: MORPHO_VERSION,
      count: 1,
      thickness: { p90: 3 },
      slant: { p10: -0.3, p90: 0.3, absP90: 0.35 },
    };
    const m = (thickness: number, slant: number) => ({ area: 0, length: 0, thickness, slant });
    const measures = [m(2, 0), m(3.5, -0.5), m(4, 0.4), m(1, -0.31)];
    expect(targetFeatureRatio(measures, t, 'thickness')).toBe(0.5);
    expect(targetFeatureRatio(measures, t, 'slant')).toBe(0.5);
    expect(targetFeatureRatio(measures, t, 'slant', 'right')).toBe(0.25);
    expect(targetFeatureRatio([], t, 'thickness')).toBe(0);
  });
});

describe('generator and classifier wrappers', () => {
  // A "generator" that outputs z itself as a 28×28 image: z ∈ R^784.
  const identity = tf.sequential({
    layers: [tf.layers.reshape({ inputShape: [784], targetShape: [28, 28, 1] })],
  });

  it('generateUnitImages maps tanh outputs to [0, 1] in batches, and leaks nothing', async () => {
    const latents = new Float32Array(3 * 784);
    latents[0] = -1;
    latents[784] = 0;
    latents[2 * 784] = 2;
    await generateUnitImages(identity, latents, 3, 784, 'tanh', 2); // burn-in
    const before = tf.memory().numTensors;
    const unit = await generateUnitImages(identity, latents, 3, 784, 'tanh', 2);
    expect(tf.memory().numTensors).toBe(before);
    expect([unit[0], unit[784], unit[2 * 784], unit[1]]).toEqual([0, 0.5, 1, 0.5]);
    expect(Array.from(quantiseUnitImages(unit, 3).subarray(0, 2))).toEqual([0, 127]);
  });

  it('classifierOutputs gives probabilities and features; FID of a set against itself is ≈ 0', async () => {
    const classifier = buildMnistClassifier(3);
    const count = 300;
    const images = new Uint8Array(count * 784);
    let s = 1;
    for (let i = 0; i < images.length; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      images[i] = s >>> 24;
    }
    const out = await classifierOutputs(classifier, images, count, 128);
    expect([out.classes, out.featureDim]).toEqual([10, 128]);
    expect(out.probs.length).toBe(count * 10);
    const rowSum = out.probs.subarray(0, 10).reduce((a, b) => a + b, 0);
    expect(rowSum).toBeCloseTo(1, 5);
    const self = featureStats(out, count);
    expect(fidMnist(out, count, self)).toBeLessThan(1e-3);
    // The same images as floats in [0, 1] give the same outputs.
    const unit = Float32Array.from(images, (v) => v / 255);
    const again = await classifierOutputs(classifier, unit, count, 300);
    expect(fidMnist(again, count, self)).toBeLessThan(1e-3);
    // Other images are far: a blank set against random noise.
    const blank = await classifierOutputs(classifier, new Float32Array(20 * 784), 20);
    expect(fidMnist(blank, 20, self)).toBeGreaterThan(1e-3);
    classifier.dispose();
  });

  it('generatorQuality measures seeded samples reproducibly', async () => {
    const classifier = buildMnistClassifier(3);
    const generator = tf.sequential({
      layers: [
        tf.layers.dense({
          inputShape: [4],
          units: 784,
          activation: 'tanh',
          kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
        }),
        tf.layers.reshape({ targetShape: [28, 28, 1] }),
      ],
    });
    const reference = featureStats(
      await classifierOutputs(classifier, new Uint8Array(50 * 784), 50),
      50,
    );
    const options = { count: 40, seed: 5, latentDim: 4, range: 'tanh' as const, reference };
    const a = await generatorQuality(generator, classifier, options);
    const b = await generatorQuality(generator, classifier, options);
    expect(a.fidMnist).toBe(b.fidMnist);
    expect(a.histogram.reduce((x, y) => x + y, 0)).toBe(40);
    expect(a.isMnist.mean).toBeGreaterThanOrEqual(1);
    expect(a.unitImages.length).toBe(40 * 784);
    generator.dispose();
    classifier.dispose();
  });
});
