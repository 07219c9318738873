import * as tf from '@tensorflow/tfjs';
import { captureCheckpoint, restoreCheckpoint } from './checkpoint';
import {
  batchIndices,
  epochOrders,
  runTrainingLoop,
  unitImageBatch,
  type TrainLoopOptions,
  type TrainSummary,
} from './loop';
import { classifierLogits } from '../models/classifier';

/** `digits`: 10-way softmax on class labels 0…9; `binary`: one logit, labels 0/1. */
export type ClassifierTask = 'digits' | 'binary';

export interface ClassifierTrainConfig {
  learningRate: number;
  /**
   * Binary task: weight of the positive examples in the loss (positives are the rarer 10 %
   * for the Morpho features); 1 = plain cross-entropy.
   */
  positiveWeight: number;
}

export const DEFAULT_CLASSIFIER_CONFIG: ClassifierTrainConfig = {
  learningRate: 1e-3,
  positiveWeight: 1,
};

/** The data and model {@link trainClassifier} works on. */
export interface ClassifierTrainInput {
  /** unitImages [batch, 28, 28, 1] → logits (first output when there are several). Trained in place. */
  model: tf.LayersModel;
  task: ClassifierTask;
  /** n · 784 uint8 (MNIST layout). */
  images: Uint8Array;
  /** n labels: digits 0…9, or 0/1 for `binary`. */
  labels: Uint8Array;
  count: number;
  config?: Partial<ClassifierTrainConfig>;
}

/**
 * The classification loss of a batch, a mean over it: softmax cross-entropy against one-hot
 * digits, or (binary) sigmoid cross-entropy with positives weighted by `positiveWeight`.
 *
 * @param logits [batch, 10] or [batch, 1]; @param labels [batch] int32.
 */
export function classifierLoss(
  task: ClassifierTask,
  logits: tf.Tensor,
  labels: tf.Tensor1D,
  positiveWeight = 1,
): tf.Scalar {
  return tf.tidy(() => {
    if (task === 'digits') {
      return tf.losses.softmaxCrossEntropy(tf.oneHot(labels, logits.shape[1] ?? 10), logits);
    }
    const y = labels.toFloat().reshape([-1, 1]); // [batch, 1]
    const weights = y.mul(positiveWeight - 1).add(1);
    return tf.losses.sigmoidCrossEntropy(y, logits, weights);
  });
}

/**
 * Trains a classifier with Adam on shuffled mini-batches (seeded order; dropout active).
 * Loss reported: `loss`. Checkpoints hold model `classifier` and optimizer `classifier`.
 */
export async function trainClassifier(
  input: ClassifierTrainInput,
  options: TrainLoopOptions,
): Promise<TrainSummary> {
  const config = { ...DEFAULT_CLASSIFIER_CONFIG, ...input.config };
  const { model, task, images, labels, count } = input;
  const { batchSize, seed } = options;
  const optimizer = tf.train.adam(config.learningRate);
  const models = { classifier: model };
  const optimizers = { classifier: optimizer };
  try {
    if (options.resumeFrom !== undefined) {
      await restoreCheckpoint(options.resumeFrom, models, optimizers);
    }
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const stepsPerEpoch = Math.floor(count / batchSize);
    const orderOf = epochOrders(count, seed);
    return await runTrainingLoop(
      options,
      stepsPerEpoch,
      (epoch, stepInEpoch) => {
        const order = orderOf(epoch);
        const start = stepInEpoch * batchSize;
        const y = Int32Array.from(batchIndices(order, start, batchSize), (i) => labels[i]);
        return tf.tidy(() => {
          const x = unitImageBatch(images, order, start, batchSize);
          const yt = tf.tensor1d(y, 'int32');
          const loss = optimizer.minimize(
            () => classifierLoss(task, classifierLogits(model, x, true), yt, config.positiveWeight),
            true,
            vars,
          ) as tf.Scalar;
          return { loss };
        });
      },
      (globalStep, elapsed) =>
        captureCheckpoint(globalStep, stepsPerEpoch, elapsed, models, optimizers),
    );
  } finally {
    optimizer.dispose();
  }
}

/**
 * The logits of `count` uint8 images (n · 784, MNIST layout) in batches, in inference mode:
 * [count · classes] row-major (classes = 10 for digits, 1 for a feature classifier).
 */
export async function predictLogits(
  model: tf.LayersModel,
  images: Uint8Array,
  count: number,
  batchSize = 500,
): Promise<{ logits: Float32Array; classes: number }> {
  const identity = new Uint32Array(count).map((_, i) => i);
  let out: Float32Array | null = null;
  let classes = 0;
  for (let start = 0; start < count; start += batchSize) {
    const logits = tf.tidy(() =>
      classifierLogits(model, unitImageBatch(images, identity, start, batchSize), false),
    );
    const data = (await logits.data()) as Float32Array;
    classes = logits.shape[1] ?? 1;
    logits.dispose();
    out ??= new Float32Array(count * classes);
    out.set(data, start * classes);
  }
  return { logits: out ?? new Float32Array(0), classes };
}
