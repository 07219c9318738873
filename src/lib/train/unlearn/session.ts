import * as tf from '@tensorflow/tfjs';
import type { UnlearnOptions } from '../../core/options';
import { similarityMask, translateLatents } from '../../core/translate';
import { unlearningLoss } from '../../core/losses';
import { toUnitImages, type OutputRange } from '../../models/image-range';
import { epochOrders, stepSeed } from '../loop';
import { sampleLatents } from '../../core/rng';
import { streamSeed } from '../../core/seed-streams';
import {
  captureModelWeights,
  captureOptimizerState,
  restoreModelWeights,
  restoreOptimizerState,
  type WeightsBlob,
} from '../checkpoint';
import { NonFiniteLossError, SessionStateError } from './errors';
import { cloneModel } from '../../models/clone';
import { generateUnitImages, imageSize } from '../metrics';
import { namedGradients, type BatchPlan, type GradientSource } from '../data-parallel';

/** The one phase of an unlearning step, for a {@link GradientSource}: g_θ's update. */
export const UNLEARN_PHASE = 'student';

/** The target of Eq. 1: direction z_e and threshold t, as computed from the tagged latents. */
export interface LatentTarget {
  /** z_e, [latentDim]. */
  targetVector: Float32Array;
  /** t, on the scale of proj(z) = z_eᵀz / ‖z_e‖. */
  threshold: number;
}

export interface UnlearningSessionInit {
  /** The pre-trained generator f. The session takes ownership and disposes it. */
  original: tf.LayersModel;
  outputRange: OutputRange;
  latentDim: number;
  target: LatentTarget;
  /** The N collected latents, [N · latentDim] row-major: the training pool in `pool` mode. */
  pool: Float32Array;
  /** Fixed latents for the before/after preview, [P · latentDim]. */
  previewLatents: Float32Array;
  options: UnlearnOptions;
}

/** The losses of one step (Eqs. 2–5), batch means, and the share of the batch that sim flagged. */
export interface StepLosses {
  total: number;
  recon: number;
  unlearn: number;
  percep: number;
  flagged: number;
}

export interface UnlearnProgress {
  step: number;
  totalSteps: number;
  epoch: number;
  losses: StepLosses;
  stepsPerSecond: number;
  elapsedSeconds: number;
}

/** Everything needed to continue an unlearning run: student weights, Adam state, step. */
export interface UnlearnCheckpoint {
  step: number;
  elapsedSeconds: number;
  student: WeightsBlob;
  optimizer: WeightsBlob;
}

/** Steps of a full run: `options.steps`, else `epochs` passes over a pool of `poolSize` latents. */
export function plannedSteps(
  options: Pick<UnlearnOptions, 'steps' | 'epochs' | 'batchSize'>,
  poolSize: number,
): number {
  return options.steps ?? options.epochs * Math.ceil(poolSize / options.batchSize);
}

/** Pause, resume and stop a running `UnlearningSession.run` from outside (UI, signal handler). */
export class RunControl {
  private paused = false;
  private stopped = false;
  private wake: (() => void) | null = null;

