/**
 * `npm run train -- --model <id> [--epochs N] [--seed S] [--backend wasm|cpu] [--resume]`
 *
 * Trains one of the shipped models (or `--model all`, in dependency order) from the MNIST idx
 * files, on the same src/lib the browser uses, then measures it and writes models/<id>/ and its
 * entry in models/index.json. The defaults below are the ones that made the shipped weights.
 *
 * Other flags: --batch-size N, --lr X, --max-hours H (a training-time budget: stop after H hours
 * of training, resumed runs included, then save and measure what there is), --workers N (worker threads that split each batch; default
 * one per core, 1 = this thread only), --checkpoint-every N (steps),
 * --max-steps N (stop early: smoke tests), --eval-samples N (default 10,000), --no-metrics,
 * --eval-only (measure the model already in models/<id>/ again and update its metrics),
 * --models-dir DIR (write there instead of models/; metrics still need DIR/mnist-classifier).
 *
 * Checkpoints go to .cache/checkpoints/<id>/ every few hundred steps and at the end, with weights
 * and Adam state. --resume continues from there (same batch size, learning rate and seed; the
 * data order and noise are seeded per epoch and step, so the result equals an uninterrupted run),
 * also after a finished run with a larger --epochs. Without --resume a run starts afresh.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { tileGrid } from '../lib/core/grid';
import { hasFeature, type MorphoMeasures, type MorphoThresholds } from '../lib/core/morpho/index';
import { sampleLatents } from '../lib/core/rng';
import {
  buildDcganDiscriminator,
  buildDcganGenerator,
  DCGAN_EMA_DECAY,
  DCGAN_LATENT_DIM,
} from '../lib/models/dcgan';
import {
  buildFeatureClassifier,
  buildMnistClassifier,
  type FeatureName,
} from '../lib/models/classifier';
import { buildVaeDecoder, buildVaeEncoder, VAE_LATENT_DIM } from '../lib/models/vae';
import { cloneModel } from '../lib/models/clone';
import type { OutputRange } from '../lib/models/image-range';
import {
  emptyModelIndex,
  parseModelIndex,
  upsertModelEntry,
  type JsonValue,
  type ModelEntry,
  type ModelFile,
} from '../lib/models/manifest';
import type { TrainCheckpoint } from '../lib/train/checkpoint';
import { predictLogits, trainClassifier } from '../lib/train/classifier';
import { trainGan } from '../lib/train/gan';
import type { TrainLoopOptions } from '../lib/train/loop';
import {
  accuracy,
  classifierOutputs,
  digitHistogram,
  fidMnist,
  generateUnitImages,
  isMnist,
} from '../lib/train/metrics';
import { rocAuc } from '../lib/core/roc';
import { trainVae } from '../lib/train/vae';
import { loadCheckpointDir, removeCheckpointDir, saveCheckpointDir } from './checkpoint-files';
import { loadMnist } from './mnist';
import { describeFile, loadModelFromDir, saveModelToDir, type WrittenFile } from './model-files';
import {
  loadMorphoThresholds,
  measureGenerator,
  mnistSplitMeasures,
  referenceStats,
} from './model-metrics';
import { writeGreyPng } from './png';
import { formatDuration, progressBar } from './progress-bar';
import { initNodeBackend } from './tf-backend';
import type { RunConfig, Trained } from './training-run';
import {
  FACE_CLASSIFIER_ID,
  FACE_DEFAULTS,
  FACE_MODEL_IDS,
  isFaceModel,
  measureFaceModel,
  trainFaceModel,
  type FaceModelId,
} from './faces/train-faces';
import { workerCount, workerPool } from './parallel/pool';

/** Where models and index.json go: `models/`, or --models-dir (smoke tests, experiments). */
let MODELS_DIR = 'models';
const indexPath = () => join(MODELS_DIR, 'index.json');
const CHECKPOINTS_DIR = join('.cache', 'checkpoints');
const CLASSIFIER_ID = 'mnist-classifier';
/** β of the moving average of the DCGAN generator's weights, the generator we ship. */
/** Seeds of the evaluation latents and of the sample grid: fixed, so reruns compare. */
const EVAL_SEED = 20240;
const GRID_SEED = 7;

type ModelId =
  | 'mnist-classifier'
  | 'vae-mnist'
  | 'dcgan-mnist'
  | 'feature-thickness-a'
  | 'feature-thickness-b'
  | 'feature-slant-a'
  | 'feature-slant-b'
  | FaceModelId;

