/**
 * The paper's MNIST protocol for one row (generator × feature): sample N latents, tag them with
 * the Morpho measure as a simulated person, find z_e and t, unlearn, evaluate on fresh samples.
 * `npm run unlearn` runs one row; `npm run experiments` runs many. The face rows (face-row.ts)
 * run the same protocol ({@link runProtocol}) with attribute classifiers.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { resolveOptions, type UnlearnOptions, type UnlearnOptionsInput } from '../lib/core/options';
import { PAPER_SETTINGS } from '../lib/core/paper-settings';
import { streamLatents, streamSeed } from '../lib/core/seed-streams';
import {
  formatRecipe,
  taggedIndices,
  tagsFromIndices,
  targetFingerprint,
  type FeatureRef,
  type RecipeExpect,
} from '../lib/core/recipe';
import { hasFeature, type MorphoMeasures, type MorphoThresholds } from '../lib/core/morpho/index';
import { parseModelIndex, weightsSha256, type ModelEntry } from '../lib/models/manifest';
import type { GeneratorBytes, ModelJson } from '../lib/models/bytes';
import type { OutputRange } from '../lib/models/image-range';
import type { ImageShape } from '../lib/models/image-shape';
import { judge, type FeatureLabeler, type JudgeSpec, type Judgement } from '../lib/eval/judge';
import { LocalEngine } from '../lib/engine/local-engine';
import type { TargetDiagnostics } from '../lib/train/unlearn/target';
import type { RunSummary, UnlearnProgress } from '../lib/train/unlearn/session';
import type { GradientSourceFactory } from '../lib/train/data-parallel';
import {
  classifierOutputs,
  digitHistogram,
  fidMnist,
  isMnist,
  quantiseUnitImages,
  targetFeatureRatio,
  type GaussianStats,
} from '../lib/train/metrics';
import { loadModelFromDir } from './model-files';
import { loadMorphoThresholds, referenceStats } from './model-metrics';
import { measureMany } from './morpho-pool';

export type GeneratorId = 'dcgan-mnist' | 'vae-mnist';
export type Feature = 'thickness' | 'slant';

export interface RowConfig {
  model: GeneratorId;
  feature: Feature;
  slantSide: 'left' | 'right' | 'abs';
  /** Latents tagged by the simulated person (paper, MNIST: 500). */
  poolSize: number;
  /** Fresh samples for the evaluation (paper: 10,000). */
  evalSamples: number;
  options: UnlearnOptions;
  /** Tagged grid indices from a recipe; unset: the Morpho measure tags as a simulated person. */
  tags?: number[];
}

/** The paper's MNIST settings (Table 4): α 3, lr 1e-4, 200 epochs over 500 latents, batch 64. */
export function paperRowConfig(
  model: GeneratorId,
  feature: Feature,
  overrides: UnlearnOptionsInput = {},
): RowConfig {
  return {
    model,
    feature,
    slantSide: 'left',
    poolSize: 500,
    evalSamples: 10_000,
    options: resolveOptions({ ...PAPER_SETTINGS.mnist, batchSize: 64, ...overrides }),
  };
}

/** Quality and feature share of one set of samples. */
export interface SampleScores {
  targetFeatureRatio: number;
  isMnist: number;
  fidMnist: number;
  digitHistogram: number[];
}

/** What every row reports, whatever its data. */
export interface ProtocolNumbers {
  seconds: number;
  trainSeconds: number;
  stepsPerSecond: number;
  backend: string;
  /** ROC-AUC of proj(z) as a detector of the feature's label on the fresh samples (Table 5). */
  rocAuc: number;
  target: Omit<TargetDiagnostics, 'targetVector' | 'histogram'>;
  /** Shares by the row's measure; floor: of the targets a perfect student would draw. */
  targetFeatureRatio: { original: number; unlearned: number; floor: number };
}

export interface RowResult extends ProtocolNumbers {
  model: GeneratorId;
  feature: Feature;
  config: RowConfig;
  isMnist: { original: number; unlearned: number };
  fidMnist: { original: number; unlearned: number };
  digitHistogram: { original: number[]; unlearned: number[] };
  /** The recipe hash that replays this row in the app or with `--recipe` (core/recipe). */
  recipe: string;
}

/**
 * The recipe of a finished row: its grid, tags, feature, options and steps, and what it reached
 * (each metric that was measured).
 */
