import * as tf from '@tensorflow/tfjs';
import type { ImageShape } from './loop';

/**
 * Data-parallel training, the part that is plain TF.js: a trainer is written as a
 * {@link ShardProgram} (the gradients of its loss on rows [from, to) of one step's batch), and
 * a {@link GradientSource} computes them, in this thread or split over worker threads (the Node
 * pool in src/cli/parallel/). The optimizer step is applied here, once, to one copy of the
 * weights; the workers then read those weights.
 *
 * Exactness: every loss is written as Σ over the shard of a per-sample loss, divided by the size
 * of the WHOLE batch, so the shards' gradients add up to the gradient of the batch mean. That
 * holds as long as no layer mixes samples across shard boundaries in training mode
 * (BatchNormalization does; {@link crossSampleLayers} finds it, and the pool refuses it).
 */

/** One step's batch as plain data: what every shard needs to build its part of it. */
export interface BatchPlan {
  /** Optimisation steps before this one (seeds per-step randomness, picks pool batches). */
  step: number;
  /** Rows of the batch. */
  size: number;
  /** Dataset rows of the batch, [size] (empty when the program draws no data). */
  rows: Int32Array;
  /** Per-row noise, [size · noiseDim] row-major (z of a GAN, ε of a VAE; empty for none). */
  noise: Float32Array;
  noiseDim: number;
}

/** The part of a plan that rows [from, to) need. */
export function shardOf(plan: BatchPlan, from: number, to: number): BatchPlan {
  return {
    step: plan.step,
    size: plan.size,
    rows: plan.rows.length === 0 ? plan.rows : plan.rows.slice(from, to),
    noise:
      plan.noise.length === 0
        ? plan.noise
        : plan.noise.slice(from * plan.noiseDim, to * plan.noiseDim),
    noiseDim: plan.noiseDim,
  };
}

/** What one shard contributes to one phase of a step. */
export interface ShardGradients {
  /** ∂(Σ_shard loss / batch size)/∂v for each variable of the phase, in its order. Owned by the caller. */
  grads: tf.Tensor[];
  /** Each loss term as Σ_shard / batch size: summed over shards, the batch means. Owned by the caller. */
  losses: Record<string, tf.Scalar>;
}

/**
 * A trainer as data-parallel code. `phases` run in order each step (a GAN: 'generator', then
 * 'discriminator'), each with its own optimizer over `variables(phase)`. A phase may keep
 * tensors for a later phase of the same step (a GAN's fake images); `endStep` frees them.
 */
export interface ShardProgram {
  readonly phases: readonly string[];
  /**
   * Whether BatchNormalization layers run in training mode, on batch statistics (default true);
   * false when they use their moving statistics, which is per sample and so exact on shards.
   */
  readonly batchStatistics?: boolean;
  /** Every model the program trains or reads, by name; workers mirror all their weights. */
  readonly models: Readonly<Record<string, tf.LayersModel>>;
  /** The trainable variables `phase` updates, in a fixed order. */
  variables(phase: string): tf.Variable[];
  /**
   * Gradients of `phase`'s loss on the shard `plan` (made by {@link shardOf}: its rows and noise
   * are the shard's, `size` the whole batch's).
   */
  gradients(phase: string, shard: BatchPlan): ShardGradients;
  endStep(): void;
}

/** Summed gradients of one phase over the whole batch, and its losses (batch means). */
export interface PhaseResult {
  /** One per variable of the phase, owned by the caller. */
  grads: tf.Tensor[];
  /** Scalars owned by the caller (in this thread) or numbers (read back from workers). */
  losses: Record<string, tf.Scalar | number>;
}

/** Where a phase's gradients come from: this thread, or shards on worker threads. */
export interface GradientSource {
  /** Runs `phase` of the step `plan` over the whole batch. */
  compute(phase: string, plan: BatchPlan): Promise<PhaseResult>;
  /** The variables of `phase` were just updated: workers must see the new values. */
  updated(phase: string): Promise<void>;
  /** The step is over: free what its phases kept. */
  endStep(): void;
  /** Computes another program from now on, when the source can switch (worker threads stay). */
  load?(program: ShardProgram, spec: ProgramSpec, data: TrainData | null): Promise<void>;
  dispose(): Promise<void>;
}

/** Computes every phase here, on the whole batch as one shard. */
export class InProcessSource implements GradientSource {
  constructor(private readonly program: ShardProgram) {}

  async compute(phase: string, plan: BatchPlan): Promise<PhaseResult> {
    return this.program.gradients(phase, plan);
  }

  async updated(): Promise<void> {}

  endStep(): void {
    this.program.endStep();
  }

  async dispose(): Promise<void> {}
}

/** Gradients named by their variables, in the variables' order, as `applyGradients` takes them. */
export function namedGradients(
  variables: tf.Variable[],
  grads: tf.Tensor[],
): { name: string; tensor: tf.Tensor }[] {
  if (variables.length !== grads.length) {
    throw new Error(`${grads.length} gradients for ${variables.length} variables`);
  }
  return variables.map((v, i) => ({ name: v.name, tensor: grads[i] }));
}

/**
 * One optimisation step: each phase's gradients from `source`, applied by that phase's
 * optimizer to the program's (this thread's) variables. Returns the step's losses.
 */
export async function dataParallelStep(
  program: ShardProgram,
  source: GradientSource,
  optimizers: Readonly<Record<string, tf.Optimizer>>,
  plan: BatchPlan,
): Promise<Record<string, tf.Scalar | number>> {
  const losses: Record<string, tf.Scalar | number> = {};
  try {
    for (const phase of program.phases) {
      const result = await source.compute(phase, plan);
      try {
        optimizers[phase].applyGradients(namedGradients(program.variables(phase), result.grads));
      } finally {
        tf.dispose(result.grads);
      }
      Object.assign(losses, result.losses);
      await source.updated(phase);
    }
  } finally {
    source.endStep();
  }
  return losses;
}

/**
 * Names of layers that mix samples of a batch in training mode, so that a shard would see other
 * statistics than the whole batch: BatchNormalization. (Layers that mix only inside fixed groups
 * of consecutive samples, such as MinibatchStdDev, are exact when shards hold whole groups.)
 */
export function crossSampleLayers(model: tf.LayersModel): string[] {
  const out: string[] = [];
  const visit = (layer: tf.layers.Layer): void => {
    if (layer.getClassName() === 'BatchNormalization') out.push(layer.name);
    const inner = (layer as unknown as { layers?: tf.layers.Layer[] }).layers;
    inner?.forEach(visit);
  };
  model.layers.forEach(visit);
  return out;
}

/** The trainable variables of models, in model order then weight order. */
export function trainableVariables(...models: tf.LayersModel[]): tf.Variable[] {
  return models.flatMap((m) => m.trainableWeights.map((w) => w.read() as tf.Variable));
}

/** A training set as workers share it: uint8 images (HWC, image after image) and labels. */
export interface TrainData {
  images: Uint8Array;
  /** One label per image (digits, 0/1 features), or null when the program needs none. */
  labels: Uint8Array | null;
  count: number;
  shape: ImageShape;
}

/**
 * How to build a program again in another thread: its kind and plain-data configuration. The
 * models come separately (topology and weights), the data set as shared memory.
 */
export interface ProgramSpec {
  kind: 'gan' | 'proggan' | 'vae' | 'classifier' | 'unlearn';
  config: Record<string, unknown>;
}

/** Makes the gradient source for a program (the Node worker pool implements one). */
export type GradientSourceFactory = (
  program: ShardProgram,
  spec: ProgramSpec,
  data: TrainData | null,
) => Promise<GradientSource>;
