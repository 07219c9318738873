/**
 * The face models of `npm run train`: the faces classifier (FID_faces, IS_faces), the attribute
 * classifiers `feature-{bangs,beard,hat,glasses}-{a,b}`, the faces VAE and the ProgGAN, trained
 * on the avatar faces (src/cli/faces/load.ts) and measured on the held-out faces.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import {
  FACE_ATTRIBUTES,
  FACE_FACTORS,
  faceFactorTable,
  type FaceAttribute,
} from '../../lib/data/faces/index';
import {
  buildFaceAttributeClassifier,
  buildFacesClassifier,
  buildFaceVaeDecoder,
  buildFaceVaeEncoder,
  FACE_SIDE,
  FACE_VAE_LATENT_DIM,
} from '../../lib/models/faces';
import {
  exportGenerator,
  phaseDiscriminator,
  phaseGenerator,
  ProgGanLayers,
  PROGGAN_FACES_CONFIG,
} from '../../lib/models/proggan';
import type { JsonValue } from '../../lib/models/manifest';
import type { OutputRange } from '../../lib/models/image-range';
import { predictLogits, trainClassifier } from '../../lib/train/classifier';
import { trainVae } from '../../lib/train/vae';
import { trainProgGan } from '../../lib/train/proggan';
import { classifierOutputs, generateUnitImages, oneLogitPerImage } from '../../lib/train/metrics';
import {
  featureStats,
  fidMnist,
  isMnist,
  shareOf,
  type GaussianStats,
} from '../../lib/eval/scores';
import { rocAuc } from '../../lib/core/roc';
import { sampleLatents } from '../../lib/core/rng';
import { describeFile, loadModelFromDir } from '../model-files';
import { ensureFaces, loadFaces, type FaceData } from './load';
import type { RunConfig, Trained, TrainingRun } from '../training-run';

/** The face data the models train on: 32 px, seed 1 (60,000 training, 10,000 test faces). */
export const FACE_DATA = { size: FACE_SIDE, seed: 1 } as const;

export const FACE_CLASSIFIER_ID = 'faces-classifier' as const;

export type FaceModelId =
  | typeof FACE_CLASSIFIER_ID
  | `feature-${FaceAttribute}-${'a' | 'b'}`
  | 'vae-faces'
  | 'proggan-faces';

/** `--model all` order: the classifiers first (the generators' metrics need them). */
export const FACE_MODEL_IDS: readonly FaceModelId[] = [
  FACE_CLASSIFIER_ID,
  ...FACE_ATTRIBUTES.flatMap((a) => [`feature-${a}-a` as const, `feature-${a}-b` as const]),
  'vae-faces',
  'proggan-faces',
];

export function isFaceModel(id: string): id is FaceModelId {
  return (FACE_MODEL_IDS as readonly string[]).includes(id);
}

/**
 * The attribute classifiers see half an epoch (30,000 faces): the attributes are drawn shapes,
 * learnt well before that (held-out AUC in index.json).
 */
const classifierDefaults = (seed: number): RunConfig => ({
  epochs: 0.5,
  batchSize: 64,
  learningRate: 1e-3,
  seed,
  checkpointEvery: 500,
});

/** The defaults that made the shipped face models. */
export const FACE_DEFAULTS = {
  [FACE_CLASSIFIER_ID]: { ...classifierDefaults(31), epochs: 1 },
  ...Object.fromEntries(
    FACE_ATTRIBUTES.flatMap((a, i) => [
      [`feature-${a}-a`, classifierDefaults(41 + 2 * i)],
      [`feature-${a}-b`, classifierDefaults(42 + 2 * i)],
    ]),
  ),
  'vae-faces': {
    epochs: 60,
    batchSize: 128,
    learningRate: 1e-3,
    seed: 1,
    checkpointEvery: 1000,
    maxHours: 3,
  },
  'proggan-faces': {
    epochs: 10,
    batchSize: 32,
    learningRate: 1e-3,
    seed: 1,
    checkpointEvery: 500,
    maxHours: 3,
  },
} as Record<FaceModelId, RunConfig>;