/** `--model all` trains in this order: the classifier first, the metrics need it. */
const MODEL_IDS: readonly ModelId[] = [
  'mnist-classifier',
  'vae-mnist',
  'dcgan-mnist',
  'feature-thickness-a',
  'feature-thickness-b',
  'feature-slant-a',
  'feature-slant-b',
  ...FACE_MODEL_IDS,
];

const DEFAULTS: Record<ModelId, RunConfig> = {
  'mnist-classifier': {
    epochs: 3,
    batchSize: 64,
    learningRate: 1e-3,
    seed: 1,
    checkpointEvery: 200,
  },
  'vae-mnist': { epochs: 100, batchSize: 128, learningRate: 1e-3, seed: 1, checkpointEvery: 2000 },
  'dcgan-mnist': {
    epochs: 60,
    batchSize: 64,
    learningRate: 2e-4,
    seed: 1,
    checkpointEvery: 500,
    maxHours: 3,
  },
  'feature-thickness-a': {
    epochs: 2,
    batchSize: 64,
    learningRate: 1e-3,
    seed: 11,
    checkpointEvery: 500,
  },
  'feature-thickness-b': {
    epochs: 2,
    batchSize: 64,
    learningRate: 1e-3,
    seed: 12,
    checkpointEvery: 500,
  },
  'feature-slant-a': {
    epochs: 2,
    batchSize: 64,
    learningRate: 1e-3,
    seed: 21,
    checkpointEvery: 500,
  },
  'feature-slant-b': {
    epochs: 2,
    batchSize: 64,
    learningRate: 1e-3,
    seed: 22,
    checkpointEvery: 500,
  },
  ...FACE_DEFAULTS,
};

interface CliOptions {
  model: string;
  epochs?: number;
  seed?: number;
  batchSize?: number;
  lr?: number;
  backend: 'wasm' | 'cpu';
  workers: number;
  resume: boolean;
  checkpointEvery?: number;
  maxSteps?: number;
  maxHours?: number;
  evalSamples: number;
  metrics: boolean;
  evalOnly: boolean;
  modelsDir: string;
}

function parseCli(argv: string[]): CliOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      model: { type: 'string' },
      epochs: { type: 'string' },
      seed: { type: 'string' },
      'batch-size': { type: 'string' },
      lr: { type: 'string' },
      backend: { type: 'string', default: 'wasm' },
      workers: { type: 'string' },
      resume: { type: 'boolean', default: false },
      'checkpoint-every': { type: 'string' },
      'max-steps': { type: 'string' },
      'max-hours': { type: 'string' },
      'eval-samples': { type: 'string', default: '10000' },
      'no-metrics': { type: 'boolean', default: false },
      'eval-only': { type: 'boolean', default: false },
      'models-dir': { type: 'string', default: 'models' },
    },
    strict: true,
  });
  const num = (v: string | undefined, name: string): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n)) throw new Error(`--${name} must be a number, got ${v}`);
    return n;
  };
  if (values.model === undefined) {
    throw new Error(`--model is required: one of ${MODEL_IDS.join(', ')}, all`);
  }
  if (values.backend !== 'wasm' && values.backend !== 'cpu') {
    throw new Error(`--backend must be wasm or cpu, got ${values.backend}`);
  }
  return {
    model: values.model,
    epochs: num(values.epochs, 'epochs'),
    seed: num(values.seed, 'seed'),
    batchSize: num(values['batch-size'], 'batch-size'),
    lr: num(values.lr, 'lr'),
    backend: values.backend,
    workers: workerCount(num(values.workers, 'workers')),
    resume: values.resume,
    checkpointEvery: num(values['checkpoint-every'], 'checkpoint-every'),
    maxSteps: num(values['max-steps'], 'max-steps'),
    maxHours: num(values['max-hours'], 'max-hours'),
    evalSamples: num(values['eval-samples'], 'eval-samples') ?? 10_000,
    metrics: !values['no-metrics'],
    evalOnly: values['eval-only'],
    modelsDir: values['models-dir'],
  };
}

interface RunContext {
  id: ModelId;
  config: RunConfig;
  cli: CliOptions;
  backend: string;
  loop: TrainLoopOptions;
}

