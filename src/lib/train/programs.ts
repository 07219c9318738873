import type * as tf from '@tensorflow/tfjs';
import '../models/layers/index';
import type { ProgramSpec, ShardProgram, TrainData } from './data-parallel';
import { ClassifierProgram, type ClassifierTask } from './classifier';
import { GanProgram } from './gan';
import { VaeProgram } from './vae';
import { progGanProgram, type ProgGanProgramConfig } from './proggan';
import { unlearnProgramFrom, type UnlearnProgramConfig } from './unlearn/program';

/**
 * Builds a program again from its spec, models and data (a worker thread of the Node pool
 * does this with models rebuilt from the coordinator's topology and weights).
 */
export function buildProgram(
  spec: ProgramSpec,
  models: Record<string, tf.LayersModel>,
  data: TrainData | null,
): ShardProgram {
  const need = (name: string): tf.LayersModel => {
    const model = models[name];
    if (model === undefined) throw new Error(`A ${spec.kind} program needs a model "${name}".`);
    return model;
  };
  const needData = (): TrainData => {
    if (data === null) throw new Error(`A ${spec.kind} program needs a data set.`);
    return data;
  };
  switch (spec.kind) {
    case 'gan':
      return new GanProgram(
        need('generator'),
        need('discriminator'),
        needData(),
        Number(spec.config.latentDim),
      );
    case 'proggan':
      return progGanProgram(
        need('generator'),
        need('discriminator'),
        needData(),
        spec.config as unknown as ProgGanProgramConfig,
      );
    case 'vae':
      return new VaeProgram(need('encoder'), need('decoder'), needData());
    case 'classifier':
      return new ClassifierProgram(
        need('classifier'),
        needData(),
        spec.config.task as ClassifierTask,
        Number(spec.config.positiveWeight),
      );
    case 'unlearn':
      return unlearnProgramFrom(
        spec.config as unknown as UnlearnProgramConfig,
        need('original'),
        need('student'),
      );
    default:
      throw new Error(`No program of kind "${String(spec.kind)}" can be built here.`);
  }
}