  pause(): void {
    this.paused = true;
  }
  resume(): void {
    this.paused = false;
    this.wake?.();
    this.wake = null;
  }
  stop(): void {
    this.stopped = true;
    this.resume();
  }
  get isPaused(): boolean {
    return this.paused;
  }
  get isStopped(): boolean {
    return this.stopped;
  }
  /** Resolves at once while running; while paused, when resumed or stopped. */
  async gate(): Promise<void> {
    while (this.paused && !this.stopped) {
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }
}

export interface RunOptions {
  /** Stop after this many steps in all; default: options.epochs over the pool (or `steps`). */
  totalSteps?: number;
  /** Read the losses back (a GPU sync) and report every this many steps. */
  progressEvery?: number;
  onProgress?: (progress: UnlearnProgress) => void | Promise<void>;
  control?: RunControl;
}

export interface RunSummary {
  steps: number;
  stopped: boolean;
  elapsedSeconds: number;
  losses: StepLosses | null;
}

/**
 * One unlearning run (paper §Method, Eqs. 1–5): owns the frozen original f, the student g_θ
 * (initialised as a copy of f), its Adam optimizer, the target (z_e, t), the pool and the preview
 * latents, and disposes them all.
 */
export class UnlearningSession {
  readonly options: UnlearnOptions;
  readonly latentDim: number;
  readonly outputRange: OutputRange;
  readonly target: LatentTarget;
  private readonly original: tf.LayersModel;
  private readonly student: tf.LayersModel;
  private readonly optimizer: tf.AdamOptimizer;
  private readonly zE: tf.Tensor1D;
  private readonly poolZ: tf.Tensor2D;
  /** f(z), f(ẑ) and sim(z) of the pool latents, computed once (f is frozen). */
  private readonly poolOriginal: tf.Tensor4D;
  private readonly poolTarget: tf.Tensor4D;
  private readonly poolSim: tf.Tensor1D;
  private readonly previewZ: tf.Tensor2D;
  private readonly poolSize: number;
  /** The seeded shuffle of the pool for each epoch. */
  private readonly poolOrder: (epoch: number) => Uint32Array;
  /** g_θ's trainable variables, in a fixed order (Adam keys its moments by position). */
  private readonly studentVariables: tf.Variable[];
  private source: GradientSource | null = null;
  private stepCount = 0;
  private elapsed = 0;
  private running = false;
  private disposed = false;

  /** Starts a session: g_θ begins as an exact copy of f. */
  static async create(init: UnlearningSessionInit): Promise<UnlearningSession> {
    const student = await cloneModel(init.original);
    try {
      return new UnlearningSession(init, student);
    } catch (e) {
      student.dispose();
      throw e;
    }
  }

  /**
   * Starts a session on a student g_θ that already exists (with f's architecture), such as a
   * worker thread's copy whose weights come from elsewhere. Takes ownership of both models.
   */
  static withStudent(init: UnlearningSessionInit, student: tf.LayersModel): UnlearningSession {
    return new UnlearningSession(init, student);
  }

  private constructor(init: UnlearningSessionInit, student: tf.LayersModel) {
    const { options, latentDim } = init;
    if (init.target.targetVector.length !== latentDim) {
      throw new RangeError(
        `z_e has ${init.target.targetVector.length} entries, the generator's latent has ${latentDim}.`,
      );
    }
    if (init.pool.length % latentDim !== 0 || init.pool.length === 0) {
      throw new RangeError(`The pool holds ${init.pool.length} numbers, not N × ${latentDim}.`);
    }
    this.options = options;
    this.latentDim = latentDim;
    this.outputRange = init.outputRange;
    this.target = init.target;
    this.original = init.original;
    this.original.trainable = false;
    this.student = student;
    this.student.trainable = true;
    this.studentVariables = this.student.trainableWeights.map((w) => w.read() as tf.Variable);
    this.optimizer = tf.train.adam(options.learningRate);
    this.poolSize = init.pool.length / latentDim;
    this.poolOrder = epochOrders(this.poolSize, streamSeed(options.seed, 'shuffle'));
    this.zE = tf.tensor1d(init.target.targetVector);
    this.poolZ = tf.tensor2d(init.pool, [this.poolSize, latentDim]);
    this.previewZ = tf.tensor2d(init.previewLatents, [
      init.previewLatents.length / latentDim,
      latentDim,
    ]);
    const targets = this.targets(this.poolZ);
    this.poolOriginal = targets.original;
    this.poolTarget = targets.target;
    this.poolSim = targets.sim;
  }

  /** Steps in one epoch over the pool. */
  get stepsPerEpoch(): number {
    return Math.ceil(this.poolSize / this.options.batchSize);
  }

  /** Steps of a full run with these options. */
  get plannedSteps(): number {
    return plannedSteps(this.options, this.poolSize);
  }

  get step(): number {
    return this.stepCount;
  }

  /** f(z), f(ẑ) as unitImages and sim(z), for latents z [b, latentDim]. Owned by the caller. */
  private targets(z: tf.Tensor2D): {
    original: tf.Tensor4D;
    target: tf.Tensor4D;
    sim: tf.Tensor1D;
  } {
    return tf.tidy(() => {
      const { shift, margin } = this.options;
      const t = this.target.threshold;
      const zHat = translateLatents(z, this.zE, t, { shift, margin });
      return {
        original: this.render(this.original, z, false),
        target: this.render(this.original, zHat, false),
        sim: similarityMask(z, this.zE, t),
      };
    });
  }