function checkpointHook(id: ModelId, config: { [key: string]: JsonValue }, every: number) {
  const dir = join(CHECKPOINTS_DIR, id);
  return {
    everySteps: every,
    save: async (checkpoint: TrainCheckpoint) => saveCheckpointDir(dir, checkpoint, config),
  };
}

/** The checkpoint to resume from, when --resume and one exists for the same recipe. */
function resumePoint(
  id: ModelId,
  config: { [key: string]: JsonValue },
  resume: boolean,
): TrainCheckpoint | undefined {
  const dir = join(CHECKPOINTS_DIR, id);
  if (!resume) {
    removeCheckpointDir(dir);
    return undefined;
  }
  const saved = loadCheckpointDir(dir);
  if (saved === null) {
    console.error(`[${id}] no checkpoint in ${dir}: starting from scratch`);
    return undefined;
  }
  for (const key of ['batchSize', 'learningRate', 'seed']) {
    if (saved.config[key] !== config[key]) {
      throw new Error(
        `[${id}] the checkpoint was made with ${key} = ${String(saved.config[key])}, this run asks ` +
          `for ${String(config[key])}; drop --resume to start over`,
      );
    }
  }
  const total = Number(config.epochs) * saved.checkpoint.stepsPerEpoch;
  if (saved.checkpoint.globalStep > total) {
    throw new Error(
      `[${id}] the checkpoint is at step ${saved.checkpoint.globalStep}, past the ${total} steps of ` +
        `${String(config.epochs)} epochs; ask for more --epochs or drop --resume`,
    );
  }
  console.error(
    `[${id}] resuming at step ${saved.checkpoint.globalStep} (${formatDuration(saved.checkpoint.elapsedSeconds)} trained)`,
  );
  return saved.checkpoint;
}

function featureLabels(
  measures: MorphoMeasures[],
  thresholds: MorphoThresholds,
  feature: FeatureName,
): Uint8Array {
  return Uint8Array.from(measures, (m) => (hasFeature(m, thresholds, feature, 'left') ? 1 : 0));
}

async function trainOne(ctx: RunContext): Promise<Trained> {
  const { id, config, loop } = ctx;
  const recipe = recipeConfig(ctx);
  const options: TrainLoopOptions = {
    ...loop,
    checkpoint: checkpointHook(id, recipe, config.checkpointEvery),
    resumeFrom: resumePoint(id, recipe, ctx.cli.resume),
  };
  if (isFaceModel(id)) return trainFaceModel({ id, config, loop: options });
  const train = await loadMnist('train');
  if (id === 'mnist-classifier') {
    const model = buildMnistClassifier(config.seed);
    const summary = await trainClassifier(
      {
        model,
        task: 'digits',
        images: train.images,
        labels: train.labels,
        count: train.count,
        config: { learningRate: config.learningRate },
      },
      options,
    );
    return {
      kind: 'classifier',
      architecture:
        'CNN: conv5×5 32 ReLU, maxpool2, conv3×3 64 ReLU, maxpool2, FC 3136→128 ReLU (features), dropout 0.3, FC 128→10 (logits); outputs [logits, features]',
      models: { '': model },
      summary,
      extraConfig: { dropout: 0.3 },
    };
  }
  if (id === 'vae-mnist') {
    const encoder = buildVaeEncoder(VAE_LATENT_DIM);
    const decoder = buildVaeDecoder(VAE_LATENT_DIM);
    const summary = await trainVae(
      {
        encoder,
        decoder,
        images: train.images,
        count: train.count,
        config: { learningRate: config.learningRate },
      },
      options,
    );
    return {
      kind: 'generator',
      architecture:
        'VAE decoder (shipped as the generator): FC 20→400 ReLU, FC 400→400 ReLU, FC 400→784 sigmoid; encoder/ holds FC 784→400→400→(μ, log σ²)',
      latentDim: VAE_LATENT_DIM,
      outputRange: 'unit',
      models: { '': decoder, encoder },
      summary,
      extraConfig: { latentDim: VAE_LATENT_DIM, loss: 'Bernoulli recon + KL' },
    };
  }
  if (id === 'dcgan-mnist') {
    const generator = buildDcganGenerator(DCGAN_LATENT_DIM);
    const discriminator = buildDcganDiscriminator();
    const generatorAverage = await cloneModel(generator);
    const summary = await trainGan(
      {
        generator,
        discriminator,
        generatorAverage,
        images: train.images,
        count: train.count,
        config: {
          learningRate: config.learningRate,
          beta1: 0.5,
          latentDim: DCGAN_LATENT_DIM,
          emaDecay: DCGAN_EMA_DECAY,
        },
      },
      options,
    );
    generator.dispose();
    return {
      kind: 'generator',
      architecture:
        'DCGAN generator: FC 100→7·7·128 LayerNorm ReLU, convT 4×4 s2 128→64 LayerNorm ReLU, convT 4×4 s2 64→1 tanh; shipped as the moving average of its weights (EMA β 0.999); discriminator/ holds conv 64, conv 128 (LeakyReLU), minibatch stddev (groups of 4), FC→1 logit',
      latentDim: DCGAN_LATENT_DIM,
      outputRange: 'tanh',
      models: { '': generatorAverage, discriminator },
      summary,
      extraConfig: {
        latentDim: DCGAN_LATENT_DIM,
        beta1: 0.5,
        loss: 'non-saturating',
        emaDecay: DCGAN_EMA_DECAY,
      },
    };
  }
  const feature: FeatureName = id.startsWith('feature-thickness') ? 'thickness' : 'slant';
  const thresholds = loadMorphoThresholds();
  const labels = featureLabels(
    await mnistSplitMeasures('train', train.images, train.count),
    thresholds,
    feature,
  );
  const model = buildFeatureClassifier(config.seed);
  const summary = await trainClassifier(
    {
      model,
      task: 'binary',
      images: train.images,
      labels,
      count: train.count,
      config: { learningRate: config.learningRate },
    },
    options,
  );
  return {
    kind: 'classifier',
    architecture: `Feature classifier (${feature === 'thickness' ? 'thickness > p90' : 'left slant: slant < p10'}): conv3×3 16 ReLU, maxpool2, conv3×3 32 ReLU, maxpool2, FC 1568→64 ReLU, FC 64→1 logit`,
    models: { '': model },
    summary,
    extraConfig: {
      feature,
      slantSide: 'left',
      positiveShare: labels.reduce((a, b) => a + b, 0) / train.count,
    },
  };
}

