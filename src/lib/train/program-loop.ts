import * as tf from '@tensorflow/tfjs';
import { captureCheckpoint, restoreCheckpoint } from './checkpoint';
import {
  dataParallelStep,
  InProcessSource,
  type BatchPlan,
  type GradientSource,
  type ProgramSpec,
  type ShardProgram,
  type TrainData,
} from './data-parallel';
import {
  epochOrders,
  runTrainingLoop,
  stepSeed,
  type TrainLoopOptions,
  type TrainSummary,
} from './loop';
import { sampleLatents } from '../core/rng';

/** A trainer as the loop drives it: its program, optimizers, batches and checkpoint contents. */
export interface ProgramRun {
  program: ShardProgram;
  /** How a worker rebuilds `program` (with the data set below). */
  spec: ProgramSpec;
  data: TrainData | null;
  /** One optimizer per phase of the program. */
  optimizers: Readonly<Record<string, tf.Optimizer>>;
  /** What a checkpoint holds besides the optimizers (e.g. an EMA copy of the generator). */
  checkpointModels: Readonly<Record<string, tf.LayersModel>>;
  stepsPerEpoch: number;
  /** The batch of a step. */
  plan(epoch: number, stepInEpoch: number, globalStep: number): BatchPlan;
  /** Runs after every optimisation step, in this thread (e.g. the EMA update). */
  afterStep?(): void;
}

/**
 * Trains `run.program` for `options.epochs`: each step's gradients come from this thread or,
 * with `options.parallel`, from shards on workers; the optimizers step here. Restores
 * `options.resumeFrom` first, checkpoints on `options.checkpoint`'s cadence, and disposes the
 * optimizers and the workers at the end.
 */
export async function trainWithProgram(
  run: ProgramRun,
  options: TrainLoopOptions,
): Promise<TrainSummary> {
  const { program, optimizers, checkpointModels, stepsPerEpoch } = run;
  let source: GradientSource | null = null;
  try {
    if (options.resumeFrom !== undefined) {
      await restoreCheckpoint(options.resumeFrom, { ...checkpointModels }, { ...optimizers });
    }
    source =
      options.parallel !== undefined
        ? await options.parallel(program, run.spec, run.data)
        : new InProcessSource(program);
    const active = source;
    return await runTrainingLoop(
      options,
      stepsPerEpoch,
      async (epoch, stepInEpoch, globalStep) => {
        const losses = await dataParallelStep(
          program,
          active,
          optimizers,
          run.plan(epoch, stepInEpoch, globalStep),
        );
        run.afterStep?.();
        return losses;
      },
      (globalStep, elapsed) =>
        captureCheckpoint(
          globalStep,
          stepsPerEpoch,
          elapsed,
          { ...checkpointModels },
          { ...optimizers },
        ),
    );
  } finally {
    await source?.dispose();
    for (const optimizer of Object.values(optimizers)) optimizer.dispose();
  }
}

/**
 * The batches of a trainer that walks a data set of `count` rows in a seeded shuffle per epoch
 * (`epochOrder`), with `noiseDim` standard normal numbers per row (PCG32, seeded per step; 0 for
 * none): batch `stepInEpoch` of `epoch` is rows [stepInEpoch · batch, (stepInEpoch + 1) · batch).
 */
export function shuffledBatches(
  count: number,
  seed: number,
  batchSize: number,
  noiseDim: number,
): ProgramRun['plan'] {
  const orderOf = epochOrders(count, seed);
  return (epoch, stepInEpoch, globalStep) => {
    const start = stepInEpoch * batchSize;
    return {
      step: globalStep,
      size: batchSize,
      rows: Int32Array.from(orderOf(epoch).subarray(start, start + batchSize)),
      noise:
        noiseDim > 0
          ? sampleLatents(stepSeed(seed, globalStep), batchSize, noiseDim)
          : new Float32Array(0),
      noiseDim,
    };
  };
}
