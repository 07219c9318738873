/**
 * The paper's oracle: the original generator fine-tuned on the MNIST training images that do
 * NOT show the feature (paper: 50 epochs on MNIST; here as many as the CPU budget allows). The
 * DCGAN is fine-tuned as it was trained: with its discriminator and a moving average of the
 * generator's weights, and the average is what is scored.
 */
import { join } from 'node:path';
import { hasFeature } from '../lib/core/morpho/index';
import { sampleLatents } from '../lib/core/rng';
import { trainGan } from '../lib/train/gan';
import { trainVae } from '../lib/train/vae';
import { generateUnitImages } from '../lib/train/metrics';
import { cloneModel } from '../lib/models/clone';
import { DCGAN_EMA_DECAY } from '../lib/models/dcgan';
import { loadMnist } from './mnist';
import { loadModelFromDir } from './model-files';
import { mnistSplitMeasures } from './model-metrics';
import { formatDuration, progressBar } from './progress-bar';
import { loadCheckpointDir, saveCheckpointDir } from './checkpoint-files';
import type { TrainCheckpoint } from '../lib/train/checkpoint';
import { weightsSha256, type JsonValue, type ModelEntry } from '../lib/models/manifest';
import type { TrainLoopOptions } from '../lib/train/loop';
import type { GradientSourceFactory } from '../lib/train/data-parallel';
import {
  modelEntry,
  scoreSamples,
  seedStream,
  type EvalContext,
  type Feature,
  type GeneratorId,
  type SampleScores,
} from './unlearn-row';

export interface OracleResult extends SampleScores {
  epochs: number;
  /** Optimisation steps actually taken (a step cap may end the last epoch early). */
  steps: number;
  trainImages: number;
  removedImages: number;
  trainSeconds: number;
}

/** Training images without the feature, n · 784 uint8, and how many were removed. */
async function negativeTrainingImages(
  feature: Feature,
  ctx: EvalContext,
): Promise<{ images: Uint8Array; count: number; removed: number }> {
  const train = await loadMnist('train');
  const measures = await mnistSplitMeasures('train', train.images, train.count);
  const keep: number[] = [];
  measures.forEach((m, i) => {
    if (!hasFeature(m, ctx.thresholds, feature, 'left')) keep.push(i);
  });
  return {
    images: selectRows(train.images, 784, keep),
    count: keep.length,
    removed: train.count - keep.length,
  };
}

/** Rows `keep` of `images` (rows of `rowBytes` bytes, one after another), in that order. */
export function selectRows(
  images: Uint8Array,
  rowBytes: number,
  keep: readonly number[],
): Uint8Array {
  const out = new Uint8Array(keep.length * rowBytes);
  keep.forEach((src, dst) =>
    out.set(images.subarray(src * rowBytes, (src + 1) * rowBytes), dst * rowBytes),
  );
  return out;
}

/**
 * Fine-tunes `model` without the feature's training images for `epochs` epochs, then scores it
 * on the same evaluation latents a row with `seed` uses (unlearn-row.ts, stream 3).
 */
