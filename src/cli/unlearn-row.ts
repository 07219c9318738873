/**
 * The paper's MNIST protocol for one row (generator × feature): sample N latents, tag them with
 * the Morpho measure as a simulated person, find z_e and t, unlearn, evaluate on fresh samples.
 * `npm run unlearn` runs one row; `npm run experiments` runs many.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { resolveOptions, type UnlearnOptions, type UnlearnOptionsInput } from '../lib/core/options';
import { streamLatents, streamSeed } from '../lib/core/seed-streams';
import {
  formatRecipe,
  taggedIndices,
  tagsFromIndices,
  targetFingerprint,
  type RecipeExpect,
} from '../lib/core/recipe';
import { hasFeature, type MorphoMeasures, type MorphoThresholds } from '../lib/core/morpho/index';
import { parseModelIndex, type ModelEntry } from '../lib/models/manifest';
import type { GeneratorBytes, ModelJson } from '../lib/models/bytes';
import { judge, type FeatureLabeler } from '../lib/eval/judge';
import { LocalEngine } from '../lib/engine/local-engine';
import type { TargetDiagnostics } from '../lib/train/unlearn/target';
import type { UnlearnProgress } from '../lib/train/unlearn/session';
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
    options: resolveOptions({
      alpha: 3,
      learningRate: 1e-4,
      epochs: 200,
      batchSize: 64,
      ...overrides,
    }),
  };
}

/** Quality and feature share of one set of samples. */
export interface SampleScores {
  targetFeatureRatio: number;
  isMnist: number;
  fidMnist: number;
  digitHistogram: number[];
}

export interface RowResult {
  model: GeneratorId;
  feature: Feature;
  config: RowConfig;
  seconds: number;
  trainSeconds: number;
  stepsPerSecond: number;
  backend: string;
  /** ROC-AUC of proj(z) as a detector of the Morpho label on the fresh samples (Table 5). */
  rocAuc: number;
  target: Omit<TargetDiagnostics, 'targetVector' | 'histogram'>;
  targetFeatureRatio: { original: number; unlearned: number; floor: number };
  isMnist: { original: number; unlearned: number };
  fidMnist: { original: number; unlearned: number };
  digitHistogram: { original: number[]; unlearned: number[] };
  /** The recipe hash that replays this row in the app or with `--recipe` (core/recipe). */
  recipe: string;
}

/** The recipe of a finished row: its grid, tags, options and steps, and what it reached. */
async function rowRecipe(
  cfg: RowConfig,
  isPositive: Uint8Array,
  target: TargetDiagnostics,
  steps: number,
  reached: { tfr: number | null; isMnist: number | null; fidMnist: number | null },
): Promise<string> {
  const expect: RecipeExpect = {
    threshold: target.threshold,
    targetVector: await targetFingerprint(target.targetVector),
  };
  if (reached.tfr !== null) expect.tfr = reached.tfr;
  if (reached.isMnist !== null) expect.isMnist = reached.isMnist;
  if (reached.fidMnist !== null) expect.fidMnist = reached.fidMnist;
  return formatRecipe({
    model: cfg.model,
    count: cfg.poolSize,
    tags: taggedIndices(isPositive),
    feature: { kind: 'morpho', feature: cfg.feature, slantSide: cfg.slantSide },
    options: { ...cfg.options, steps },
    evalCount: cfg.evalSamples,
    expect,
  });
}

/** What a row hands back beyond the numbers: the engine (for saving g_θ) and preview images. */
export interface RowRun {
  result: RowResult;
  engine: LocalEngine;
  /** unitImages [P · 784] of the same latents before and after, and their sim flags. */
  preview: { original: Float32Array; student: Float32Array; flagged: Uint8Array };
  /** z_e, t and their diagnostics; the tags the target was found from. */
  target: TargetDiagnostics;
  isPositive: Uint8Array;
}

