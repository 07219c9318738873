import * as tf from '@tensorflow/tfjs';
import { frechetDistance, gaussianStats, type GaussianStatsValue } from '../core/fid';
import { inceptionScore } from '../core/inception-score';
import {
  hasFeature,
  quantiseUnitImage,
  type MorphoFeature,
  type MorphoMeasures,
  type MorphoThresholds,
  type SlantSide,
} from '../core/morpho/index';
import { sampleLatents } from '../core/rng';
import { toUnitImages, type OutputRange } from '../models/image-range';

/** Mean and covariance of a feature set, as `gaussianStats` makes them. */
export type GaussianStats = GaussianStatsValue;

/** Pixels of one 28×28 MNIST image. */
export const IMAGE_PIXELS = 784;

/** Values per image of a model's single image output or input `[batch, H, W, C]`: H·W·C. */
export function imageSize(shape: readonly (number | null)[]): number {
  const dims = shape.slice(1);
  if (shape.length !== 4 || dims.some((d) => d === null || !(d > 0))) {
    throw new Error(`Expected images [batch, H, W, C], got [${shape.join(', ')}].`);
  }
  return (dims as number[]).reduce((a, b) => a * b, 1);
}

/**
 * Runs `generator` on `count` latents (row-major [count, latentDim]) in inference mode, in
 * batches, and returns unitImages in [0, 1] with background 0: [count · H · W · C], image after
 * image, each row-major with its channels last.
 */
export async function generateUnitImages(
  generator: tf.LayersModel,
  latents: Float32Array,
  count: number,
  latentDim: number,
  range: OutputRange,
  batchSize = 500,
): Promise<Float32Array> {
  const size = imageSize(generator.outputs[0].shape);
  const out = new Float32Array(count * size);
  for (let start = 0; start < count; start += batchSize) {
    const n = Math.min(batchSize, count - start);
    const unit = tf.tidy(() => {
      const z = tf.tensor2d(latents.subarray(start * latentDim, (start + n) * latentDim), [
        n,
        latentDim,
      ]);
      return toUnitImages(generator.apply(z, { training: false }) as tf.Tensor, range);
    });
    out.set((await unit.data()) as Float32Array, start * size);
    unit.dispose();
  }
  return out;
}

/** The mnist-classifier's view of a set of images. */
export interface ClassifierOutputs {
  /** Softmax probabilities [count · classes]. */
  probs: Float32Array;
  classes: number;
  /** Penultimate features [count · featureDim]. */
  features: Float32Array;
  featureDim: number;
}

/**
 * Softmax probabilities and penultimate features of `count` unitImages ([count · H · W · C] of
 * the classifier's input shape, in [0, 1], or uint8 0…255 pixels, divided by 255 here) through a
 * two-output classifier (`[logits, features]`, the mnist-classifier), in inference mode and in
 * batches.
 */
export async function classifierOutputs(
  classifier: tf.LayersModel,
  images: Float32Array | Uint8Array,
  count: number,
  batchSize = 500,
): Promise<ClassifierOutputs> {
  const [, h, w, c] = classifier.inputs[0].shape as number[];
  const size = imageSize(classifier.inputs[0].shape);
  let probs = new Float32Array(0);
  let features = new Float32Array(0);
  let classes = 0;
  let featureDim = 0;
  for (let start = 0; start < count; start += batchSize) {
    const n = Math.min(batchSize, count - start);
    const slice = images.subarray(start * size, (start + n) * size);
    const [p, f] = tf.tidy(() => {
      const raw = tf.tensor4d(Float32Array.from(slice), [n, h, w, c]);
      const x = images instanceof Uint8Array ? raw.div(255) : raw; // [n, h, w, c] in [0, 1]
      const out = classifier.apply(x, { training: false }) as tf.Tensor | tf.Tensor[];
      if (!Array.isArray(out) || out.length < 2) {
        throw new Error('classifierOutputs needs a classifier with outputs [logits, features]');
      }
      return [tf.softmax(out[0] as tf.Tensor2D), out[1]] as [tf.Tensor2D, tf.Tensor2D];
    });
    if (start === 0) {
      classes = p.shape[1] ?? 0;
      featureDim = f.shape[1] ?? 0;
      probs = new Float32Array(count * classes);
      features = new Float32Array(count * featureDim);
    }
    probs.set((await p.data()) as Float32Array, start * classes);
    features.set((await f.data()) as Float32Array, start * featureDim);
    tf.dispose([p, f]);
  }
  return { probs, classes, features, featureDim };
}

/**
 * IS_mnist: the Inception Score formula exp(E_x KL(p(y|x) ‖ p(y))) (Salimans et al. 2016) on the
 * mnist-classifier's softmax instead of Inception's, mean ± std over `splits` splits.
 * Ranges from 1 to 10 (the number of digit classes).
 */
