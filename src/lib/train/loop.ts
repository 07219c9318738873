import * as tf from '@tensorflow/tfjs';
import type { TrainCheckpoint } from './checkpoint';
import type { GradientSourceFactory } from './data-parallel';

/** What a training loop reports every few steps. */
export interface TrainProgress {
  /** 0-based epoch the last step belonged to. */
  epoch: number;
  epochs: number;
  /** Steps done in that epoch, 1 … stepsPerEpoch. */
  step: number;
  stepsPerEpoch: number;
  /** Steps done since the start of the run, resumed parts included. */
  globalStep: number;
  /** The losses of the last step, by name. */
  losses: Record<string, number>;
  /** Seconds of training so far, resumed parts included. */
  elapsed: number;
}

/** Called every `everySteps` steps and at the end, with a checkpoint to persist. */
export interface CheckpointHook {
  everySteps: number;
  save(checkpoint: TrainCheckpoint): Promise<void>;
}

/** The knobs every training loop here shares. */
export interface TrainLoopOptions {
  epochs: number;
  batchSize: number;
  /** Seeds the data order and the noise of each step. */
  seed: number;
  onProgress?: (progress: TrainProgress) => void;
  /** Read the losses back (a GPU sync) every this many steps; default 10. */
  progressEverySteps?: number;
  checkpoint?: CheckpointHook;
  /** Continue from this checkpoint: weights, optimizer state and step count. */
  resumeFrom?: TrainCheckpoint;
  /** Stop after this many steps in all (tests, benchmarks); the run counts as stopped. */
  maxSteps?: number;
  /**
   * Stop once this many seconds of training have passed, resumed parts included (a time budget
   * spread over several runs); the run counts as stopped.
   */
  maxSeconds?: number;
  signal?: AbortSignal;
  /**
   * Splits each batch over workers (the Node pool, src/cli/parallel/); without it every step
   * runs in this thread.
   */
  parallel?: GradientSourceFactory;
}

/** How a training run ended. */
export interface TrainSummary {
  globalStep: number;
  stepsPerEpoch: number;
  elapsedSeconds: number;
  /** Losses of the last step that was read back. */
  losses: Record<string, number>;
  /** True when it ended early (maxSteps or the abort signal), not after all epochs. */
  stopped: boolean;
}

/** A loss as a step reports it: a scalar the loop owns (read back every few steps), or a number. */
export type StepLoss = tf.Scalar | number;

/**
 * One step of a trainer: runs the optimizer(s) on batch `stepInEpoch` of `epoch` and returns
 * the step's losses, which the loop owns.
 */
export type TrainStep = (
  epoch: number,
  stepInEpoch: number,
  globalStep: number,
) => Record<string, StepLoss> | Promise<Record<string, StepLoss>>;

/**
 * Runs `trainStep` over `epochs × stepsPerEpoch` steps, starting after `resumeFrom` if given,
 * reporting progress and saving checkpoints through `capture`.
 */
