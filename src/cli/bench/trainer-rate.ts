/**
 * Timing a trainer's steps for `npm run bench -- parallel`, in this thread and in its ceiling
 * workers alike: the batch of each step, and milliseconds per step after a warm-up.
 */
import * as tf from '@tensorflow/tfjs';
import { sampleLatents } from '../../lib/core/rng';
import {
  dataParallelStep,
  type BatchPlan,
  type GradientSource,
  type ShardProgram,
} from '../../lib/train/data-parallel';

/** Steps run before the clock starts (kernels compiled, buffers allocated). */
export const WARMUP = 3;

/** Step `step`'s batch of `size` rows of a `count`-image training set, with N(0, I) noise. */
export function stepPlan(step: number, size: number, count: number, noiseDim: number): BatchPlan {
  return {
    step,
    size,
    rows: Int32Array.from({ length: size }, (_, i) => (step * size + i) % count),
    noise: sampleLatents(step, size, noiseDim),
    noiseDim,
  };
}

/**
 * Milliseconds per step of `timed` steps of `program` on `source`, after {@link WARMUP} steps;
 * `warm` (if given) is awaited between the two, e.g. for several threads to start timing together.
 */
export async function msPerStep(
  program: ShardProgram,
  source: GradientSource,
  plan: (step: number) => BatchPlan,
  timed: number,
  warm?: () => Promise<void>,
): Promise<number> {
  const optimizers = Object.fromEntries(program.phases.map((p) => [p, tf.train.adam(1e-4)]));
  const run = async (from: number, to: number): Promise<void> => {
    for (let step = from; step < to; step++) {
      const losses = await dataParallelStep(program, source, optimizers, plan(step));
      tf.dispose(Object.values(losses).filter((v): v is tf.Scalar => typeof v !== 'number'));
    }
  };
  try {
    await run(0, WARMUP);
    await warm?.();
    const start = performance.now();
    await run(WARMUP, WARMUP + timed);
    return (performance.now() - start) / timed;
  } finally {
    for (const o of Object.values(optimizers)) o.dispose();
  }
}