export function isMnist(
  outputs: ClassifierOutputs,
  count: number,
  splits = 10,
): { mean: number; std: number } {
  return inceptionScore(outputs.probs, count, outputs.classes, splits);
}

/** Gaussian statistics of the mnist-classifier features of `count` images. */
export function featureStats(outputs: ClassifierOutputs, count: number): GaussianStats {
  return gaussianStats(outputs.features, count, outputs.featureDim);
}

/**
 * FID_mnist: the Fréchet distance (Heusel et al. 2017) between Gaussians fitted to the
 * mnist-classifier's penultimate features of the generated images and of the reference set
 * (the MNIST test set). 0 for identical statistics; lower is better.
 */
export function fidMnist(
  outputs: ClassifierOutputs,
  count: number,
  reference: GaussianStats,
): number {
  return frechetDistance(featureStats(outputs, count), reference);
}

/** How many of the `count` images the classifier puts in each class (argmax of `probs`). */
export function digitHistogram(outputs: ClassifierOutputs, count: number): number[] {
  const { probs, classes } = outputs;
  const histogram = new Array<number>(classes).fill(0);
  for (let i = 0; i < count; i++) {
    let best = 0;
    for (let c = 1; c < classes; c++) {
      if (probs[i * classes + c] > probs[i * classes + best]) best = c;
    }
    histogram[best]++;
  }
  return histogram;
}

/**
 * unitImages [count · 784] in [0, 1] → uint8 pixels floor(255·x), per docs/method.md, Morpho step 1,
 * ready for `measureDigit`.
 */
export function quantiseUnitImages(unitImages: Float32Array, count: number): Uint8Array {
  const out = new Uint8Array(count * IMAGE_PIXELS);
  for (let i = 0; i < count; i++) {
    out.set(
      quantiseUnitImage(unitImages.subarray(i * IMAGE_PIXELS, (i + 1) * IMAGE_PIXELS)),
      i * IMAGE_PIXELS,
    );
  }
  return out;
}

/**
 * Target feature ratio (paper, § Evaluation Metric): the share, in [0, 1], of measured samples
 * that show `feature` (thickness above the training set's 90th percentile; slant beyond the
 * 10th / 90th percentile on `slantSide`).
 */
export function targetFeatureRatio(
  measures: readonly MorphoMeasures[],
  thresholds: MorphoThresholds,
  feature: MorphoFeature,
  slantSide: SlantSide = 'left',
): number {
  if (measures.length === 0) return 0;
  let shown = 0;
  for (const m of measures) if (hasFeature(m, thresholds, feature, slantSide)) shown++;
  return shown / measures.length;
}

/** Share of `count` rows whose argmax (or, with one column, logit > 0) equals the label. */
export function accuracy(
  logits: Float32Array,
  labels: ArrayLike<number>,
  count: number,
  classes: number,
): number {
  let right = 0;
  for (let i = 0; i < count; i++) {
    let predicted: number;
    if (classes === 1) {
      predicted = logits[i] > 0 ? 1 : 0;
    } else {
      predicted = 0;
      for (let c = 1; c < classes; c++)
        if (logits[i * classes + c] > logits[i * classes + predicted]) predicted = c;
    }
    if (predicted === labels[i]) right++;
  }
  return count === 0 ? 0 : right / count;
}

/** What {@link generatorQuality} measures. */
export interface GeneratorQuality {
  isMnist: { mean: number; std: number };
  fidMnist: number;
  /** Samples per digit class, as the mnist-classifier reads them. */
  histogram: number[];
  /** The samples themselves, unitImages [count · H · W · C], for Morpho or a grid. */
  unitImages: Float32Array;
}

/**
 * IS_mnist, FID_mnist (against `reference`, the test set's feature statistics) and the digit
 * histogram of `count` samples f(z), z = sampleLatents(seed, count, latentDim).
 */
export async function generatorQuality(
  generator: tf.LayersModel,
  classifier: tf.LayersModel,
  options: {
    count: number;
    seed: number;
    latentDim: number;
    range: OutputRange;
    reference: GaussianStats;
    batchSize?: number;
  },
): Promise<GeneratorQuality> {
  const { count, seed, latentDim, range, reference, batchSize } = options;
  const latents = sampleLatents(seed, count, latentDim);
  const unitImages = await generateUnitImages(
    generator,
    latents,
    count,
    latentDim,
    range,
    batchSize,
  );
  const outputs = await classifierOutputs(classifier, unitImages, count, batchSize);
  return {
    isMnist: isMnist(outputs, count),
    fidMnist: fidMnist(outputs, count, reference),
    histogram: digitHistogram(outputs, count),
    unitImages,
  };
}