function recipeConfig(ctx: RunContext): { [key: string]: JsonValue } {
  const { config, backend, cli } = ctx;
  return {
    epochs: config.epochs,
    batchSize: config.batchSize,
    learningRate: config.learningRate,
    seed: config.seed,
    backend,
    workers: cli.workers,
  };
}

/** Saves each model; returns their files, paths relative to models/. */
async function saveModels(
  id: ModelId,
  models: Record<string, tf.LayersModel>,
): Promise<ModelFile[]> {
  const files: ModelFile[] = [];
  for (const [name, model] of Object.entries(models)) {
    const rel = name === '' ? id : `${id}/${name}`;
    const written: WrittenFile[] = await saveModelToDir(model, join(MODELS_DIR, rel));
    for (const w of written)
      files.push({ path: `${rel}/${w.name}`, sha256: w.sha256, size: w.size });
  }
  return files;
}

async function sampleGrid(
  id: ModelId,
  generator: tf.LayersModel,
  latentDim: number,
  range: OutputRange,
): Promise<ModelFile> {
  const count = 64;
  const unit = await generateUnitImages(
    generator,
    sampleLatents(GRID_SEED, count, latentDim),
    count,
    latentDim,
    range,
  );
  const [, height, width, channels] = generator.outputs[0].shape as number[];
  const rel = `${id}/samples.png`;
  const grid = tileGrid(unit, count, height, width, {
    cols: 8,
    padding: 2,
    channels: channels === 3 ? 3 : 1,
  });
  writeGreyPng(join(MODELS_DIR, rel), grid);
  const { sha256, size } = await describeFile(join(MODELS_DIR, rel), 'samples.png');
  return { path: rel, sha256, size };
}

/** The classifier the generator metrics use, and the test-set statistics that go with it. */
async function loadMetricClassifier() {
  const dir = join(MODELS_DIR, CLASSIFIER_ID);
  if (!existsSync(join(dir, 'model.json'))) {
    throw new Error(`metrics need ${dir}: run npm run train -- --model ${CLASSIFIER_ID} first`);
  }
  const classifier = await loadModelFromDir(dir);
  const { sha256 } = await describeFile(join(dir, 'weights.bin'), 'weights.bin');
  const reference = await referenceStats(classifier, sha256, join(dir, 'test-stats.json'));
  return { classifier, reference };
}