/** The manifest entry of a shipped model; throws a clear error when it is missing. */
export function modelEntry(id: string): ModelEntry {
  const index = parseModelIndex(JSON.parse(readFileSync('models/index.json', 'utf8')));
  const entry = index.models.find((m) => m.id === id);
  if (entry === undefined) {
    throw new Error(`models/index.json has no model "${id}": run npm run train -- --model ${id}`);
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
  const classifierSha = classifierEntry.files.find((f) => f.path.endsWith('weights.bin'))?.sha256;
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

/**
 * Runs one row end to end. `log` gets human progress lines (stderr in the CLI); `onProgress`
 * the training progress.
 */
export async function runRow(
  cfg: RowConfig,
  hooks: {
    log?: (line: string) => void;
    onProgress?: (p: UnlearnProgress) => void;
    /** Splits each step over worker threads (parallel/pool.ts); else this thread trains. */
    parallel?: GradientSourceFactory;
  } = {},
  evalContext?: EvalContext,
): Promise<RowRun> {
  const log = hooks.log ?? (() => undefined);
  const started = performance.now();
  const entry = modelEntry(cfg.model);
  const latentDim = entry.latentDim ?? 0;
  const outputRange = entry.outputRange ?? 'unit';
  const ctx = evalContext ?? (await loadEvalContext());
  const { thresholds } = ctx;

  const engine = new LocalEngine({ parallel: hooks.parallel });
  const bytes = readModelBytes(join('models', cfg.model));
  await engine.loadGenerator({ id: cfg.model, ...bytes, latentDim, outputRange });
  await engine.loadClassifier('mnist', ctx.classifierBytes);

  const seed = cfg.options.seed;
  const pool = streamLatents(seed, 'tagGrid', cfg.poolSize, latentDim);
  let isPositive: Uint8Array;
  if (cfg.tags !== undefined) {
    isPositive = tagsFromIndices(cfg.tags, cfg.poolSize);
    log(`Tags from the recipe: ${cfg.tags.length} of ${cfg.poolSize} samples.`);
  } else {
    log(`Tagging ${cfg.poolSize} samples with the Morpho measure (simulated person)…`);
    const poolImages = await engine.generate(pool);
    const tags = await featureLabels(poolImages, cfg.poolSize, thresholds, cfg);
    isPositive = Uint8Array.from(tags.labels, (b) => (b ? 1 : 0));
  }
  const previewLatents = streamLatents(seed, 'preview', 64, latentDim);
  const target = await engine.startSession({
    pool,
    isPositive,
    previewLatents,
    options: cfg.options,
  });
  log(
    `Target: ${target.positives} positives, ${target.negatives} negatives; t = ${target.threshold.toFixed(3)}; ` +
      `sim flags ${(100 * target.flaggedFresh).toFixed(1)} % of fresh latents.`,
  );

  const trainStart = performance.now();
  const summary = await engine.run({ progressEvery: 20 }, hooks.onProgress);
  const trainSeconds = (performance.now() - trainStart) / 1000;
  log(`Unlearned ${summary.steps} steps in ${trainSeconds.toFixed(1)} s.`);

  log(`Evaluating on ${cfg.evalSamples} fresh samples…`);
  const n = cfg.evalSamples;
  const judgement = await judge({
    engine,
    roles: ['original', 'student'],
    latents: streamLatents(seed, 'evaluation', n, latentDim),
    count: n,
    latentDim,
    labeler: morphoLabeler(thresholds, cfg),
    quality: { reference: ctx.reference },
    target,
    floor: true,
    attack: null,
  });
  const [original, unlearned] = judgement.generators;
  const preview = await engine.preview();
  if (evalContext === undefined) ctx.classifier.dispose();

  const { targetVector: _v, histogram: _h, ...targetSummary } = target;
  const result: RowResult = {
    model: cfg.model,
    feature: cfg.feature,
    config: cfg,
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
    isMnist: { original: original.isMnist?.mean ?? 0, unlearned: unlearned.isMnist?.mean ?? 0 },
    fidMnist: { original: original.fidMnist ?? 0, unlearned: unlearned.fidMnist ?? 0 },
    digitHistogram: {
      original: original.histogram ?? [],
      unlearned: unlearned.histogram ?? [],
    },
    recipe: await rowRecipe(cfg, isPositive, target, summary.steps, {
      tfr: unlearned.tfr,
      isMnist: unlearned.isMnist?.mean ?? null,
      fidMnist: unlearned.fidMnist,
    }),
  };
  return { result, engine, preview, target, isPositive };
}
