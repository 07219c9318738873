import * as tf from '@tensorflow/tfjs';
import type { TrainCheckpoint } from './checkpoint';

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
  signal?: AbortSignal;
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

/**
 * One step of a trainer: runs the optimizer(s) on batch `stepInEpoch` of `epoch` and returns
 * the step's losses as scalars, which the loop owns.
 */
export type TrainStep = (
  epoch: number,
  stepInEpoch: number,
  globalStep: number,
) => Record<string, tf.Scalar>;

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
  const { epochs, onProgress, checkpoint, resumeFrom, maxSteps, signal } = options;
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
    if (signal?.aborted === true || (maxSteps !== undefined && done >= maxSteps)) {
      stopped = true;
      break;
    }
    const epoch = Math.floor(globalStep / stepsPerEpoch);
    const stepInEpoch = globalStep % stepsPerEpoch;
    const scalars = trainStep(epoch, stepInEpoch, globalStep);
    globalStep++;
    done++;
    const last = globalStep === total || (maxSteps !== undefined && done >= maxSteps);
    if (globalStep % every === 0 || last) {
      const names = Object.keys(scalars);
      const values = await Promise.all(names.map((n) => scalars[n].data()));
      losses = Object.fromEntries(names.map((n, i) => [n, values[i][0]]));
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
    tf.dispose(Object.values(scalars));
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

/**
 * The unitImages [size, 28, 28, 1] of images `order[start … start+size−1]` from MNIST-style
 * uint8 pixels (n · 784, 0…255), divided by 255. Owned by the caller.
 */
export function unitImageBatch(
  pixels: Uint8Array,
  order: ArrayLike<number>,
  start: number,
  size: number,
): tf.Tensor4D {
  const n = Math.min(size, order.length - start);
  const data = new Float32Array(n * 784);
  for (let b = 0; b < n; b++) {
    const src = order[start + b] * 784;
    for (let p = 0; p < 784; p++) data[b * 784 + p] = pixels[src + p] / 255;
  }
  return tf.tensor4d(data, [n, 28, 28, 1]);
}

/** `order[start … start+size−1]` as an array (labels of a batch are looked up through it). */
export function batchIndices(order: ArrayLike<number>, start: number, size: number): number[] {
  const out: number[] = [];
  for (let i = start; i < Math.min(order.length, start + size); i++) out.push(order[i]);
  return out;
}
