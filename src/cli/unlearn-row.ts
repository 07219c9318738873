/**
 * The paper's MNIST protocol for one row (generator × feature): sample N latents, tag them with
 * the Morpho measure as a simulated person, find z_e and t, unlearn, evaluate on fresh samples.
 * `npm run unlearn` runs one row; `npm run experiments` runs many.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { resolveOptions, type UnlearnOptions } from '../lib/core/options';
import { sampleLatents } from '../lib/core/rng';
import { projection } from '../lib/core/target-vector';
import { rocAuc } from '../lib/core/roc';
import { hasFeature, type MorphoMeasures, type MorphoThresholds } from '../lib/core/morpho/index';
import { parseModelIndex, type ModelEntry } from '../lib/models/manifest';
import type { ModelJson } from '../lib/models/bytes';
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
}

/** The paper's MNIST settings (Table 4): α 3, lr 1e-4, 200 epochs over 500 latents, batch 64. */
export function paperRowConfig(
  model: GeneratorId,
  feature: Feature,
  overrides: Partial<UnlearnOptions> = {},
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
}

/** What a row hands back beyond the numbers: the engine (for saving g_θ) and preview images. */
export interface RowRun {
  result: RowResult;
  engine: LocalEngine;
  /** unitImages [P · 784] of the same latents before and after, and their sim flags. */
  preview: { original: Float32Array; student: Float32Array; flagged: Uint8Array };
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

/** A seed for one purpose (1 tagging pool, 2 preview, 3 evaluation) derived from the run's seed. */
export function seedStream(seed: number, stream: number): number {
  return (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(stream, 0xc2b2ae35)) >>> 0;
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
  reference: GaussianStats;
  thresholds: MorphoThresholds;
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
  return { classifier, reference, thresholds };
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
  const dir = join('models', cfg.model);
  const modelJson = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as ModelJson;
  const weightsFile = readFileSync(join(dir, 'weights.bin'));
  const weights = weightsFile.buffer.slice(
    weightsFile.byteOffset,
    weightsFile.byteOffset + weightsFile.byteLength,
  );
  const ctx = evalContext ?? (await loadEvalContext());
  const { thresholds } = ctx;

  const engine = new LocalEngine({ parallel: hooks.parallel });
  await engine.loadGenerator({ id: cfg.model, modelJson, weights, latentDim, outputRange });

  const seed = cfg.options.seed;
  const pool = sampleLatents(seedStream(seed, 1), cfg.poolSize, latentDim);
  log(`Tagging ${cfg.poolSize} samples with the Morpho measure (simulated person)…`);
  const poolImages = await engine.generate(pool);
  const tags = await featureLabels(poolImages, cfg.poolSize, thresholds, cfg);
  const isPositive = Uint8Array.from(tags.labels, (b) => (b ? 1 : 0));
  const previewLatents = sampleLatents(seedStream(seed, 2), 64, latentDim);
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
  const evalLatents = sampleLatents(seedStream(seed, 3), cfg.evalSamples, latentDim);
  const n = cfg.evalSamples;
  const original = await scoreSamples(await engine.generate(evalLatents, 'original'), n, ctx, cfg);
  const unlearned = await scoreSamples(await engine.generate(evalLatents, 'student'), n, ctx, cfg);
  const floor = await featureLabels(await engine.targets(evalLatents), n, thresholds, cfg);
  const auc = rocAuc(projection(evalLatents, latentDim, target.targetVector), original.labels);
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
    rocAuc: auc,
    target: targetSummary,
    targetFeatureRatio: {
      original: original.targetFeatureRatio,
      unlearned: unlearned.targetFeatureRatio,
      floor: floor.labels.filter(Boolean).length / n,
    },
    isMnist: { original: original.isMnist, unlearned: unlearned.isMnist },
    fidMnist: { original: original.fidMnist, unlearned: unlearned.fidMnist },
    digitHistogram: { original: original.digitHistogram, unlearned: unlearned.digitHistogram },
  };
  return { result, engine, preview };
}