/** The attribute a `feature-<attribute>-<a|b>` id names. */
export function attributeOf(id: string): FaceAttribute | null {
  const match = /^feature-([a-z]+)-[ab]$/.exec(id);
  const name = match?.[1];
  return FACE_ATTRIBUTES.find((a) => a === name) ?? null;
}

const FACES_SHAPE = [FACE_SIDE, FACE_SIDE, 3] as const;

/** Trains one face model (the data set is built first if it is not cached). */
export async function trainFaceModel(run: TrainingRun): Promise<Trained> {
  const { id, config, loop } = run;
  const train = await loadFaces('train', FACE_DATA);
  const attribute = attributeOf(id);
  if (id === FACE_CLASSIFIER_ID) {
    const heads = FACE_FACTORS.map((f) => f.classes.length);
    const model = buildFacesClassifier(heads, config.seed);
    const summary = await trainClassifier(
      {
        model,
        task: 'heads',
        images: train.images,
        shape: FACES_SHAPE,
        labels: faceFactorTable(FACE_DATA.seed, 0, train.count),
        count: train.count,
        config: { learningRate: config.learningRate },
      },
      loop,
    );
    return {
      kind: 'classifier',
      architecture: `Faces classifier: conv3×3 32, 64, 128 (ReLU, maxpool2), FC 2048→128 ReLU (features, for FID_faces), one softmax head per factor: ${FACE_FACTORS.map((f) => `${f.part} (${f.classes.length})`).join(', ')}; outputs [top logits, features, other heads…]; IS_faces is over the top (hair style / head wear) head`,
      models: { '': model },
      summary,
      extraConfig: { heads: FACE_FACTORS.map((f) => f.part), data: { ...FACE_DATA } },
    };
  }
  if (attribute !== null) {
    const model = buildFaceAttributeClassifier(config.seed);
    const summary = await trainClassifier(
      {
        model,
        task: 'binary',
        images: train.images,
        shape: FACES_SHAPE,
        labels: train.labels[attribute],
        count: train.count,
        config: { learningRate: config.learningRate },
      },
      loop,
    );
    return {
      kind: 'classifier',
      architecture: `Face attribute classifier (${attribute}): conv3×3 16, 32, 64 (ReLU, maxpool2), FC 1024→64 ReLU, FC 64→1 logit`,
      models: { '': model },
      summary,
      extraConfig: {
        feature: attribute,
        positiveShare: shareOf(train.labels[attribute]),
        data: { ...FACE_DATA },
      },
    };
  }
  if (id === 'vae-faces') {
    const encoder = buildFaceVaeEncoder(FACE_VAE_LATENT_DIM);
    const decoder = buildFaceVaeDecoder(FACE_VAE_LATENT_DIM);
    const summary = await trainVae(
      {
        encoder,
        decoder,
        images: train.images,
        shape: FACES_SHAPE,
        count: train.count,
        config: { learningRate: config.learningRate },
      },
      loop,
    );
    return {
      kind: 'generator',
      architecture:
        'Convolutional VAE decoder (shipped as the generator): FC 64→4·4·128, convT 4×4 s2 128→64→32 (LeakyReLU 0.2), convT 4×4 s2 32→3 sigmoid; encoder/ holds conv 4×4 s2 3→32→64→128 (LeakyReLU 0.2), FC→(μ, log σ²)',
      latentDim: FACE_VAE_LATENT_DIM,
      outputRange: 'unit',
      models: { '': decoder, encoder },
      summary,
      extraConfig: {
        latentDim: FACE_VAE_LATENT_DIM,
        loss: 'Bernoulli recon + KL',
        data: { ...FACE_DATA },
      },
    };
  }
  if (id === 'proggan-faces') {
    const net = { ...PROGGAN_FACES_CONFIG, seed: config.seed };
    const layers = new ProgGanLayers(net);
    const summary = await trainProgGan(
      {
        layers,
        images: train.images,
        count: train.count,
        config: { learningRate: config.learningRate },
      },
      loop,
    );
    const last = net.channels.length - 1;
    // The final resolution's models, which also build any layer a shortened run never reached.
    const training = {
      'training/generator': phaseGenerator(layers.generator, net, last, false, 'generator'),
      'training/average': phaseGenerator(layers.average, net, last, false, 'average'),
      'training/discriminator': phaseDiscriminator(
        layers.discriminator,
        net,
        last,
        false,
        'discriminator',
      ),
    };
    return {
      kind: 'generator',
      architecture: `Progressive GAN generator, 4→${FACE_SIDE} px, channels ${net.channels.join('/')}: PixelNorm(z), FC 128→4·4·${net.channels[0]}, per resolution nearest upsampling and two conv3×3 (LeakyReLU 0.2, PixelNorm), 1×1 conv to RGB, tanh; equalised learning rate folded into stock Dense / Conv2D weights (needs the PixelNorm layer class); shipped as the moving average of G (β 0.999). training/ holds G, its average and D with equalised layers, to fine-tune (the oracle)`,
      latentDim: net.latentDim,
      outputRange: 'tanh',
      models: { '': exportGenerator(layers.average, net), ...training },
      summary,
      extraConfig: {
        latentDim: net.latentDim,
        channels: [...net.channels],
        loss: 'non-saturating',
        adam: 'lr 1e-3, β1 0, β2 0.99',
        emaDecay: 0.999,
        batchSize: config.batchSize,
        data: { ...FACE_DATA },
      },
    };
  }
  throw new Error(`${id} is not a face model`);
}