export async function runTrainingLoop(
  options: TrainLoopOptions,
  stepsPerEpoch: number,
  trainStep: TrainStep,
  capture: (globalStep: number, elapsedSeconds: number) => Promise<TrainCheckpoint>,
): Promise<TrainSummary> {
  const { epochs, onProgress, checkpoint, resumeFrom, maxSteps, maxSeconds, signal } = options;
  const every = Math.max(1, options.progressEverySteps ?? 10);
  const total = epochs * stepsPerEpoch;
  const start = performance.now();
  const before = resumeFrom?.elapsedSeconds ?? 0;
  const elapsed = () => before + (performance.now() - start) / 1000;
  let globalStep = resumeFrom?.globalStep ?? 0;
  let losses: Record<string, number> = {};
  let lastSaved = globalStep;
  let done = 0;
  let stopped = false;
  while (globalStep < total) {
    const outOfTime = maxSeconds !== undefined && elapsed() >= maxSeconds;
    if (signal?.aborted === true || outOfTime || (maxSteps !== undefined && done >= maxSteps)) {
      stopped = true;
      break;
    }
    const epoch = Math.floor(globalStep / stepsPerEpoch);
    const stepInEpoch = globalStep % stepsPerEpoch;
    const scalars = await trainStep(epoch, stepInEpoch, globalStep);
    globalStep++;
    done++;
    const last = globalStep === total || (maxSteps !== undefined && done >= maxSteps);
    if (globalStep % every === 0 || last) {
      losses = await readLosses(scalars);
      onProgress?.({
        epoch,
        epochs,
        step: stepInEpoch + 1,
        stepsPerEpoch,
        globalStep,
        losses,
        elapsed: elapsed(),
      });
    }
    tf.dispose(Object.values(scalars).filter((v): v is tf.Scalar => typeof v !== 'number'));
    if (checkpoint !== undefined && (globalStep % checkpoint.everySteps === 0 || last)) {
      await checkpoint.save(await capture(globalStep, elapsed()));
      lastSaved = globalStep;
    }
  }
  if (checkpoint !== undefined && stopped && lastSaved !== globalStep) {
    await checkpoint.save(await capture(globalStep, elapsed()));
  }
  return { globalStep, stepsPerEpoch, elapsedSeconds: elapsed(), losses, stopped };
}

/** The values of a step's losses, read back. */
async function readLosses(losses: Record<string, StepLoss>): Promise<Record<string, number>> {
  const names = Object.keys(losses);
  const values = await Promise.all(
    names.map(async (n) => {
      const v = losses[n];
      return typeof v === 'number' ? v : (await v.data())[0];
    }),
  );
  return Object.fromEntries(names.map((n, i) => [n, values[i]]));
}

/**
 * A seeded permutation of 0 … count−1 (Fisher–Yates on a mulberry32 stream), the data order of
 * one epoch. Same (seed, epoch) → same order, so a run resumed mid-epoch sees the same batches.
 */
export function epochOrder(count: number, seed: number, epoch: number): Uint32Array {
  let state = (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(epoch + 1, 0xc2b2ae35)) >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order;
}

/**
 * `epochOrder(count, seed, ·)` computed once per epoch: the trainers ask for the order every
 * step, and shuffling 60,000 indices each time would cost more than the step's bookkeeping.
 */
export function epochOrders(count: number, seed: number): (epoch: number) => Uint32Array {
  let order = epochOrder(count, seed, 0);
  let orderEpoch = 0;
  return (epoch) => {
    if (epoch !== orderEpoch) {
      order = epochOrder(count, seed, epoch);
      orderEpoch = epoch;
    }
    return order;
  };
}

/** A 32-bit seed for the noise of step `globalStep` of a run seeded with `seed`. */
export function stepSeed(seed: number, globalStep: number, stream = 0): number {
  let h = Math.imul(seed + 0x7f4a7c15, 0x9e3779b1) ^ Math.imul(globalStep + 1, 0x85ebca77);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae3d) ^ Math.imul(stream + 1, 0x27d4eb2f);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Height, width and channels of one image of a data set; MNIST is [28, 28, 1]. */
export type ImageShape = readonly [height: number, width: number, channels: number];

export const MNIST_SHAPE: ImageShape = [28, 28, 1];

/**
 * The unitImages [size, h, w, c] of images `order[start … start+size−1]` from uint8 pixels
 * (n · h·w·c, 0…255, image after image in HWC order), divided by 255. Owned by the caller.
 */
export function unitImageBatch(
  pixels: Uint8Array,
  order: ArrayLike<number>,
  start: number,
  size: number,
  shape: ImageShape = MNIST_SHAPE,
): tf.Tensor4D {
  const n = Math.max(0, Math.min(size, order.length - start));
  const pixelsPerImage = shape[0] * shape[1] * shape[2];
  const data = new Float32Array(n * pixelsPerImage);
  for (let b = 0; b < n; b++) {
    const src = order[start + b] * pixelsPerImage;
    for (let p = 0; p < pixelsPerImage; p++) data[b * pixelsPerImage + p] = pixels[src + p] / 255;
  }
  return tf.tensor4d(data, [n, shape[0], shape[1], shape[2]]);
}
