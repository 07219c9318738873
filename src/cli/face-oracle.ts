/**
 * The paper's oracle on faces: the shipped face generator fine-tuned on the training faces that
 * do NOT show the attribute, then judged as a row's generators are (TFR by `feature-<f>-a`,
 * IS_faces, FID_faces) on the same evaluation latents. A ProgGAN step costs about 2 s on one
 * core here, so the oracle is given steps, not epochs.
 *
 * - ProgGAN: G and D at the final resolution, from `training/` (the equalised layers the shipped
 *   generator was folded from); G starts from the shipped moving average, as the DCGAN oracle
 *   does, and the moving average of the fine-tuned G (warm-up, then β 0.999) is what is judged.
 * - VAE: encoder and decoder fine-tuned with the ELBO, as they were trained.
 */
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { streamLatents } from '../lib/core/seed-streams';
import type { FaceAttribute } from '../lib/data/faces/index';
import { classifierLabeler, judge } from '../lib/eval/judge';
import { modelToBytes } from '../lib/models/bytes';
import {
  exportGenerator,
  phaseDiscriminator,
  phaseGenerator,
  ProgGanLayers,
  PROGGAN_FACES_CONFIG,
} from '../lib/models/proggan';
import type { GradientSourceFactory } from '../lib/train/data-parallel';
import type { TrainLoopOptions, TrainSummary } from '../lib/train/loop';
import { trainProgGan } from '../lib/train/proggan';
import { trainVae } from '../lib/train/vae';
import { loadFaces } from './faces/load';
import {
  FACE_CLASSIFIER_ID,
  FACE_DATA,
  FACE_DEFAULTS,
  loadFacesQuality,
} from './faces/train-faces';
import { loadModelFromDir } from './model-files';
import { oracleCheckpointing, oracleRecipe, selectRows } from './oracle';
import { progressBar } from './progress-bar';
import { loadShipped, type FaceGeneratorId } from './unlearn-face-row';
import { engineWithShipped, modelEntry } from './unlearn-row';

/** What a face oracle scored, beside how it was trained. */
export interface FaceOracleResult {
  targetFeatureRatio: number;
  isFaces: number;
  fidFaces: number;
  steps: number;
  batchSize: number;
  trainImages: number;
  removedImages: number;
  trainSeconds: number;
}

export interface FaceOracleOptions {
  steps: number;
  seed: number;
  evalSamples: number;
  modelsDir?: string;
  parallel?: GradientSourceFactory;
  /** Where to keep a checkpoint: an interrupted run resumes, a longer one continues it. */
  checkpointDir?: string;
  log?: (line: string) => void;
}

/** The training faces without `feature`, and how many were removed. */
async function negativeFaces(
  feature: FaceAttribute,
): Promise<{ images: Uint8Array; count: number; removed: number; side: number }> {
  const train = await loadFaces('train', FACE_DATA);
  const labels = train.labels[feature];
  const keep: number[] = [];
  for (let i = 0; i < train.count; i++) if (labels[i] === 0) keep.push(i);
  return {
    images: selectRows(train.images, train.size * train.size * 3, keep),
    count: keep.length,
    removed: train.count - keep.length,
    side: train.size,
  };
}