export async function rowRecipe(
  row: { model: string; poolSize: number; evalSamples: number; options: UnlearnOptions },
  feature: FeatureRef,
  isPositive: Uint8Array,
  target: TargetDiagnostics,
  steps: number,
  reached: Partial<Record<'tfr' | 'isMnist' | 'fidMnist' | 'isFaces' | 'fidFaces', number | null>>,
): Promise<string> {
  const expect: RecipeExpect = {
    threshold: target.threshold,
    targetVector: await targetFingerprint(target.targetVector),
  };
  for (const [key, value] of Object.entries(reached)) {
    if (value !== null && value !== undefined) expect[key as keyof typeof reached] = value;
  }
  return formatRecipe({
    model: row.model,
    count: row.poolSize,
    tags: taggedIndices(isPositive),
    feature,
    options: { ...row.options, steps },
    evalCount: row.evalSamples,
    expect,
  });
}

/** What a row hands back beyond the numbers: the engine (for saving g_θ) and preview images. */
export interface RowRun<R = RowResult> {
  result: R;
  engine: LocalEngine;
  /** unitImages [P · H · W · C] of the same latents before and after, and their sim flags. */
  preview: { original: Float32Array; student: Float32Array; flagged: Uint8Array };
  /** The generator's image shape. */
  imageShape: ImageShape;
  /** z_e, t and their diagnostics; the tags the target was found from. */
  target: TargetDiagnostics;
  isPositive: Uint8Array;
}

/** The Morpho feature of an MNIST row, as recipes and provenance record it. */
export function morphoRef(cfg: Pick<RowConfig, 'feature' | 'slantSide'>): FeatureRef {
  return { kind: 'morpho', feature: cfg.feature, slantSide: cfg.slantSide };
}

/** The manifest entry of a shipped model; throws a clear error when it is missing. */
export function modelEntry(id: string, modelsDir = 'models'): ModelEntry {
  const path = join(modelsDir, 'index.json');
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new Error(`${path} cannot be read: run npm run train -- --model ${id}`);
  }
  const entry = parseModelIndex(json).models.find((m) => m.id === id);
  if (entry === undefined) {
    throw new Error(`${path} has no model "${id}": run npm run train -- --model ${id}`);
  }
  return entry;
}

const NUMBERED_STREAMS = ['tagGrid', 'preview', 'evaluation', 'attack'] as const;

/** The seed of numbered stream 1–4 (tag grid, preview, evaluation, attack): see core/seed-streams. */
export function seedStream(seed: number, stream: 1 | 2 | 3 | 4): number {
  return streamSeed(seed, NUMBERED_STREAMS[stream - 1]);
}

/** Morpho labels of unitImages [n · 784]: true where the sample shows the feature. */
export async function featureLabels(
  unitImages: Float32Array,
  count: number,
  thresholds: MorphoThresholds,
  cfg: Pick<RowConfig, 'feature' | 'slantSide'>,
): Promise<{ labels: boolean[]; measures: MorphoMeasures[] }> {
  const measures = await measureMany(quantiseUnitImages(unitImages, count), count);
  const labels = measures.map((m) => hasFeature(m, thresholds, cfg.feature, cfg.slantSide));
  return { labels, measures };
}

/** What evaluation needs besides the generator: the MNIST classifier, its test-set statistics, the thresholds. */
export interface EvalContext {
  classifier: tf.LayersModel;
  /** The same classifier as files, for the engine the judge drives. */
  classifierBytes: GeneratorBytes;
  reference: GaussianStats;
  thresholds: MorphoThresholds;
}

/** model.json + weights.bin of the shipped model in `dir`, as bytes. */
export function readModelBytes(dir: string): GeneratorBytes {
  const modelJson = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as ModelJson;
  const file = readFileSync(join(dir, 'weights.bin'));
  const weights = file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength);
  return { modelJson, weights };
}

/** The Morpho measure as the judge's labeler: 1 where a sample shows `cfg`'s feature. */
export function morphoLabeler(
  thresholds: MorphoThresholds,
  cfg: Pick<RowConfig, 'feature' | 'slantSide'>,
): FeatureLabeler {
  const what = cfg.feature === 'slant' ? `${cfg.slantSide} slant` : cfg.feature;
  return {
    name: `Morpho-MNIST ${what} (thresholds of the MNIST training set)`,
    labels: async (unitImages, count) => {
      const { labels } = await featureLabels(unitImages, count, thresholds, cfg);
      return Uint8Array.from(labels, (b) => (b ? 1 : 0));
    },
  };
}

/** Loads the shipped mnist-classifier, its FID reference statistics and the Morpho thresholds. */
export async function loadEvalContext(): Promise<EvalContext> {
  const thresholds = loadMorphoThresholds();
  const classifierEntry = modelEntry('mnist-classifier');
  const classifier = await loadModelFromDir(join('models', 'mnist-classifier'));
  const classifierSha = weightsSha256(classifierEntry);
  const reference = await referenceStats(
    classifier,
    classifierSha ?? '',
    join('models', 'mnist-classifier', 'test-stats.json'),
  );
  return {
    classifier,
    classifierBytes: readModelBytes(join('models', 'mnist-classifier')),
    reference,
    thresholds,
  };
}

