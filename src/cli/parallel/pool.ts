/**
 * Data-parallel training on all cores: a pool of worker threads, each with its own TF.js
 * backend, that computes the gradients of its shard of every batch (worker.ts). Gradients come
 * back through shared memory and are summed here; the optimizer steps once, on this thread's
 * weights, which the workers then read from shared memory too (shared-weights.ts).
 *
 * Shards hold whole groups of MinibatchStdDev, and a model with BatchNormalization is refused
 * (its batch statistics would be per shard), so N workers compute what one would, up to the
 * order of floating-point sums.
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { startTsWorker } from '../ts-worker';
import * as tf from '@tensorflow/tfjs';
import {
  crossSampleLayers,
  shardOf,
  type BatchPlan,
  type GradientSource,
  type GradientSourceFactory,
  type PhaseResult,
  type ProgramSpec,
  type ShardProgram,
  type TrainData,
} from '../../lib/train/data-parallel';
import { MinibatchStdDev } from '../../lib/models/layers/index';
import { gradientCapacity, weightSlots, writeVariables, type WeightSlot } from './shared-weights';
import type { InitRequest, WorkerReply, WorkerRequest } from './protocol';

/** How the pool runs. */
export interface PoolOptions {
  /** Worker threads; default one per core. */
  workers?: number;
  /** The backend every worker trains on (the coordinator's). */
  backend: 'wasm' | 'cpu';
}

/**
 * Worker threads for `--workers`: the number asked for (a positive integer), or one per core.
 * @throws Error naming the flag when the number is not a positive integer.
 */
export function workerCount(asked?: number): number {
  if (asked === undefined) return availableParallelism();
  if (!Number.isInteger(asked) || asked < 1) {
    throw new Error(`--workers must be a positive integer, got ${asked}`);
  }
  return asked;
}

/**
 * Rows [from, to) of each shard: the batch split as evenly as whole groups of `granularity`
 * rows allow; shards that would be empty are left out.
 */
export function shardBounds(
  size: number,
  workers: number,
  granularity: number,
): [number, number][] {
  const groups = Math.ceil(size / granularity);
  const per = Math.floor(groups / workers);
  const extra = groups % workers;
  const out: [number, number][] = [];
  let group = 0;
  for (let w = 0; w < workers; w++) {
    const n = per + (w < extra ? 1 : 0);
    const from = Math.min(size, group * granularity);
    const to = Math.min(size, (group + n) * granularity);
    if (to > from) out.push([from, to]);
    group += n;
  }
  return out;
}

/** Rows that must stay on one worker: the group size of the models' MinibatchStdDev layers. */
function shardGranularity(models: Readonly<Record<string, tf.LayersModel>>): number {
  let granularity = 1;
  for (const model of Object.values(models)) {
    for (const layer of model.layers) {
      if (layer instanceof MinibatchStdDev) {
        const g = layer.groupSize;
        granularity = (granularity * g) / gcd(granularity, g);
      }
    }
  }
  return granularity;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** `bytes` in shared memory: itself when it already is, else a copy. */
function shared(bytes: Uint8Array): Uint8Array {
  if (bytes.buffer instanceof SharedArrayBuffer) return bytes;
  const copy = new Uint8Array(new SharedArrayBuffer(bytes.byteLength));
  copy.set(bytes);
  return copy;
}

function startWorker(): Worker {
  return startTsWorker(new URL('./worker.ts', import.meta.url));
}

interface Pending {
  resolve(reply: WorkerReply): void;
  reject(error: Error): void;
}

/** One worker thread and its request in flight. */
class PoolWorker {
  readonly thread: Worker;
  private pending: Pending | null = null;
  /** Phases whose variables changed since this worker last read them. */
  readonly stale = new Set<string>();

  /** This worker's gradient slot in shared memory (float32), made anew for each program. */
  gradients: Float32Array<ArrayBufferLike> = new Float32Array(0);

  constructor(
    readonly index: number,
    private readonly onFailure: (error: Error) => void,
  ) {
    this.thread = startWorker();
    this.thread.on('message', (reply: WorkerReply) => {
      const pending = this.pending;
      this.pending = null;
      if (reply.type === 'failed') {
        const error = new Error(`training worker ${index + 1} failed: ${reply.message}`);
        pending?.reject(error);
        this.onFailure(error);
      } else {
        pending?.resolve(reply);
      }
    });
    this.thread.on('error', (e: Error) => this.die(`crashed: ${e.message}`));
    this.thread.on('exit', (code) => this.die(`exited with code ${code}`));
  }

  private die(how: string): void {
    const error = new Error(`training worker ${this.index + 1} ${how}`);
    const pending = this.pending;
    this.pending = null;
    pending?.reject(error);
    this.onFailure(error);
  }

  request(req: WorkerRequest, transfer: ArrayBuffer[] = []): Promise<WorkerReply> {
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.thread.postMessage(req, transfer);
    });
  }

  send(req: WorkerRequest): void {
    this.thread.postMessage(req);
  }
}