async function measure(
  id: ModelId,
  trained: Trained,
  cli: CliOptions,
): Promise<{ [key: string]: JsonValue }> {
  if (isFaceModel(id)) return measureFaceModel(id, trained, MODELS_DIR, cli.evalSamples, EVAL_SEED);
  const model = trained.models[''];
  const test = await loadMnist('test');
  if (id === 'mnist-classifier') {
    const { logits, classes } = await predictLogits(model, test.images, test.count);
    const { classifier, reference } = await loadMetricClassifier();
    const train = await loadMnist('train');
    const n = Math.min(10_000, train.count);
    const trainOut = await classifierOutputs(classifier, train.images.subarray(0, n * 784), n);
    const testOut = await classifierOutputs(classifier, test.images, test.count);
    const is = isMnist(testOut, test.count);
    classifier.dispose();
    return {
      testAccuracy: accuracy(logits, test.labels, test.count, classes),
      isMnistOfTestSet: is.mean,
      fidMnistTrain10kVsTest: fidMnist(trainOut, n, reference),
      testDigitHistogram: digitHistogram(testOut, test.count),
    };
  }
  if (trained.kind === 'classifier') {
    const feature: FeatureName = id.startsWith('feature-thickness') ? 'thickness' : 'slant';
    const thresholds = loadMorphoThresholds();
    const labels = featureLabels(
      await mnistSplitMeasures('test', test.images, test.count),
      thresholds,
      feature,
    );
    const { logits } = await predictLogits(model, test.images, test.count);
    return {
      testRocAuc: rocAuc(logits, labels),
      testAccuracy: accuracy(logits, labels, test.count, 1),
      testPositiveShare: labels.reduce((a, b) => a + b, 0) / test.count,
    };
  }
  const { classifier, reference } = await loadMetricClassifier();
  const metrics = await measureGenerator(model, classifier, reference, {
    latentDim: trained.latentDim ?? 0,
    range: trained.outputRange ?? 'unit',
    count: cli.evalSamples,
    seed: EVAL_SEED,
    thresholds: loadMorphoThresholds(),
  });
  classifier.dispose();
  return { ...metrics };
}

function readIndex() {
  if (!existsSync(indexPath())) return emptyModelIndex();
  return parseModelIndex(JSON.parse(readFileSync(indexPath(), 'utf8')) as unknown);
}

function commandLine(cli: CliOptions, id: ModelId): string {
  const parts = ['npm run train --', '--model', id];
  if (cli.epochs !== undefined) parts.push('--epochs', String(cli.epochs));
  if (cli.seed !== undefined) parts.push('--seed', String(cli.seed));
  if (cli.batchSize !== undefined) parts.push('--batch-size', String(cli.batchSize));
  if (cli.lr !== undefined) parts.push('--lr', String(cli.lr));
  if (cli.backend !== 'wasm') parts.push('--backend', cli.backend);
  if (cli.maxSteps !== undefined) parts.push('--max-steps', String(cli.maxSteps));
  if (cli.maxHours !== undefined) parts.push('--max-hours', String(cli.maxHours));
  return parts.join(' ');
}

/** The classifier's cached test-set statistics, as a manifest file entry (or nothing). */
async function testStatsFile(id: ModelId): Promise<ModelFile[]> {
  const path = join(MODELS_DIR, id, 'test-stats.json');
  if ((id !== CLASSIFIER_ID && id !== FACE_CLASSIFIER_ID) || !existsSync(path)) return [];
  const { sha256, size } = await describeFile(path, 'test-stats.json');
  return [{ path: `${id}/test-stats.json`, sha256, size }];
}

/** --eval-only: measures models/<id>/ as shipped and rewrites the metrics of its index entry. */
async function evaluateOnly(id: ModelId, cli: CliOptions): Promise<void> {
  const index = readIndex();
  const entry = index.models.find((m) => m.id === id);
  if (entry === undefined) throw new Error(`${id} is not in ${indexPath()}: train it first`);
  const model = await loadModelFromDir(join(MODELS_DIR, id));
  const trained: Trained = {
    kind: entry.kind,
    architecture: entry.architecture,
    latentDim: entry.latentDim,
    outputRange: entry.outputRange,
    models: { '': model },
    summary: { globalStep: 0, stepsPerEpoch: 0, elapsedSeconds: 0, losses: {}, stopped: false },
    extraConfig: {},
  };
  const metrics = await measure(id, trained, cli);
  console.error(`[${id}] metrics: ${JSON.stringify(metrics)}`);
  const stats = await testStatsFile(id);
  const files = entry.files.filter((f) => !f.path.endsWith('test-stats.json')).concat(stats);
  writeFileSync(
    indexPath(),
    `${JSON.stringify(upsertModelEntry(readIndex(), { ...entry, files, metrics }), null, 2)}\n`,
  );
  model.dispose();
}

