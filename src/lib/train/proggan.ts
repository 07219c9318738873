import * as tf from '@tensorflow/tfjs';
import { setFadeAlpha } from '../models/layers/index';
import {
  phaseDiscriminator,
  phaseGenerator,
  resolutionSide,
  type ProgGanConfig,
  type ProgGanLayers,
} from '../models/proggan';
import { captureCheckpoint, restoreCheckpoint } from './checkpoint';
import {
  dataParallelStep,
  InProcessSource,
  type GradientSource,
  type ProgramSpec,
  type TrainData,
} from './data-parallel';
import { GanProgram } from './gan';
import { WeightAverage } from './ema';
import { runTrainingLoop, type TrainLoopOptions, type TrainSummary } from './loop';
import { shuffledBatches } from './program-loop';

/** One phase of progressive growing: train at resolution `k` (4·2^k px) on `images` images. */
export interface ProgGanPhase {
  k: number;
  /** Fade the resolution in (α from 0 to 1 over the phase), else train it as it is. */
  fading: boolean;
  /** Images shown in this phase; the last phase lasts until the run's end. */
  images: number;
}

/**
 * The schedule for 32×32 faces: 4 px, then each new resolution faded in and then stabilised.
 * ProgGAN's own schedule shows 800k images per phase; a 2-core CPU shared with other work
 * affords about 80k images before the final resolution, and the rest of the run's budget is
 * spent there.
 */
export const PROGGAN_FACES_SCHEDULE: readonly ProgGanPhase[] = [
  { k: 0, fading: false, images: 10_000 },
  { k: 1, fading: true, images: 10_000 },
  { k: 1, fading: false, images: 10_000 },
  { k: 2, fading: true, images: 15_000 },
  { k: 2, fading: false, images: 15_000 },
  { k: 3, fading: true, images: 20_000 },
  { k: 3, fading: false, images: Infinity },
];

/** ProgGAN's Adam: lr 0.001, β1 0, β2 0.99, ε 1e-8; and its generator average, β 0.999. */
export interface ProgGanTrainConfig {
  learningRate: number;
  beta1: number;
  beta2: number;
  emaDecay: number;
}

export const DEFAULT_PROGGAN_CONFIG: ProgGanTrainConfig = {
  learningRate: 1e-3,
  beta1: 0,
  beta2: 0.99,
  emaDecay: 0.999,
};

/** Where step `step` falls: its phase, the phase's first step and its length in steps. */
export function phaseOf(
  schedule: readonly ProgGanPhase[],
  batchSize: number,
  step: number,
): { index: number; start: number; steps: number } {
  let start = 0;
  for (let i = 0; i < schedule.length; i++) {
    const steps = Math.ceil(schedule[i].images / batchSize);
    if (step < start + steps || i === schedule.length - 1) return { index: i, start, steps };
    start += steps;
  }
  throw new Error('empty ProgGAN schedule');
}

/** α of a step: rises linearly over a fading phase (1 at its last step), 1 otherwise. */
export function fadeAlpha(fading: boolean, start: number, steps: number, step: number): number {
  return fading ? Math.min(1, (step - start + 1) / steps) : 1;
}

/**
 * Real images as D sees them in a phase: tanhImages [b, S, S, c] average-pooled to the phase's
 * side; while fading, mixed with their own half-resolution copy, (1 − α)·up(pool(x)) + α·x, as
 * ProgGAN fades its real images in step with the generator. Owned by the caller.
 */
export function phaseRealImages(x: tf.Tensor4D, side: number, alpha: number): tf.Tensor4D {
  return tf.tidy(() => {
    const factor = x.shape[1] / side;
    const scaled = factor > 1 ? tf.avgPool(x, factor, factor, 'valid') : x;
    if (alpha >= 1) return scaled;
    const coarse = tf.image.resizeNearestNeighbor(tf.avgPool(scaled, 2, 2, 'valid'), [side, side]);
    return coarse.mul(1 - alpha).add(scaled.mul(alpha)) as tf.Tensor4D;
  });
}

/** Plain-data description of one phase's program, for a worker to rebuild it. */
export interface ProgGanProgramConfig {
  latentDim: number;
  side: number;
  fading: boolean;
  start: number;
  steps: number;
}

/** A phase's GAN program: α from the step, real images at the phase's resolution. */
export function progGanProgram(
  generator: tf.LayersModel,
  discriminator: tf.LayersModel,
  data: TrainData,
  config: ProgGanProgramConfig,
): GanProgram {
  const alpha = (step: number): number =>
    fadeAlpha(config.fading, config.start, config.steps, step);
  return new GanProgram(generator, discriminator, data, config.latentDim, {
    beforeStep: (step) => setFadeAlpha([generator, discriminator], alpha(step)),
    realImages: (x, step) => phaseRealImages(x, config.side, alpha(step)),
  });
}