/** Statistics of the faces classifier's features on the 10,000 test faces, cached by its SHA-256. */
async function faceReferenceStats(
  classifier: tf.LayersModel,
  sha256: string,
  path: string,
): Promise<GaussianStats> {
  if (existsSync(path)) {
    const json = JSON.parse(readFileSync(path, 'utf8')) as {
      classifierSha256: string;
      mean: number[];
      cov: number[];
    };
    if (json.classifierSha256 === sha256) {
      return { mean: Float64Array.from(json.mean), cov: Float64Array.from(json.cov) };
    }
  }
  const test = await loadFaces('test', FACE_DATA);
  const stats = featureStats(
    await classifierOutputs(classifier, test.images, test.count),
    test.count,
  );
  writeFileSync(
    path,
    JSON.stringify({
      classifierSha256: sha256,
      count: test.count,
      mean: Array.from(stats.mean),
      cov: Array.from(stats.cov),
    }),
  );
  return stats;
}

/** The faces classifier of `modelsDir` and its test-set statistics. */
export async function loadFacesQuality(
  modelsDir: string,
): Promise<{ classifier: tf.LayersModel; reference: GaussianStats }> {
  const dir = join(modelsDir, FACE_CLASSIFIER_ID);
  if (!existsSync(join(dir, 'model.json'))) {
    throw new Error(`face metrics need ${dir}: run npm run train -- --model ${FACE_CLASSIFIER_ID}`);
  }
  const classifier = await loadModelFromDir(dir);
  const { sha256 } = await describeFile(join(dir, 'weights.bin'), 'weights.bin');
  return {
    classifier,
    reference: await faceReferenceStats(classifier, sha256, join(dir, 'test-stats.json')),
  };
}

/** IS_faces (over the hair style / head wear head) and FID_faces of unitImages [n · 32·32·3]. */
export async function faceQuality(
  images: Float32Array | Uint8Array,
  count: number,
  quality: { classifier: tf.LayersModel; reference: GaussianStats },
): Promise<{ isFaces: number; isFacesStd: number; fidFaces: number }> {
  const outputs = await classifierOutputs(quality.classifier, images, count);
  const is = isMnist(outputs, count);
  return {
    isFaces: is.mean,
    isFacesStd: is.std,
    fidFaces: fidMnist(outputs, count, quality.reference),
  };
}