async function run(id: ModelId, cli: CliOptions, backend: string): Promise<void> {
  if (cli.evalOnly) {
    await evaluateOnly(id, cli);
    return;
  }
  const base = DEFAULTS[id];
  const config: RunConfig = {
    epochs: cli.epochs ?? base.epochs,
    batchSize: cli.batchSize ?? base.batchSize,
    learningRate: cli.lr ?? base.learningRate,
    seed: cli.seed ?? base.seed,
    checkpointEvery: cli.checkpointEvery ?? base.checkpointEvery,
    maxHours: cli.maxHours ?? base.maxHours,
  };
  const loop: TrainLoopOptions = {
    epochs: config.epochs,
    batchSize: config.batchSize,
    seed: config.seed,
    maxSteps: cli.maxSteps,
    maxSeconds: config.maxHours === undefined ? undefined : config.maxHours * 3600,
    onProgress: progressBar(id),
    progressEverySteps: 10,
    parallel:
      cli.workers > 1 ? workerPool({ workers: cli.workers, backend: cli.backend }) : undefined,
  };
  const ctx: RunContext = { id, config, cli, backend, loop };
  console.error(`[${id}] training: ${JSON.stringify(recipeConfig(ctx))}`);
  const trained = await trainOne(ctx);
  const { summary } = trained;
  console.error(
    `[${id}] trained ${summary.globalStep} steps in ${formatDuration(summary.elapsedSeconds)}` +
      (summary.stopped ? ' (stopped early)' : ''),
  );
  rmSync(join(MODELS_DIR, id), { recursive: true, force: true });
  const files = await saveModels(id, trained.models);
  if (trained.kind === 'generator') {
    files.push(
      await sampleGrid(
        id,
        trained.models[''],
        trained.latentDim ?? 0,
        trained.outputRange ?? 'unit',
      ),
    );
  }
  const metrics = cli.metrics ? await measure(id, trained, cli) : {};
  files.push(...(await testStatsFile(id)));
  console.error(`[${id}] metrics: ${JSON.stringify(metrics)}`);
  const entry: ModelEntry = {
    id,
    kind: trained.kind,
    architecture: trained.architecture,
    ...(trained.latentDim !== undefined ? { latentDim: trained.latentDim } : {}),
    ...(trained.outputRange !== undefined ? { outputRange: trained.outputRange } : {}),
    files,
    command: commandLine(cli, id),
    config: {
      ...recipeConfig(ctx),
      ...trained.extraConfig,
      steps: summary.globalStep,
      stepsPerEpoch: summary.stepsPerEpoch,
      epochsTrained: Math.round((100 * summary.globalStep) / summary.stepsPerEpoch) / 100,
      stoppedEarly: summary.stopped,
      evalSeed: EVAL_SEED,
      gridSeed: GRID_SEED,
    },
    wallTimeSeconds: Math.round(summary.elapsedSeconds * 10) / 10,
    metrics,
    createdAt: new Date().toISOString(),
  };
  writeFileSync(indexPath(), `${JSON.stringify(upsertModelEntry(readIndex(), entry), null, 2)}\n`);
  for (const m of Object.values(trained.models)) m.dispose();
}

async function main(): Promise<void> {
  const cli = parseCli(process.argv.slice(2));
  const ids: readonly ModelId[] =
    cli.model === 'all' ? MODEL_IDS : MODEL_IDS.filter((id) => id === cli.model);
  if (ids.length === 0) {
    throw new Error(`unknown --model ${cli.model}: one of ${MODEL_IDS.join(', ')}, all`);
  }
  const backend = await initNodeBackend(cli.backend);
  MODELS_DIR = cli.modelsDir;
  mkdirSync(MODELS_DIR, { recursive: true });
  for (const id of ids) await run(id, cli, backend);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