/** TFR, IS_mnist, FID_mnist and digit histogram of unitImages [count · 784], plus their Morpho labels. */
export async function scoreSamples(
  unitImages: Float32Array,
  count: number,
  ctx: EvalContext,
  cfg: Pick<RowConfig, 'feature' | 'slantSide'>,
): Promise<SampleScores & { labels: boolean[] }> {
  const { classifier, reference, thresholds } = ctx;
  const { labels, measures } = await featureLabels(unitImages, count, thresholds, cfg);
  const outputs = await classifierOutputs(classifier, unitImages, count);
  return {
    labels,
    targetFeatureRatio: targetFeatureRatio(measures, thresholds, cfg.feature, cfg.slantSide),
    isMnist: isMnist(outputs, count).mean,
    fidMnist: fidMnist(outputs, count, reference),
    digitHistogram: digitHistogram(outputs, count),
  };
}

/** How a protocol run measures: set up once its generator is loaded in the engine. */
export interface ProtocolMeasures {
  /** The simulated person who tags the pool. */
  tagger: FeatureLabeler;
  /** What the judge counts as the feature (the TFR). */
  labeler: FeatureLabeler;
  quality: JudgeSpec['quality'];
  /** PGD from the attack stream's first `samples` latents (h_a, h_b loaded); null: none. */
  attack: { samples: number; epsilon: number; steps: number; stepSize?: number } | null;
}

/** One run of the protocol, whatever the data: the generator, the pool, the options. */
export interface ProtocolRun {
  model: string;
  /** Where the models are (default models/). */
  modelsDir?: string;
  poolSize: number;
  evalSamples: number;
  options: UnlearnOptions;
  /** Tagged grid indices from a recipe; unset: the tagger tags. */
  tags?: number[];
  /** Loads what the measures need into the engine (the generator is loaded). */
  setUp(engine: LocalEngine): Promise<ProtocolMeasures>;
}

/** What {@link runProtocol} found, before a row turns it into its result. */
export interface ProtocolOutcome {
  engine: LocalEngine;
  judgement: Judgement;
  target: TargetDiagnostics;
  isPositive: Uint8Array;
  preview: RowRun['preview'];
  imageShape: ImageShape;
  summary: RunSummary;
  trainSeconds: number;
  latentDim: number;
  measures: ProtocolMeasures;
}

/** What a row's caller hears and lends: progress lines, training progress, worker threads. */
export interface RowHooks {
  log?: (line: string) => void;
  onProgress?: (p: UnlearnProgress) => void;
  /** Splits each step over worker threads (parallel/pool.ts); else this thread trains. */
  parallel?: GradientSourceFactory;
}

/** A local engine with the shipped generator `model` loaded as the original. */
export async function engineWithShipped(
  model: string,
  modelsDir = 'models',
  parallel?: GradientSourceFactory,
): Promise<{ engine: LocalEngine; latentDim: number; imageShape: ImageShape }> {
  const entry = modelEntry(model, modelsDir);
  const latentDim = entry.latentDim ?? 0;
  const outputRange: OutputRange = entry.outputRange ?? 'unit';
  const engine = new LocalEngine({ parallel });
  const { imageShape } = await engine.loadGenerator({
    id: model,
    ...readModelBytes(join(modelsDir, model)),
    latentDim,
    outputRange,
  });
  return { engine, latentDim, imageShape };
}

/**
 * The protocol of every row: load f, tag N latents of the tag-grid stream with the simulated
 * person (or take a recipe's tags), find z_e and t, unlearn, then judge f and g_θ on the
 * evaluation stream (TFR, IS/FID, out-of-sample ROC-AUC, floor, attack).
 */