/** What the pool is computing: a program, its weights in shared memory, how to shard it. */
interface Loaded {
  program: ShardProgram;
  weights: Float32Array;
  slots: Map<tf.Variable, WeightSlot>;
  granularity: number;
}

/**
 * Where a pool's steps spent their time, in ms summed over steps: on the coordinating thread,
 * waiting for the workers' shards, summing their gradients and writing the new weights to shared
 * memory (the rest of a step, the optimizer's update, is the caller's); and in the workers, on
 * average over them, reading the new weights and computing their shard. What the wait holds
 * beyond the workers' own time is messaging and the slower worker.
 */
export interface PoolTimes {
  computes: number;
  workersMs: number;
  sumMs: number;
  writeMs: number;
  readMs: number;
  shardMs: number;
}

const noTimes = (): PoolTimes => ({
  computes: 0,
  workersMs: 0,
  sumMs: 0,
  writeMs: 0,
  readMs: 0,
  shardMs: 0,
});

/** A {@link GradientSource} over worker threads. Start one with {@link workerPool}. */
export class WorkerPool implements GradientSource {
  private times = noTimes();
  private failure: Error | null = null;
  private closing = false;
  private loaded: Loaded | null = null;
  private workers: PoolWorker[] = [];

  private constructor(private readonly backend: PoolOptions['backend']) {}

  static async start(
    program: ShardProgram,
    spec: ProgramSpec,
    data: TrainData | null,
    options: PoolOptions,
  ): Promise<WorkerPool> {
    const pool = new WorkerPool(options.backend);
    const onFailure = (error: Error): void => pool.fail(error);
    pool.workers = Array.from(
      { length: workerCount(options.workers) },
      (_, i) => new PoolWorker(i, onFailure),
    );
    try {
      await pool.load(program, spec, data);
    } catch (e) {
      await pool.dispose();
      throw e;
    }
    return pool;
  }