/** Share of unitImages [n · 32·32·3] each `feature-<attribute>-a` classifier calls positive. */
export async function attributeShares(
  images: Float32Array,
  count: number,
  modelsDir: string,
): Promise<Partial<Record<FaceAttribute, number>>> {
  const out: Partial<Record<FaceAttribute, number>> = {};
  for (const attribute of FACE_ATTRIBUTES) {
    const dir = join(modelsDir, `feature-${attribute}-a`);
    if (!existsSync(join(dir, 'model.json'))) continue;
    const model = await loadModelFromDir(dir);
    const logits = await oneLogitPerImage(model, images, count);
    out[attribute] = shareOf(Array.from(logits, (l) => (l > 0 ? 1 : 0)));
    model.dispose();
  }
  return out;
}

/** Measures a trained face model on the held-out faces (classifiers) or 10,000 samples (generators). */
export async function measureFaceModel(
  id: string,
  trained: Trained,
  modelsDir: string,
  evalSamples: number,
  evalSeed: number,
): Promise<{ [key: string]: JsonValue }> {
  const model = trained.models[''];
  const test = await loadFaces('test', FACE_DATA);
  const attribute = attributeOf(id);
  if (attribute !== null) {
    const { logits } = await predictLogits(model, test.images, test.count, 500, FACES_SHAPE);
    const labels = test.labels[attribute];
    let correct = 0;
    for (let i = 0; i < test.count; i++) if (logits[i] > 0 === (labels[i] === 1)) correct++;
    return {
      testRocAuc: rocAuc(logits, labels),
      testAccuracy: correct / test.count,
      testPositiveShare: shareOf(labels),
    };
  }
  if (id === FACE_CLASSIFIER_ID) return measureFacesClassifier(model, test, modelsDir);
  const quality = await loadFacesQuality(modelsDir);
  const latentDim = trained.latentDim ?? 0;
  const range: OutputRange = trained.outputRange ?? 'unit';
  const images = await generateUnitImages(
    model,
    sampleLatents(evalSeed, evalSamples, latentDim),
    evalSamples,
    latentDim,
    range,
  );
  const scores = await faceQuality(images, evalSamples, quality);
  quality.classifier.dispose();
  const { meta } = await ensureFaces(FACE_DATA);
  return {
    ...scores,
    attributeShares: await attributeShares(images, evalSamples, modelsDir),
    dataAttributeShares: { ...meta.shares.train },
    samples: evalSamples,
    seed: evalSeed,
  };
}

async function measureFacesClassifier(
  model: tf.LayersModel,
  test: FaceData,
  modelsDir: string,
): Promise<{ [key: string]: JsonValue }> {
  const quality = await loadFacesQuality(modelsDir);
  const outputs = await classifierOutputs(model, test.images, test.count);
  // Accuracy of the top (hair style / head wear) head on the held-out faces.
  const truth = faceFactorTable(FACE_DATA.seed, 60_000, test.count);
  let correct = 0;
  for (let i = 0; i < test.count; i++) {
    let best = 0;
    for (let k = 1; k < outputs.classes; k++) {
      if (outputs.probs[i * outputs.classes + k] > outputs.probs[i * outputs.classes + best])
        best = k;
    }
    if (best === truth[i * FACE_FACTORS.length]) correct++;
  }
  // Real faces against real faces: the first 10,000 training faces against the test faces.
  const train = await loadFaces('train', FACE_DATA);
  const n = Math.min(10_000, train.count);
  const realVsReal = await faceQuality(
    train.images.subarray(0, n * FACE_SIDE * FACE_SIDE * 3),
    n,
    quality,
  );
  const testIs = isMnist(outputs, test.count);
  quality.classifier.dispose();
  return {
    topHeadTestAccuracy: correct / test.count,
    isFacesOfTestSet: testIs.mean,
    fidFacesTrain10kVsTest: realVsReal.fidFaces,
  };
}
