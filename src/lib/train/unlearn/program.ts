import type * as tf from '@tensorflow/tfjs';
import type { UnlearnOptions } from '../../core/options';
import type { OutputRange } from '../../models/image-range';
import type { BatchPlan, ProgramSpec, ShardGradients, ShardProgram } from '../data-parallel';
import { UNLEARN_PHASE, UnlearningSession, type LatentTarget } from './session';

/**
 * An unlearning session as a data-parallel program: one phase (g_θ's update), the gradients of
 * Eq. 5 on a shard of the step's batch. f runs in inference mode; so does g_θ's BatchNorm unless
 * the options ask for batch statistics.
 */
export class UnlearnProgram implements ShardProgram {
  readonly phases = [UNLEARN_PHASE] as const;
  readonly models: Readonly<Record<string, tf.LayersModel>>;
  readonly batchStatistics: boolean;

  constructor(private readonly session: UnlearningSession) {
    this.models = { original: session.originalModel, student: session.studentModel };
    this.batchStatistics = session.options.batchNorm === 'train';
  }

  variables(): tf.Variable[] {
    return this.session.trainableVariables;
  }

  gradients(_phase: string, shard: BatchPlan): ShardGradients {
    return this.session.gradients(shard);
  }

  endStep(): void {}
}

/** What a worker needs to start the same session: its target, pool and options. */
export interface UnlearnProgramConfig {
  latentDim: number;
  outputRange: OutputRange;
  target: LatentTarget;
  pool: Float32Array;
  options: UnlearnOptions;
}

/** The spec a worker rebuilds `session` from (with f and g_θ sent as models). */
export function unlearnProgramSpec(session: UnlearningSession, pool: Float32Array): ProgramSpec {
  const config: UnlearnProgramConfig = {
    latentDim: session.latentDim,
    outputRange: session.outputRange,
    target: session.target,
    pool,
    options: session.options,
  };
  return { kind: 'unlearn', config: { ...config } };
}

/** Rebuilds the program of {@link unlearnProgramSpec} around the models `original` and `student`. */
export function unlearnProgramFrom(
  config: UnlearnProgramConfig,
  original: tf.LayersModel,
  student: tf.LayersModel,
): UnlearnProgram {
  const session = UnlearningSession.withStudent(
    {
      original,
      outputRange: config.outputRange,
      latentDim: config.latentDim,
      target: config.target,
      pool: config.pool,
      previewLatents: new Float32Array(0),
      options: config.options,
    },
    student,
  );
  return new UnlearnProgram(session);
}
