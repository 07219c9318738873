import * as tf from '@tensorflow/tfjs';
import {
  MNIST_SHAPE,
  unitImageBatch,
  type ImageShape,
  type TrainLoopOptions,
  type TrainSummary,
} from './loop';
import {
  trainableVariables,
  type BatchPlan,
  type ShardGradients,
  type ShardProgram,
  type TrainData,
} from './data-parallel';
import { shuffledBatches, trainWithProgram } from './program-loop';
import { classifierLogits } from '../models/classifier';

/**
 * `digits`: 10-way softmax on class labels 0…9; `binary`: one logit, labels 0/1; `heads`: one
 * softmax per factor, the model's outputs `[head 0, features, head 1, …]`, H labels per image.
 */
export type ClassifierTask = 'digits' | 'binary' | 'heads';

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
  /** unitImages [batch, h, w, c] → logits (first output when there are several). Trained in place. */
  model: tf.LayersModel;
  task: ClassifierTask;
  /** n · h·w·c uint8 (HWC), image after image. */
  images: Uint8Array;
  /** Default MNIST's [28, 28, 1]. */
  shape?: ImageShape;
  /** n labels: digits 0…9, or 0/1 for `binary`; n × H class indices, row-major, for `heads`. */
  labels: Uint8Array;
  count: number;
  config?: Partial<ClassifierTrainConfig>;
}

/**
 * The classification loss of a batch, a mean over it: softmax cross-entropy against one-hot
 * digits, or (binary) sigmoid cross-entropy with positives weighted by `positiveWeight`. The sum
 * over the rows is divided by `batch`: the whole batch's size when the rows are one shard of it.
 *
 * @param logits [rows, 10] or [rows, 1]; @param labels [rows] int32.
 */
export function classifierLoss(
  task: ClassifierTask,
  logits: tf.Tensor,
  labels: tf.Tensor1D,
  positiveWeight = 1,
  batch = logits.shape[0],
): tf.Scalar {
  return tf.tidy(() => {
    const sum = tf.Reduction.SUM;
    if (task === 'digits') {
      const onehot = tf.oneHot(labels, logits.shape[1] ?? 10);
      return tf.losses.softmaxCrossEntropy(onehot, logits, undefined, 0, sum).div(batch);
    }
    const y = labels.toFloat().reshape([-1, 1]); // [rows, 1]
    const weights = y.mul(positiveWeight - 1).add(1);
    return tf.losses.sigmoidCrossEntropy(y, logits, weights, 0, sum).div(batch);
  });
}

/**
 * The loss of a multi-head classifier: the sum over heads of each head's softmax cross-entropy
 * (Σ over the rows, divided by `batch`).
 *
 * @param outputs the model's outputs `[head 0, features, head 1, …]`; @param labels [rows, H].
 */
export function headsLoss(outputs: tf.Tensor[], labels: tf.Tensor2D, batch: number): tf.Scalar {
  return tf.tidy(() => {
    const heads = [outputs[0], ...outputs.slice(2)];
    const columns = tf.unstack(labels, 1) as tf.Tensor1D[];
    if (columns.length !== heads.length) {
      throw new Error(`${columns.length} labels per image for ${heads.length} heads`);
    }
    const terms = heads.map((logits, h) =>
      tf.losses.softmaxCrossEntropy(
        tf.oneHot(columns[h], logits.shape[1] ?? 1),
        logits,
        undefined,
        0,
        tf.Reduction.SUM,
      ),
    );
    return tf.addN(terms).div(batch) as tf.Scalar;
  });
}

/** A classifier step as a data-parallel program, one phase `classifier`. Loss: `loss`. */
export class ClassifierProgram implements ShardProgram {
  readonly phases = ['classifier'] as const;
  readonly models: Readonly<Record<string, tf.LayersModel>>;
  private readonly vars: tf.Variable[];

  constructor(
    private readonly model: tf.LayersModel,
    private readonly data: TrainData,
    private readonly task: ClassifierTask,
    private readonly positiveWeight: number,
  ) {
    this.models = { classifier: model };
    this.vars = trainableVariables(model);
  }

  variables(): tf.Variable[] {
    return this.vars;
  }

  gradients(_phase: string, shard: BatchPlan): ShardGradients {
    const { images, labels, shape } = this.data;
    if (labels === null) throw new Error('A classifier needs labels.');
    const n = shard.rows.length;
    const x = unitImageBatch(images, shard.rows, 0, n, shape);
    const perImage = labels.length / this.data.count;
    const y =
      this.task === 'heads'
        ? tf.tensor2d(headLabels(labels, shard.rows, perImage), [n, perImage], 'int32')
        : tf.tensor1d(
            Int32Array.from(shard.rows, (i) => labels[i]),
            'int32',
          );
    const { value, grads } = tf.variableGrads(
      () =>
        this.task === 'heads'
          ? headsLoss(
              this.model.apply(x, { training: true }) as tf.Tensor[],
              y as tf.Tensor2D,
              shard.size,
            )
          : classifierLoss(
              this.task,
              classifierLogits(this.model, x, true),
              y as tf.Tensor1D,
              this.positiveWeight,
              shard.size,
            ),
      this.vars,
    );
    tf.dispose([x, y]);
    return { grads: this.vars.map((v) => grads[v.name]), losses: { loss: value } };
  }

  endStep(): void {}
}

/** The `perImage` labels of each of `rows`, [rows × perImage] row-major. */
function headLabels(labels: Uint8Array, rows: Int32Array, perImage: number): Int32Array {
  const out = new Int32Array(rows.length * perImage);
  rows.forEach((row, r) => {
    for (let h = 0; h < perImage; h++) out[r * perImage + h] = labels[row * perImage + h];
  });
  return out;
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
  const data: TrainData = { images, labels, count, shape: input.shape ?? MNIST_SHAPE };
  return trainWithProgram(
    {
      program: new ClassifierProgram(model, data, task, config.positiveWeight),
      spec: { kind: 'classifier', config: { task, positiveWeight: config.positiveWeight } },
      data,
      optimizers: { classifier: tf.train.adam(config.learningRate) },
      checkpointModels: { classifier: model },
      stepsPerEpoch: Math.floor(count / batchSize),
      plan: shuffledBatches(count, seed, batchSize, 0),
    },
    options,
  );
}

/**
 * The logits of `count` uint8 images (n · h·w·c, HWC) in batches, in inference mode:
 * [count · classes] row-major (classes = 10 for digits, 1 for a feature classifier).
 */
export async function predictLogits(
  model: tf.LayersModel,
  images: Uint8Array,
  count: number,
  batchSize = 500,
  shape: ImageShape = MNIST_SHAPE,
): Promise<{ logits: Float32Array; classes: number }> {
  const identity = new Uint32Array(count).map((_, i) => i);
  let out: Float32Array | null = null;
  let classes = 0;
  for (let start = 0; start < count; start += batchSize) {
    const logits = tf.tidy(() =>
      classifierLogits(model, unitImageBatch(images, identity, start, batchSize, shape), false),
    );
    const data = (await logits.data()) as Float32Array;
    classes = logits.shape[1] ?? 1;
    logits.dispose();
    out ??= new Float32Array(count * classes);
    out.set(data, start * classes);
  }
  return { logits: out ?? new Float32Array(0), classes };
}
