import * as tf from '@tensorflow/tfjs';
import { sampleLatents } from '../core/rng';
import { toUnitImages, type OutputRange } from '../models/image-range';
import {
  digitHistogram,
  fidMnist,
  isMnist,
  type ClassifierOutputs,
  type GaussianStats,
} from '../eval/scores';

// The pure numbers live in eval/scores (no TF.js, so the page can use them); they are re-exported
// here for the trainers and the CLI, which read them next to the functions that need TF.js.
export {
  accuracy,
  digitHistogram,
  featureStats,
  fidMnist,
  isMnist,
  MNIST_PIXELS as IMAGE_PIXELS,
  quantiseUnitImages,
  targetFeatureRatio,
  type ClassifierOutputs,
  type GaussianStats,
} from '../eval/scores';

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
 * The logit of a one-logit classifier (`[H, W, C] → [1]`, the first output when it has several)
 * for each of `count` unitImages of its input shape, in inference mode and in batches: [count].
 */
export async function oneLogitPerImage(
  classifier: tf.LayersModel,
  unitImages: Float32Array,
  count: number,
  batchSize = 250,
): Promise<Float32Array> {
  const [, h, w, c] = classifier.inputs[0].shape as number[];
  const size = imageSize(classifier.inputs[0].shape);
  if (unitImages.length !== count * size) {
    throw new Error(
      `The classifier reads ${h}×${w}×${c} images; got ${unitImages.length / Math.max(1, count)} values per image.`,
    );
  }
  const out = new Float32Array(count);
  for (let start = 0; start < count; start += batchSize) {
    const n = Math.min(batchSize, count - start);
    const logits = tf.tidy(() => {
      const x = tf.tensor4d(unitImages.subarray(start * size, (start + n) * size), [n, h, w, c]);
      const y = classifier.apply(x, { training: false }) as tf.Tensor | tf.Tensor[];
      const first = Array.isArray(y) ? y[0] : y;
      if (first.size !== n) {
        throw new Error('The classifier must give one logit per image (output [batch, 1]).');
      }
      return first.reshape([n]);
    });
    out.set((await logits.data()) as Float32Array, start);
    logits.dispose();
  }
  return out;
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
