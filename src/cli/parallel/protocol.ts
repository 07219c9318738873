/** Messages between the training coordinator and its worker threads (src/cli/parallel/). */
import type { BatchPlan, ProgramSpec } from '../../lib/train/data-parallel';
import type { ImageShape } from '../../lib/train/loop';

/** The first message: what to build, and the shared memory to work in. */
export interface InitRequest {
  type: 'init';
  index: number;
  /** The TF.js backend to train on, the coordinator's. */
  backend: 'wasm' | 'cpu';
  spec: ProgramSpec;
  /** Each model's topology (model.toJSON), by the program's model names, in its order. */
  topologies: Record<string, object>;
  /** Every weight of every model (shared-weights.ts), float32. */
  weights: SharedArrayBuffer;
  /** This worker's gradient slot, float32. */
  gradients: SharedArrayBuffer;
  /** The data set, shared, or null. */
  data: { images: Uint8Array; labels: Uint8Array | null; count: number; shape: ImageShape } | null;
}

/** Runs one phase on this worker's shard; first reloads the variables of the `reload` phases. */
export interface ComputeRequest {
  type: 'compute';
  phase: string;
  shard: BatchPlan;
  reload: string[];
}

/** Frees what the step's phases kept (a GAN's fake images). */
export interface EndStepRequest {
  type: 'end-step';
}

export type WorkerRequest = InitRequest | ComputeRequest | EndStepRequest;

export type WorkerReply =
  | { type: 'ready' }
  /**
   * The shard's gradients are in the slot; its losses (Σ_shard / batch size) are here, and the
   * ms it spent reading the new weights and computing the shard (forward, backward, copy-out).
   */
  | { type: 'computed'; losses: Record<string, number>; readMs: number; shardMs: number }
  | { type: 'failed'; message: string };