/** Fine-tunes `model` without `feature`'s faces for `options.steps` steps and judges it. */
export async function faceOracle(
  model: FaceGeneratorId,
  feature: FaceAttribute,
  options: FaceOracleOptions,
): Promise<FaceOracleResult> {
  const modelsDir = options.modelsDir ?? 'models';
  const log = options.log ?? (() => undefined);
  const entry = modelEntry(model, modelsDir);
  const latentDim = entry.latentDim ?? 0;
  const data = await negativeFaces(feature);
  log(`[oracle ${model} ${feature}] ${data.count} training faces without ${feature}`);
  const { batchSize, learningRate } = FACE_DEFAULTS[model];
  const stepsPerEpoch = Math.floor(data.count / batchSize);
  const { resumeFrom, checkpoint } = oracleCheckpointing(
    options.checkpointDir,
    oracleRecipe(entry, feature, options.seed, batchSize),
    options.steps,
  );
  const loop: TrainLoopOptions = {
    epochs: Math.ceil(options.steps / stepsPerEpoch),
    // maxSteps counts this run's steps; a resumed run has done some already.
    maxSteps: options.steps - (resumeFrom?.globalStep ?? 0),
    batchSize,
    seed: options.seed,
    parallel: options.parallel,
    onProgress: progressBar(`oracle ${model} ${feature}`, 30, options.steps),
    resumeFrom,
    checkpoint,
  };
  const dir = join(modelsDir, model);
  const shape = [data.side, data.side, 3] as const;
  let scored: tf.LayersModel;
  let summary: TrainSummary;
  const owned: tf.LayersModel[] = [];
  let layers: ProgGanLayers | null = null;
  try {
    if (model === 'proggan-faces') {
      const net = PROGGAN_FACES_CONFIG;
      const last = net.channels.length - 1;
      layers = new ProgGanLayers(net);
      const average = await loadModelFromDir(join(dir, 'training', 'average'));
      const discriminator = await loadModelFromDir(join(dir, 'training', 'discriminator'));
      owned.push(average, discriminator);
      const g = phaseGenerator(layers.generator, net, last, false, 'oracle_g');
      const d = phaseDiscriminator(layers.discriminator, net, last, false, 'oracle_d');
      g.setWeights(average.getWeights());
      d.setWeights(discriminator.getWeights());
      summary = await trainProgGan(
        {
          layers,
          images: data.images,
          count: data.count,
          schedule: [{ k: last, fading: false, images: options.steps * batchSize }],
          config: { learningRate },
        },
        loop,
      );
      scored = exportGenerator(layers.average, net);
      owned.push(scored);
    } else {
      const decoder = await loadModelFromDir(dir);
      const encoder = await loadModelFromDir(join(dir, 'encoder'));
      owned.push(encoder, decoder);
      summary = await trainVae(
        {
          encoder,
          decoder,
          images: data.images,
          shape,
          count: data.count,
          config: { learningRate },
        },
        loop,
      );
      scored = decoder;
    }
    const bytes = await modelToBytes(scored);
    const scores = await judgeOracle(model, feature, bytes, options, modelsDir, latentDim, log);
    return {
      ...scores,
      steps: summary.globalStep,
      batchSize,
      trainImages: data.count,
      removedImages: data.removed,
      trainSeconds: summary.elapsedSeconds,
    };
  } finally {
    for (const m of owned) m.dispose();
    layers?.dispose();
  }
}

/** TFR, IS_faces and FID_faces of the fine-tuned generator on the rows' evaluation latents. */
async function judgeOracle(
  model: FaceGeneratorId,
  feature: FaceAttribute,
  bytes: Awaited<ReturnType<typeof modelToBytes>>,
  options: FaceOracleOptions,
  modelsDir: string,
  latentDim: number,
  log: (line: string) => void,
): Promise<Pick<FaceOracleResult, 'targetFeatureRatio' | 'isFaces' | 'fidFaces'>> {
  const quality = await loadFacesQuality(modelsDir);
  quality.classifier.dispose();
  const { engine } = await engineWithShipped(model, modelsDir);
  try {
    await engine.loadImported(bytes);
    await loadShipped(engine, modelsDir, FACE_CLASSIFIER_ID, 'faces');
    const judgeId = `feature-${feature}-a`;
    await loadShipped(engine, modelsDir, judgeId, 'featureA');
    const n = options.evalSamples;
    log(`[oracle ${model} ${feature}] judging on ${n} samples`);
    const judgement = await judge({
      engine,
      roles: ['imported'],
      latents: streamLatents(options.seed, 'evaluation', n, latentDim),
      count: n,
      latentDim,
      labeler: classifierLabeler(engine, 'featureA', `${judgeId} (logit > 0)`),
      quality: { network: 'faces', reference: quality.reference },
      target: null,
      floor: false,
      attack: null,
    });
    const [scores] = judgement.generators;
    return {
      targetFeatureRatio: scores.tfr ?? Number.NaN,
      isFaces: scores.isFaces?.mean ?? Number.NaN,
      fidFaces: scores.fidFaces ?? Number.NaN,
    };
  } finally {
    await engine.dispose();
  }
}
