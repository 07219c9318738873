/** What a model's training recipe and its result look like to `npm run train` (train.ts). */
import type * as tf from '@tensorflow/tfjs';
import type { JsonValue, ModelEntry } from '../lib/models/manifest';
import type { OutputRange } from '../lib/models/image-range';
import type { TrainLoopOptions, TrainSummary } from '../lib/train/loop';

/** The defaults that made a shipped model. */
export interface RunConfig {
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  checkpointEvery: number;
  /** A training-time budget in hours over resumed runs, when the run has one. */
  maxHours?: number;
}

/** What one model's training produced, for its manifest entry. */
export interface Trained {
  kind: ModelEntry['kind'];
  architecture: string;
  latentDim?: number;
  outputRange?: OutputRange;
  /** Models to save: '' is models/<id>/ itself, others go to models/<id>/<name>/. */
  models: Record<string, tf.LayersModel>;
  summary: TrainSummary;
  extraConfig: { [key: string]: JsonValue };
}

/** A training run of one model: its recipe and the loop options (progress, checkpoints, pool). */
export interface TrainingRun {
  id: string;
  config: RunConfig;
  loop: TrainLoopOptions;
}
