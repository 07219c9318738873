/**
 * The paper's oracle: the original generator fine-tuned on the MNIST training images that do
 * NOT show the feature (paper: 50 epochs on MNIST; here as many as the CPU budget allows). The
 * DCGAN is fine-tuned as it was trained: with its discriminator and a moving average of the
 * generator's weights, and the average is what is scored.
 */
import { join } from 'node:path';
import { hasFeature } from '../lib/core/morpho/index';
import { sampleLatents } from '../lib/core/rng';
import { trainGan } from '../lib/train/gan';
import { trainVae } from '../lib/train/vae';
import { generateUnitImages } from '../lib/train/metrics';
import { cloneModel } from '../lib/models/clone';
import { DCGAN_EMA_DECAY } from '../lib/models/dcgan';
import { loadMnist } from './mnist';
import { loadModelFromDir } from './model-files';
import { mnistSplitMeasures } from './model-metrics';
import { progressBar } from './progress-bar';
import type { GradientSourceFactory } from '../lib/train/data-parallel';
import {
  modelEntry,
  scoreSamples,
  seedStream,
  type EvalContext,
  type Feature,
  type GeneratorId,
  type SampleScores,
} from './unlearn-row';

export interface OracleResult extends SampleScores {
  epochs: number;
  /** Optimisation steps actually taken (a step cap may end the last epoch early). */
  steps: number;
  trainImages: number;
  removedImages: number;
  trainSeconds: number;
}

/** Training images without the feature, n · 784 uint8, and how many were removed. */
async function negativeTrainingImages(
  feature: Feature,
  ctx: EvalContext,
): Promise<{ images: Uint8Array; count: number; removed: number }> {
  const train = await loadMnist('train');
  const measures = await mnistSplitMeasures('train', train.images, train.count);
  const keep: number[] = [];
  measures.forEach((m, i) => {
    if (!hasFeature(m, ctx.thresholds, feature, 'left')) keep.push(i);
  });
  const images = new Uint8Array(keep.length * 784);
  keep.forEach((src, dst) =>
    images.set(train.images.subarray(src * 784, (src + 1) * 784), dst * 784),
  );
  return { images, count: keep.length, removed: train.count - keep.length };
}

/**
 * Fine-tunes `model` without the feature's training images for `epochs` epochs, then scores it
 * on the same evaluation latents a row with `seed` uses (unlearn-row.ts, stream 3).
 */
export async function oracle(
  model: GeneratorId,
  feature: Feature,
  options: {
    epochs: number;
    maxSteps?: number;
    seed: number;
    evalSamples: number;
    parallel?: GradientSourceFactory;
  },
  ctx: EvalContext,
): Promise<OracleResult> {
  const entry = modelEntry(model);
  const latentDim = entry.latentDim ?? 0;
  const data = await negativeTrainingImages(feature, ctx);
  const dir = join('models', model);
  const generator = await loadModelFromDir(dir);
  const partner = await loadModelFromDir(
    join(dir, model === 'dcgan-mnist' ? 'discriminator' : 'encoder'),
  );
  const isGan = model === 'dcgan-mnist';
  const generatorAverage = isGan ? await cloneModel(generator) : undefined;
  const started = performance.now();
  const loop = {
    epochs: options.epochs,
    batchSize: isGan ? 64 : 128,
    seed: options.seed,
    maxSteps: options.maxSteps,
    parallel: options.parallel,
    onProgress: progressBar(`oracle ${model} ${feature}`),
  };
  const summary = isGan
    ? await trainGan(
        {
          generator,
          discriminator: partner,
          generatorAverage,
          images: data.images,
          count: data.count,
          config: { latentDim, emaDecay: DCGAN_EMA_DECAY },
        },
        loop,
      )
    : await trainVae(
        { encoder: partner, decoder: generator, images: data.images, count: data.count },
        loop,
      );
  const trainSeconds = (performance.now() - started) / 1000;
  const latents = sampleLatents(seedStream(options.seed, 3), options.evalSamples, latentDim);
  const scored = generatorAverage ?? generator;
  const images = await generateUnitImages(
    scored,
    latents,
    options.evalSamples,
    latentDim,
    entry.outputRange ?? 'unit',
  );
  const { labels: _labels, ...scores } = await scoreSamples(images, options.evalSamples, ctx, {
    feature,
    slantSide: 'left',
  });
  generator.dispose();
  generatorAverage?.dispose();
  partner.dispose();
  return {
    ...scores,
    epochs: options.epochs,
    steps: summary.globalStep,
    trainImages: data.count,
    removedImages: data.removed,
    trainSeconds,
  };
}