export async function oracle(
  model: GeneratorId,
  feature: Feature,
  options: {
    epochs: number;
    maxSteps?: number;
    seed: number;
    evalSamples: number;
    parallel?: GradientSourceFactory;
    /**
     * Where to keep a checkpoint (every {@link ORACLE_CHECKPOINT_EVERY} steps and at the end):
     * an interrupted run resumes from it, and a later run with more epochs continues it.
     */
    checkpointDir?: string;
  },
  ctx: EvalContext,
): Promise<OracleResult> {
  const entry = modelEntry(model);
  const latentDim = entry.latentDim ?? 0;
  const data = await negativeTrainingImages(feature, ctx);
  const dir = join('models', model);
  const generator = await loadModelFromDir(dir);
  const partner = await loadModelFromDir(
    join(dir, model === 'dcgan-mnist' ? 'discriminator' : 'encoder'),
  );
  const isGan = model === 'dcgan-mnist';
  const generatorAverage = isGan ? await cloneModel(generator) : undefined;
  const batchSize = isGan ? 64 : 128;
  const stepsPerEpoch = Math.floor(data.count / batchSize);
  const { resumeFrom, checkpoint } = oracleCheckpointing(
    options.checkpointDir,
    oracleRecipe(entry, feature, options.seed, batchSize),
    options.epochs * stepsPerEpoch,
  );
  const loop = {
    epochs: options.epochs,
    batchSize,
    seed: options.seed,
    // maxSteps counts this run's steps; a resumed run has done some already.
    maxSteps:
      options.maxSteps === undefined
        ? undefined
        : Math.max(0, options.maxSteps - (resumeFrom?.globalStep ?? 0)),
    parallel: options.parallel,
    onProgress: progressBar(`oracle ${model} ${feature}`),
    resumeFrom,
    checkpoint,
  };
  const summary = isGan
    ? await trainGan(
        {
          generator,
          discriminator: partner,
          generatorAverage,
          images: data.images,
          count: data.count,
          config: { latentDim, emaDecay: DCGAN_EMA_DECAY },
        },
        loop,
      )
    : await trainVae(
        { encoder: partner, decoder: generator, images: data.images, count: data.count },
        loop,
      );
  const trainSeconds = summary.elapsedSeconds;
  const latents = sampleLatents(seedStream(options.seed, 3), options.evalSamples, latentDim);
  const scored = generatorAverage ?? generator;
  const images = await generateUnitImages(
    scored,
    latents,
    options.evalSamples,
    latentDim,
    entry.outputRange ?? 'unit',
  );
  const { labels: _labels, ...scores } = await scoreSamples(images, options.evalSamples, ctx, {
    feature,
    slantSide: 'left',
  });
  generator.dispose();
  generatorAverage?.dispose();
  partner.dispose();
  return {
    ...scores,
    epochs: options.epochs,
    steps: summary.globalStep,
    trainImages: data.count,
    removedImages: data.removed,
    trainSeconds,
  };
}

/** Oracle checkpoints are written this often (steps); a DCGAN step takes ~0.5 s on a CPU. */
export const ORACLE_CHECKPOINT_EVERY = 200;

/** What an oracle's checkpoint must match to be resumed: the model's weights, feature, seed, batch. */
export function oracleRecipe(
  entry: ModelEntry,
  feature: string,
  seed: number,
  batchSize: number,
): { [key: string]: JsonValue } {
  return {
    model: entry.id,
    feature,
    seed,
    batchSize,
    weightsSha256: weightsSha256(entry) ?? null,
  };
}

/**
 * An oracle's loop options for checkpoints in `dir` (none without one): where to resume, and
 * the hook that saves every {@link ORACLE_CHECKPOINT_EVERY} steps and at the end.
 */
export function oracleCheckpointing(
  dir: string | undefined,
  recipe: { [key: string]: JsonValue },
  totalSteps: number,
): Pick<TrainLoopOptions, 'resumeFrom' | 'checkpoint'> {
  if (dir === undefined) return {};
  const label = `${String(recipe.model)} ${String(recipe.feature)}`;
  return {
    resumeFrom: oracleResumePoint(dir, recipe, totalSteps, label),
    checkpoint: {
      everySteps: ORACLE_CHECKPOINT_EVERY,
      save: async (c: TrainCheckpoint) => saveCheckpointDir(dir, c, recipe),
    },
  };
}

/**
 * The checkpoint in `dir` when it was made for the same recipe (model weights, feature, seed,
 * batch) and is not past `totalSteps`; otherwise undefined, and the run starts from the model.
 */
export function oracleResumePoint(
  dir: string,
  recipe: { [key: string]: JsonValue },
  totalSteps: number,
  label: string,
): TrainCheckpoint | undefined {
  const saved = loadCheckpointDir(dir);
  if (saved === null) return undefined;
  const differs = Object.keys(recipe).find((k) => saved.config[k] !== recipe[k]);
  if (differs !== undefined) {
    console.error(
      `[oracle ${label}] the checkpoint in ${dir} has another ${differs}: starting over`,
    );
    return undefined;
  }
  if (saved.checkpoint.globalStep > totalSteps) {
    console.error(
      `[oracle ${label}] the checkpoint in ${dir} is at step ${saved.checkpoint.globalStep}, past ` +
        `the ${totalSteps} steps asked for: starting over`,
    );
    return undefined;
  }
  console.error(
    `[oracle ${label}] resuming at step ${saved.checkpoint.globalStep} ` +
      `(${formatDuration(saved.checkpoint.elapsedSeconds)} trained)`,
  );
  return saved.checkpoint;
}