  /** A generator's unitImages [b, H, W, C] for z [b, latentDim]. */
  private render(model: tf.LayersModel, z: tf.Tensor2D, training: boolean): tf.Tensor4D {
    const out = model.apply(z, { training }) as tf.Tensor;
    return toUnitImages(out, this.outputRange) as tf.Tensor4D;
  }

  /**
   * The batch of step `step` as plain data: pool rows in a seeded shuffled order (`rows`), or
   * fresh z ~ N(0, I) (`noise`).
   */
  planStep(step: number): BatchPlan {
    const { batchSize } = this.options;
    const seed = streamSeed(this.options.seed, 'shuffle');
    if (this.options.latents === 'fresh') {
      return {
        step,
        size: batchSize,
        rows: Int32Array.from({ length: batchSize }, (_, i) => i),
        noise: sampleLatents(stepSeed(seed, step), batchSize, this.latentDim),
        noiseDim: this.latentDim,
      };
    }
    const epoch = Math.floor(step / this.stepsPerEpoch);
    const offset = (step % this.stepsPerEpoch) * batchSize;
    const rows = this.poolOrder(epoch).subarray(
      offset,
      Math.min(offset + batchSize, this.poolSize),
    );
    return {
      step,
      size: rows.length,
      rows: Int32Array.from(rows),
      noise: new Float32Array(0),
      noiseDim: this.latentDim,
    };
  }

  /** z, f(z), f(ẑ) and sim(z) of a shard of a step's batch. Owned by the caller. */
  private shardBatch(shard: BatchPlan): {
    z: tf.Tensor2D;
    original: tf.Tensor4D;
    target: tf.Tensor4D;
    sim: tf.Tensor1D;
  } {
    const n = shard.rows.length;
    if (this.options.latents === 'fresh') {
      const z = tf.tensor2d(shard.noise, [n, this.latentDim]); // [shard, latentDim]
      return { z, ...this.targets(z) };
    }
    return tf.tidy(() => {
      const idx = tf.tensor1d(shard.rows, 'int32');
      return {
        z: tf.gather(this.poolZ, idx),
        original: tf.gather(this.poolOriginal, idx),
        target: tf.gather(this.poolTarget, idx),
        sim: tf.gather(this.poolSim, idx),
      };
    });
  }

  /**
   * Gradients of L = α(L_unlearn + L_percep) + L_recon (Eq. 5) for g_θ's trainable variables
   * on a shard of a step's batch (`planStep`, or a part of it made by `shardOf`), and the loss
   * terms and flagged share, each as Σ over the shard divided by the whole batch's size, so
   * shards add up to the batch means. Owned by the caller.
   */
  gradients(shard: BatchPlan): { grads: tf.Tensor[]; losses: Record<keyof StepLosses, tf.Scalar> } {
    this.assertLive();
    const batch = this.shardBatch(shard);
    const share = shard.rows.length / shard.size;
    const training = this.options.batchNorm === 'train';
    let terms: { recon: tf.Scalar; unlearn: tf.Scalar; percep: tf.Scalar } | null = null;
    try {
      const { value, grads } = tf.variableGrads(() => {
        const student = this.render(this.student, batch.z, training);
        const loss = unlearningLoss(
          { student, original: batch.original, target: batch.target, sim: batch.sim },
          { alpha: this.options.alpha, terms: this.options.terms },
        );
        terms = {
          recon: tf.keep(loss.recon.mul(share)),
          unlearn: tf.keep(loss.unlearn.mul(share)),
          percep: tf.keep(loss.percep.mul(share)),
        };
        return loss.total.mul(share);
      }, this.studentVariables);
      const kept = terms as unknown as { recon: tf.Scalar; unlearn: tf.Scalar; percep: tf.Scalar };
      const flagged = tf.tidy(() => batch.sim.sum().div(shard.size) as tf.Scalar);
      return {
        grads: this.studentVariables.map((v) => grads[v.name]),
        losses: { total: value, ...kept, flagged },
      };
    } finally {
      tf.dispose([batch.z, batch.original, batch.target, batch.sim]);
    }
  }

