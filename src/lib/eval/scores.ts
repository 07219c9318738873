/**
 * The evaluation numbers as plain arithmetic on typed arrays, with no TF.js: IS_mnist, FID_mnist,
 * the digit histogram, the target feature ratio, accuracy. The page uses them without loading
 * TF.js; the engine and the CLI compute the classifier outputs they read.
 */
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

/** Mean and covariance of a feature set, as `gaussianStats` makes them. */
export type GaussianStats = GaussianStatsValue;

/** Pixels of one 28×28 MNIST image. */
export const MNIST_PIXELS = 784;

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
 * The Inception Score formula exp(E_x KL(p(y|x) ‖ p(y))) (Salimans et al. 2016) on a
 * classifier's softmax instead of Inception's, mean ± std over `splits` splits; from 1 to the
 * number of classes. IS_mnist on the mnist-classifier's digits, IS_faces on the faces
 * classifier's first head (hair style or head wear).
 */
export function inceptionScoreOf(
  outputs: ClassifierOutputs,
  count: number,
  splits = 10,
): { mean: number; std: number } {
  return inceptionScore(outputs.probs, count, outputs.classes, splits);
}

/** IS_mnist: {@link inceptionScoreOf} the mnist-classifier, from 1 to 10 (the digit classes). */
export function isMnist(
  outputs: ClassifierOutputs,
  count: number,
  splits = 10,
): { mean: number; std: number } {
  return inceptionScoreOf(outputs, count, splits);
}

/** Gaussian statistics of a classifier's penultimate features of `count` images. */
export function featureStats(outputs: ClassifierOutputs, count: number): GaussianStats {
  return gaussianStats(outputs.features, count, outputs.featureDim);
}

/**
 * The Fréchet distance (Heusel et al. 2017) between Gaussians fitted to a classifier's
 * penultimate features of the generated images and of a reference set: FID_mnist against the
 * MNIST test set, FID_faces against the held-out faces. 0 for identical statistics; lower is
 * better.
 */
export function frechetDistanceOf(
  outputs: ClassifierOutputs,
  count: number,
  reference: GaussianStats,
): number {
  return frechetDistance(featureStats(outputs, count), reference);
}

/** FID_mnist: {@link frechetDistanceOf} the mnist-classifier's features and the MNIST test set's. */
export function fidMnist(
  outputs: ClassifierOutputs,
  count: number,
  reference: GaussianStats,
): number {
  return frechetDistanceOf(outputs, count, reference);
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
  const out = new Uint8Array(count * MNIST_PIXELS);
  for (let i = 0; i < count; i++) {
    out.set(
      quantiseUnitImage(unitImages.subarray(i * MNIST_PIXELS, (i + 1) * MNIST_PIXELS)),
      i * MNIST_PIXELS,
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

/** Share of 1s among `labels`, in [0, 1] (0 for none): a target feature ratio from labels. */
export function shareOf(labels: ArrayLike<number | boolean>): number {
  let n = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i]) n++;
  return labels.length === 0 ? 0 : n / labels.length;
}