  /**
   * Makes the workers compute `program` from now on (ProgGAN: the next phase's models): its
   * weights go to new shared memory, and each worker rebuilds it. The threads stay.
   */
  async load(program: ShardProgram, spec: ProgramSpec, data: TrainData | null): Promise<void> {
    if (this.failure !== null) throw this.failure;
    for (const [name, model] of Object.entries(program.models)) {
      const mixing = program.batchStatistics === false ? [] : crossSampleLayers(model);
      if (mixing.length > 0) {
        throw new Error(
          `${name} has BatchNormalization (${mixing.join(', ')}): in training mode each worker ` +
            'would normalise by its own shard, not the whole batch. Train it with --workers 1.',
        );
      }
    }
    const { slots, total } = weightSlots(program.models);
    const weights = new Float32Array(new SharedArrayBuffer(4 * total));
    await writeVariables(weights, slots, slots.keys());
    const capacity = gradientCapacity(program.phases.map((p) => program.variables(p)));
    const sharedData =
      data === null
        ? null
        : {
            images: shared(data.images),
            labels: data.labels === null ? null : shared(data.labels),
            count: data.count,
            shape: data.shape,
          };
    const topologies: Record<string, object> = {};
    for (const [name, model] of Object.entries(program.models)) {
      topologies[name] = model.toJSON(null, false) as object;
    }
    await Promise.all(
      this.workers.map((w) => {
        w.gradients = new Float32Array(new SharedArrayBuffer(4 * Math.max(1, capacity)));
        w.stale.clear();
        const init: InitRequest = {
          type: 'init',
          index: w.index,
          backend: this.backend,
          spec,
          topologies,
          weights: weights.buffer as SharedArrayBuffer,
          gradients: w.gradients.buffer as SharedArrayBuffer,
          data: sharedData,
        };
        return w.request(init);
      }),
    );
    this.loaded = { program, weights, slots, granularity: shardGranularity(program.models) };
  }

  private current(): Loaded {
    if (this.failure !== null) throw this.failure;
    if (this.loaded === null) throw new Error('The training pool has no program loaded.');
    return this.loaded;
  }

  /** Worker threads in the pool. */
  get size(): number {
    return this.workers.length;
  }

  private fail(error: Error): void {
    if (this.closing || this.failure !== null) return;
    this.failure = error;
    for (const w of this.workers) void w.thread.terminate();
  }

  /** The time account since the pool started or since the last call, which starts a new one. */
  takeTimes(): PoolTimes {
    const times = this.times;
    this.times = noTimes();
    return times;
  }

  async compute(phase: string, plan: BatchPlan): Promise<PhaseResult> {
    const { program, granularity } = this.current();
    const started = performance.now();
    const bounds = shardBounds(plan.size, this.workers.length, granularity);
    const replies = await Promise.all(
      bounds.map(([from, to], w) => {
        const worker = this.workers[w];
        const reload = [...worker.stale];
        worker.stale.clear();
        return worker.request({ type: 'compute', phase, shard: shardOf(plan, from, to), reload });
      }),
    );
    const replied = performance.now();
    const losses: Record<string, number> = {};
    for (const reply of replies) {
      if (reply.type !== 'computed') throw new Error(`unexpected reply ${reply.type}`);
      for (const [name, value] of Object.entries(reply.losses)) {
        losses[name] = (losses[name] ?? 0) + value;
      }
      this.times.readMs += reply.readMs / replies.length;
      this.times.shardMs += reply.shardMs / replies.length;
    }
    const grads: tf.Tensor[] = [];
    let offset = 0;
    for (const variable of program.variables(phase)) {
      const sum = new Float32Array(variable.size);
      for (let w = 0; w < bounds.length; w++) {
        const slot = this.workers[w].gradients;
        for (let i = 0; i < sum.length; i++) sum[i] += slot[offset + i];
      }
      grads.push(tf.tensor(sum, variable.shape));
      offset += variable.size;
    }
    this.times.computes++;
    this.times.workersMs += replied - started;
    this.times.sumMs += performance.now() - replied;
    return { grads, losses };
  }

  async updated(phase: string): Promise<void> {
    const { program, weights, slots } = this.current();
    const started = performance.now();
    await writeVariables(weights, slots, program.variables(phase));
    this.times.writeMs += performance.now() - started;
    for (const w of this.workers) w.stale.add(phase);
  }

  endStep(): void {
    if (this.failure !== null) return;
    for (const w of this.workers) w.send({ type: 'end-step' });
  }

  async dispose(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map((w) => w.thread.terminate()));
  }
}

/** A {@link GradientSourceFactory} that starts a {@link WorkerPool}. */
export function workerPool(options: PoolOptions): GradientSourceFactory {
  return (program, spec, data) => WorkerPool.start(program, spec, data, options);
}