export async function runProtocol(
  run: ProtocolRun,
  hooks: RowHooks = {},
): Promise<ProtocolOutcome> {
  const log = hooks.log ?? (() => undefined);
  const { engine, latentDim, imageShape } = await engineWithShipped(
    run.model,
    run.modelsDir,
    hooks.parallel,
  );
  const measures = await run.setUp(engine);

  const seed = run.options.seed;
  const pool = streamLatents(seed, 'tagGrid', run.poolSize, latentDim);
  let isPositive: Uint8Array;
  if (run.tags !== undefined) {
    isPositive = tagsFromIndices(run.tags, run.poolSize);
    log(`Tags from the recipe: ${run.tags.length} of ${run.poolSize} samples.`);
  } else {
    log(`Tagging ${run.poolSize} samples with ${measures.tagger.name} (simulated person)…`);
    isPositive = await measures.tagger.labels(await engine.generate(pool), run.poolSize);
    const shown = isPositive.reduce((a, b) => a + b, 0);
    if (shown === 0 || shown === run.poolSize) {
      throw new Error(
        `${measures.tagger.name} tagged ${shown === 0 ? 'none' : 'all'} of the ${run.poolSize} samples as showing the feature, ` +
          'so there is no direction to find: use a larger --pool, another --seed, or another tagger.',
      );
    }
  }
  const previewLatents = streamLatents(seed, 'preview', 64, latentDim);
  const target = await engine.startSession({
    pool,
    isPositive,
    previewLatents,
    options: run.options,
  });
  log(
    `Target: ${target.positives} positives, ${target.negatives} negatives; t = ${target.threshold.toFixed(3)}; ` +
      `sim flags ${(100 * target.flaggedFresh).toFixed(1)} % of fresh latents.`,
  );

  const trainStart = performance.now();
  const summary = await engine.run({ progressEvery: 20 }, hooks.onProgress);
  const trainSeconds = (performance.now() - trainStart) / 1000;
  log(`Unlearned ${summary.steps} steps in ${trainSeconds.toFixed(1)} s.`);

  const n = run.evalSamples;
  log(`Evaluating on ${n} fresh samples…`);
  const { attack } = measures;
  const judgement = await judge({
    engine,
    roles: ['original', 'student'],
    latents: streamLatents(seed, 'evaluation', n, latentDim),
    count: n,
    latentDim,
    labeler: measures.labeler,
    quality: measures.quality,
    target,
    floor: true,
    attack:
      attack === null
        ? null
        : {
            latents: streamLatents(seed, 'attack', attack.samples, latentDim),
            epsilon: attack.epsilon,
            steps: attack.steps,
            stepSize: attack.stepSize,
          },
    onProgress: (text) => log(`  ${text}`),
  });
  const preview = await engine.preview();
  return {
    engine,
    judgement,
    target,
    isPositive,
    preview,
    imageShape,
    summary,
    trainSeconds,
    latentDim,
    measures,
  };
}

/** The numbers every row reports, whatever its data: times, backend, AUC, target, TFR. */
export function protocolNumbers(outcome: ProtocolOutcome, started: number): ProtocolNumbers {
  const { judgement, target, summary, trainSeconds } = outcome;
  const [original, unlearned] = judgement.generators;
  const { targetVector: _v, histogram: _h, ...targetSummary } = target;
  return {
    seconds: (performance.now() - started) / 1000,
    trainSeconds,
    stepsPerSecond: summary.steps / trainSeconds,
    backend: tf.getBackend(),
    rocAuc: judgement.auc ?? Number.NaN,
    target: targetSummary,
    targetFeatureRatio: {
      original: original.tfr ?? Number.NaN,
      unlearned: unlearned.tfr ?? Number.NaN,
      floor: judgement.floor ?? Number.NaN,
    },
  };
}

/**
 * Runs one MNIST row end to end. `log` gets human progress lines (stderr in the CLI);
 * `onProgress` the training progress.
 */
export async function runRow(
  cfg: RowConfig,
  hooks: RowHooks = {},
  evalContext?: EvalContext,
): Promise<RowRun> {
  const started = performance.now();
  const ctx = evalContext ?? (await loadEvalContext());
  const morpho = morphoLabeler(ctx.thresholds, cfg);
  const outcome = await runProtocol(
    {
      model: cfg.model,
      poolSize: cfg.poolSize,
      evalSamples: cfg.evalSamples,
      options: cfg.options,
      tags: cfg.tags,
      setUp: async (engine) => {
        await engine.loadClassifier('mnist', ctx.classifierBytes);
        return {
          tagger: morpho,
          labeler: morpho,
          quality: { network: 'mnist', reference: ctx.reference },
          attack: null,
        };
      },
    },
    hooks,
  );
  if (evalContext === undefined) ctx.classifier.dispose();
  const { engine, target, isPositive, preview, imageShape, summary } = outcome;
  const [original, unlearned] = outcome.judgement.generators;
  const result: RowResult = {
    model: cfg.model,
    feature: cfg.feature,
    config: cfg,
    ...protocolNumbers(outcome, started),
    isMnist: { original: original.isMnist?.mean ?? 0, unlearned: unlearned.isMnist?.mean ?? 0 },
    fidMnist: { original: original.fidMnist ?? 0, unlearned: unlearned.fidMnist ?? 0 },
    digitHistogram: {
      original: original.histogram ?? [],
      unlearned: unlearned.histogram ?? [],
    },
    recipe: await rowRecipe(cfg, morphoRef(cfg), isPositive, target, summary.steps, {
      tfr: unlearned.tfr,
      isMnist: unlearned.isMnist?.mean ?? null,
      fidMnist: unlearned.fidMnist,
    }),
  };
  return { result, engine, preview, imageShape, target, isPositive };
}