  /** One Adam step of g_θ with gradients summed over a step's batch (borrowed). */
  applyGradients(grads: tf.Tensor[]): void {
    this.assertLive();
    this.optimizer.applyGradients(namedGradients(this.studentVariables, grads));
    this.stepCount++;
  }

  /**
   * One Adam step on L = α(L_unlearn + L_percep) + L_recon (Eq. 5), in this thread. Returns the
   * step's loss terms and flagged share as scalars owned by the caller.
   */
  trainStep(): Record<keyof StepLosses, tf.Scalar> {
    const { grads, losses } = this.gradients(this.planStep(this.stepCount));
    try {
      this.applyGradients(grads);
    } finally {
      tf.dispose(grads);
    }
    return losses;
  }

  /**
   * Computes each step's gradients through `source` (e.g. shards on the Node worker pool)
   * instead of in this thread; null goes back to this thread. The session does not own it.
   */
  useGradientSource(source: GradientSource | null): void {
    this.source = source;
  }

  /** One step through the gradient source; its losses come back as numbers or scalars. */
  private async sourceStep(
    source: GradientSource,
  ): Promise<Record<keyof StepLosses, tf.Scalar | number>> {
    const result = await source.compute(UNLEARN_PHASE, this.planStep(this.stepCount));
    try {
      this.applyGradients(result.grads);
    } finally {
      tf.dispose(result.grads);
    }
    await source.updated(UNLEARN_PHASE);
    source.endStep();
    return result.losses as Record<keyof StepLosses, tf.Scalar | number>;
  }

  /**
   * Trains until `totalSteps`, reporting every `progressEvery` steps; yields to the event loop
   * at each report so pause / stop requests get through. Throws NonFiniteLossError (weights
   * of the last finite report stay usable) when a loss turns NaN or infinite.
   */
  async run(opts: RunOptions = {}): Promise<RunSummary> {
    this.assertLive();
    if (this.running) throw new SessionStateError('This session is already running.');
    this.running = true;
    const totalSteps = opts.totalSteps ?? this.plannedSteps;
    const every = Math.max(1, opts.progressEvery ?? 10);
    const control = opts.control;
    const started = performance.now();
    const elapsedBefore = this.elapsed;
    let windowStart = performance.now();
    let windowSteps = 0;
    let losses: StepLosses | null = null;
    let stopped = false;
    try {
      while (this.stepCount < totalSteps) {
        if (control !== undefined) {
          const pausedAt = performance.now();
          await control.gate();
          windowStart += performance.now() - pausedAt;
          if (control.isStopped) {
            stopped = true;
            break;
          }
        }
        const source = this.source;
        const scalars = source !== null ? await this.sourceStep(source) : this.trainStep();
        windowSteps++;
        const report = this.stepCount % every === 0 || this.stepCount === totalSteps;
        if (report) {
          losses = await readLosses(scalars);
          disposeScalars(scalars);
          if (!Object.values(losses).every(Number.isFinite)) {
            throw new NonFiniteLossError(this.stepCount, { ...losses });
          }
          const now = performance.now();
          const stepsPerSecond = (windowSteps * 1000) / Math.max(1e-9, now - windowStart);
          windowStart = now;
          windowSteps = 0;
          this.elapsed = elapsedBefore + (now - started) / 1000;
          await opts.onProgress?.({
            step: this.stepCount,
            totalSteps,
            epoch: Math.floor((this.stepCount - 1) / this.stepsPerEpoch),
            losses,
            stepsPerSecond,
            elapsedSeconds: this.elapsed,
          });
          await yieldToEventLoop();
        } else {
          disposeScalars(scalars);
        }
      }
    } finally {
      this.elapsed = elapsedBefore + (performance.now() - started) / 1000;
      this.running = false;
    }
    return { steps: this.stepCount, stopped, elapsedSeconds: this.elapsed, losses };
  }

  /**
   * unitImages of `latents` [n · latentDim] from the original f or the student g_θ, as
   * [n · H · W · C] in [0, 1], generated in batches of `batchSize`.
   */
  async generate(
    which: 'original' | 'student',
    latents: Float32Array,
    batchSize = 256,
  ): Promise<Float32Array> {
    this.assertLive();
    const model = which === 'original' ? this.original : this.student;
    const n = latents.length / this.latentDim;
    return generateUnitImages(model, latents, n, this.latentDim, this.outputRange, batchSize);
  }