/** What {@link trainProgGan} trains: the shared layers, and the data (HWC uint8 at full size). */
export interface ProgGanTrainInput {
  layers: ProgGanLayers;
  images: Uint8Array;
  count: number;
  schedule?: readonly ProgGanPhase[];
  config?: Partial<ProgGanTrainConfig>;
}

/** The models of one phase. */
interface PhaseModels {
  generator: tf.LayersModel;
  discriminator: tf.LayersModel;
  average: tf.LayersModel;
}

/**
 * Trains a ProgGAN (non-saturating loss, as the DCGAN here) through the phases of `schedule`:
 * each phase builds its models over the shared layers, starts fresh Adam optimizers (ProgGAN
 * resets them for each new resolution) and, with `options.parallel`, a fresh worker pool. The
 * moving average of G follows every step; a new resolution's layers start as copies of G's.
 * The run lasts `options.epochs` passes over the data (or `maxSteps` / `maxSeconds`).
 *
 * Checkpoints hold the current phase's generator, discriminator, generatorAverage and both
 * optimizers; a resumed run rebuilds the phase of its last step first.
 */
export async function trainProgGan(
  input: ProgGanTrainInput,
  options: TrainLoopOptions,
): Promise<TrainSummary> {
  const { layers, images, count } = input;
  const schedule = input.schedule ?? PROGGAN_FACES_SCHEDULE;
  const config = { ...DEFAULT_PROGGAN_CONFIG, ...input.config };
  const net: ProgGanConfig = layers.config;
  const { batchSize, seed } = options;
  const side = resolutionSide(net.channels.length - 1);
  const data: TrainData = { images, labels: null, count, shape: [side, side, net.imageChannels] };
  const stepsPerEpoch = Math.floor(count / batchSize);
  const plan = shuffledBatches(count, seed, batchSize, net.latentDim);
  const averaged = new Set<string>();

  let phase = -1;
  let models: PhaseModels | null = null;
  let source: GradientSource | null = null;
  let optimizers: Record<string, tf.Optimizer> = {};
  let average: WeightAverage | null = null;
  let program: GanProgram | null = null;

  const enter = async (step: number): Promise<void> => {
    const where = phaseOf(schedule, batchSize, step);
    if (where.index === phase) return;
    for (const o of Object.values(optimizers)) o.dispose();
    const { k, fading } = schedule[where.index];
    const name = `p${where.index}`;
    models = {
      generator: phaseGenerator(layers.generator, net, k, fading, `g_${name}`),
      discriminator: phaseDiscriminator(layers.discriminator, net, k, fading, `d_${name}`),
      average: phaseGenerator(layers.average, net, k, fading, `gema_${name}`),
    };
    // Layers the average meets for the first time start as copies of G's.
    models.average.layers.forEach((layer, i) => {
      if (averaged.has(layer.name) || layer.weights.length === 0) return;
      layer.setWeights(models?.generator.layers[i].getWeights() ?? []);
      averaged.add(layer.name);
    });
    const programConfig: ProgGanProgramConfig = {
      latentDim: net.latentDim,
      side: resolutionSide(k),
      fading,
      start: where.start,
      steps: where.steps,
    };
    program = progGanProgram(models.generator, models.discriminator, data, programConfig);
    const spec: ProgramSpec = { kind: 'proggan', config: { ...programConfig } };
    if (options.parallel === undefined) source = new InProcessSource(program);
    else if (source?.load !== undefined) await source.load(program, spec, data);
    else source = await options.parallel(program, spec, data);
    const adam = (): tf.Optimizer =>
      tf.train.adam(config.learningRate, config.beta1, config.beta2, 1e-8);
    optimizers = { generator: adam(), discriminator: adam() };
    average = new WeightAverage(models.generator, models.average, config.emaDecay, step);
    phase = where.index;
  };

  const checkpointParts = () => {
    if (models === null) throw new Error('no ProgGAN phase yet');
    const { generator, discriminator, average: generatorAverage } = models;
    return { models: { generator, discriminator, generatorAverage }, optimizers };
  };

  try {
    if (options.resumeFrom !== undefined) {
      // The checkpoint was taken after its last step, in that step's phase.
      await enter(Math.max(0, options.resumeFrom.globalStep - 1));
      const parts = checkpointParts();
      await restoreCheckpoint(options.resumeFrom, parts.models, parts.optimizers);
    }
    return await runTrainingLoop(
      options,
      stepsPerEpoch,
      async (epoch, stepInEpoch, globalStep) => {
        await enter(globalStep);
        if (program === null || source === null || average === null) {
          throw new Error('no ProgGAN phase');
        }
        const losses = await dataParallelStep(
          program,
          source,
          optimizers,
          plan(epoch, stepInEpoch, globalStep),
        );
        average.update();
        return losses;
      },
      (globalStep, elapsed) => {
        const parts = checkpointParts();
        return captureCheckpoint(
          globalStep,
          stepsPerEpoch,
          elapsed,
          parts.models,
          parts.optimizers,
        );
      },
    );
  } finally {
    await (source as GradientSource | null)?.dispose();
    for (const o of Object.values(optimizers)) o.dispose();
  }
}
