/**
 * The measurements `npm run train` makes of a finished model, over the shared library:
 * FID_mnist / IS_mnist / digit histogram / TFR of generators, accuracy / ROC-AUC of classifiers.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import {
  MORPHO_VERSION,
  parseMorphoThresholds,
  type MorphoMeasures,
  type MorphoThresholds,
} from '../lib/core/morpho/index';
import {
  classifierOutputs,
  featureStats,
  generatorQuality,
  targetFeatureRatio,
  quantiseUnitImages,
  type GaussianStats,
} from '../lib/train/metrics';
import type { OutputRange } from '../lib/models/image-range';
import { loadMnist } from './mnist';
import { measureMany, measureManyPacked, measuresAt } from './morpho-pool';
import { formatDuration } from './progress-bar';

/** Path of the shipped Morpho-MNIST thresholds. */
export const MORPHO_THRESHOLDS_PATH = 'models/morpho-mnist.json';

/** Reads and checks models/morpho-mnist.json (thresholds from the MNIST training set). */
export function loadMorphoThresholds(path = MORPHO_THRESHOLDS_PATH): MorphoThresholds {
  if (!existsSync(path)) {
    throw new Error(`${path} is missing: run npm run measure -- --thresholds first`);
  }
  return parseMorphoThresholds(JSON.parse(readFileSync(path, 'utf8')) as unknown);
}

/**
 * Morpho measures of every image of an MNIST split, cached in
 * .cache/morpho/mnist-<split>-<MORPHO_VERSION>.f64 (packed area, length, thickness, slant).
 */
export async function mnistSplitMeasures(
  split: 'train' | 'test',
  images: Uint8Array,
  count: number,
): Promise<MorphoMeasures[]> {
  const dir = join('.cache', 'morpho');
  const path = join(dir, `mnist-${split}-${MORPHO_VERSION}.f64`);
  let packed: Float64Array | null = null;
  if (existsSync(path)) {
    const bytes = readFileSync(path);
    if (bytes.byteLength === count * 4 * 8) {
      packed = new Float64Array(
        bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
      );
    }
  }
  if (packed === null) {
    console.error(`[morpho] measuring the ${count} ${split} images (cached afterwards in ${path})`);
    const start = performance.now();
    packed = await measureManyPacked(images, count);
    console.error(`[morpho] done in ${formatDuration((performance.now() - start) / 1000)}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path, new Uint8Array(packed.buffer, packed.byteOffset, packed.byteLength));
  }
  const measures = packed;
  return Array.from({ length: count }, (_, i) => measuresAt(measures, i));
}

/** The cached FID_mnist reference: feature statistics of the 10,000 MNIST test images. */
interface ReferenceStatsJson {
  /** SHA-256 of the classifier's weights.bin the statistics were computed with. */
  classifierSha256: string;
  count: number;
  dim: number;
  mean: number[];
  /** Row-major dim × dim. */
  cov: number[];
}

function statsToJson(
  stats: GaussianStats,
  classifierSha256: string,
  count: number,
  dim: number,
): ReferenceStatsJson {
  return { classifierSha256, count, dim, mean: Array.from(stats.mean), cov: Array.from(stats.cov) };
}

function statsFromJson(json: ReferenceStatsJson): GaussianStats {
  return {
    mean: Float64Array.from(json.mean),
    cov: Float64Array.from(json.cov),
  } as unknown as GaussianStats;
}

/**
 * The feature statistics of the MNIST test set under `classifier`: read from `path` when it was
 * made with the same classifier weights (`classifierSha256`), else computed and written there.
 */
export async function referenceStats(
  classifier: tf.LayersModel,
  classifierSha256: string,
  path: string,
): Promise<GaussianStats> {
  if (existsSync(path)) {
    const json = JSON.parse(readFileSync(path, 'utf8')) as ReferenceStatsJson;
    if (json.classifierSha256 === classifierSha256) return statsFromJson(json);
  }
  const test = await loadMnist('test');
  const outputs = await classifierOutputs(classifier, test.images, test.count);
  const stats = featureStats(outputs, test.count);
  writeFileSync(
    path,
    JSON.stringify(statsToJson(stats, classifierSha256, test.count, outputs.featureDim)),
  );
  return stats;
}

/** Morpho-MNIST measures of `count` uint8 images (n · 784), on the worker pool. */
export async function measureImages(pixels: Uint8Array, count: number): Promise<MorphoMeasures[]> {
  return measureMany(pixels, count);
}

/** What a generator is measured by after training. */
export interface GeneratorMetrics {
  fidMnist: number;
  isMnist: number;
  isMnistStd: number;
  /** Share of samples above the thickness threshold, in [0, 1]. */
  tfrThickness: number;
  /** Share of samples below the left-slant threshold (slant < p10), in [0, 1]. */
  tfrLeftSlant: number;
  digitHistogram: number[];
  samples: number;
  seed: number;
  evalSeconds: number;
}

/**
 * FID_mnist (vs the test set), IS_mnist, digit histogram and the TFR of thickness and left slant
 * of `count` samples z = sampleLatents(seed, count, latentDim).
 */
export async function measureGenerator(
  generator: tf.LayersModel,
  classifier: tf.LayersModel,
  reference: GaussianStats,
  options: {
    latentDim: number;
    range: OutputRange;
    count: number;
    seed: number;
    thresholds: MorphoThresholds;
  },
): Promise<GeneratorMetrics> {
  const start = performance.now();
  const { count, seed, thresholds } = options;
  const quality = await generatorQuality(generator, classifier, { ...options, reference });
  const measures = await measureImages(quantiseUnitImages(quality.unitImages, count), count);
  return {
    fidMnist: quality.fidMnist,
    isMnist: quality.isMnist.mean,
    isMnistStd: quality.isMnist.std,
    tfrThickness: targetFeatureRatio(measures, thresholds, 'thickness'),
    tfrLeftSlant: targetFeatureRatio(measures, thresholds, 'slant', 'left'),
    digitHistogram: quality.histogram,
    samples: count,
    seed,
    evalSeconds: (performance.now() - start) / 1000,
  };
}