  /** sim(z) for latents [n · latentDim]: 1 where the target flags the latent (Eq. 1). */
  async flags(latents: Float32Array): Promise<Uint8Array> {
    this.assertLive();
    const n = latents.length / this.latentDim;
    const sim = tf.tidy(() =>
      similarityMask(tf.tensor2d(latents, [n, this.latentDim]), this.zE, this.target.threshold),
    );
    const values = await sim.data();
    sim.dispose();
    return Uint8Array.from(values, (v) => (v > 0.5 ? 1 : 0));
  }

  /** Before / after images of the fixed preview latents, and which of them sim flags. */
  async preview(): Promise<{ original: Float32Array; student: Float32Array; flagged: Uint8Array }> {
    this.assertLive();
    const latents = (await this.previewZ.data()) as Float32Array;
    const [original, student, flagged] = await Promise.all([
      this.generate('original', latents),
      this.generate('student', latents),
      this.flags(latents),
    ]);
    return { original, student, flagged };
  }

  /** The targets a perfect student would output for `latents`: f(ẑ) where sim = 1, f(z) else. */
  async compositeTargets(latents: Float32Array, batchSize = 256): Promise<Float32Array> {
    this.assertLive();
    const n = latents.length / this.latentDim;
    const size = imageSize(this.original.outputs[0].shape);
    const out = new Float32Array(n * size);
    for (let start = 0; start < n; start += batchSize) {
      const end = Math.min(n, start + batchSize);
      const images = tf.tidy(() => {
        const z = tf.tensor2d(latents.subarray(start * this.latentDim, end * this.latentDim), [
          end - start,
          this.latentDim,
        ]);
        const { original, target, sim } = this.targets(z);
        const mask = sim.reshape([-1, 1, 1, 1]);
        return target.mul(mask).add(original.mul(tf.scalar(1).sub(mask)));
      });
      out.set(await images.data(), start * size);
      images.dispose();
    }
    return out;
  }

  /** The student g_θ, borrowed: for saving or evaluation. Disposed with the session. */
  get studentModel(): tf.LayersModel {
    this.assertLive();
    return this.student;
  }

  /** g_θ's trainable variables in the order its optimizer keys them, borrowed. */
  get trainableVariables(): tf.Variable[] {
    this.assertLive();
    return this.studentVariables;
  }

  /** The frozen original f, borrowed. */
  get originalModel(): tf.LayersModel {
    this.assertLive();
    return this.original;
  }

  async checkpoint(): Promise<UnlearnCheckpoint> {
    this.assertLive();
    return {
      step: this.stepCount,
      elapsedSeconds: this.elapsed,
      student: await captureModelWeights(this.student),
      optimizer: await captureOptimizerState(this.optimizer),
    };
  }

  async restore(checkpoint: UnlearnCheckpoint): Promise<void> {
    this.assertLive();
    restoreModelWeights(this.student, checkpoint.student);
    await restoreOptimizerState(this.optimizer, checkpoint.optimizer);
    this.stepCount = checkpoint.step;
    this.elapsed = checkpoint.elapsedSeconds;
  }

  /** Frees every tensor the session owns; safe to call twice. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    tf.dispose([
      this.zE,
      this.poolZ,
      this.poolOriginal,
      this.poolTarget,
      this.poolSim,
      this.previewZ,
    ]);
    this.optimizer.dispose();
    this.student.dispose();
    this.original.dispose();
  }

  private assertLive(): void {
    if (this.disposed) throw new SessionStateError('This unlearning session was disposed.');
  }
}

async function readLosses(
  scalars: Record<keyof StepLosses, tf.Scalar | number>,
): Promise<StepLosses> {
  const keys = Object.keys(scalars) as (keyof StepLosses)[];
  const values = await Promise.all(
    keys.map(async (k) => {
      const v = scalars[k];
      return typeof v === 'number' ? v : (await v.data())[0];
    }),
  );
  const out = {} as StepLosses;
  keys.forEach((k, i) => (out[k] = values[i]));
  return out;
}

function disposeScalars(scalars: Record<string, tf.Scalar | number>): void {
  tf.dispose(Object.values(scalars).filter((v): v is tf.Scalar => typeof v !== 'number'));
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
