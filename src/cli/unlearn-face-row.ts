/**
 * The paper's CelebA protocol for one face row (generator × attribute), on the avatar faces:
 * an attribute classifier tags N latents as the simulated person, z_e and t are found, g_θ is
 * unlearned with Table 4's CelebA settings, and f and g_θ are judged on fresh samples: TFR by
 * `feature-<attribute>-a`, IS_faces and FID_faces by the faces classifier, the out-of-sample
 * ROC-AUC of the projection, and the PGD attack of Algorithm 1 (h_a = `feature-<attribute>-a`,
 * judged by `feature-<attribute>-b`).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { resolveOptions, type UnlearnOptions, type UnlearnOptionsInput } from '../lib/core/options';
import { PAPER_SETTINGS } from '../lib/core/paper-settings';
import type { FeatureRef } from '../lib/core/recipe';
import { FACE_ATTRIBUTES, type FaceAttribute } from '../lib/data/faces/attributes';
import { classifierLabeler } from '../lib/eval/judge';
import type { LocalEngine } from '../lib/engine/local-engine';
import { FACE_CLASSIFIER_ID, loadFacesQuality } from './faces/train-faces';
import {
  protocolNumbers,
  readModelBytes,
  rowRecipe,
  runProtocol,
  type ProtocolNumbers,
  type RowHooks,
  type RowRun,
} from './unlearn-row';

/** The face generators a row can unlearn. */
export const FACE_GENERATOR_IDS = ['proggan-faces', 'vae-faces'] as const;
export type FaceGeneratorId = (typeof FACE_GENERATOR_IDS)[number];
export { FACE_ATTRIBUTES, type FaceAttribute };

/** Whether `id` names a face generator. */
export function isFaceGenerator(id: string): id is FaceGeneratorId {
  return (FACE_GENERATOR_IDS as readonly string[]).includes(id);
}

/** The PGD attack of a face row (Algorithm 1, Table 2). */
export interface FaceAttackConfig {
  /** Latents of the run seed's attack stream it starts from (paper: 10,000). */
  samples: number;
  /** ε: the L∞ radius (the paper's text gives 0.1 and 1). */
  epsilon: number;
  /** A: signed steps (paper: 50). */
  steps: number;
  /** η: the step size (paper: 0.02). */
  stepSize: number;
}

/**
 * Table 2's attack: η 0.02, 50 steps, ε 0.1. 1,000 start latents rather than the paper's 10,000:
 * 50 gradient steps through G and h_a for 10,000 latents take over an hour on two CPU cores.
 */
export const PAPER_FACE_ATTACK: Readonly<FaceAttackConfig> = {
  samples: 1000,
  epsilon: 0.1,
  steps: 50,
  stepSize: 0.02,
};

export interface FaceRowConfig {
  model: FaceGeneratorId;
  feature: FaceAttribute;
  /** Latents tagged by the simulated person (paper, CelebA: 500, Table 4). */
  poolSize: number;
  /** Fresh samples for the evaluation (paper: 10,000). */
  evalSamples: number;
  options: UnlearnOptions;
  /** Tagged grid indices from a recipe; unset: `tagger` tags as a simulated person. */
  tags?: number[];
  /** The classifier (a shipped model id) that tags the pool; default `feature-<feature>-a`. */
  tagger: string;
  /** The PGD attack; null: none. */
  attack: FaceAttackConfig | null;
  /** Where the models are (default models/). */
  modelsDir?: string;
}

/**
 * Table 4's CelebA settings: lr 2e-4, α 300, 500 epochs over 500 tagged latents; batch 64 (the
 * paper does not give its batch size). `overrides` are options the caller set (e.g. fewer
 * epochs).
 */
export function paperFaceRowConfig(
  model: FaceGeneratorId,
  feature: FaceAttribute,
  overrides: UnlearnOptionsInput = {},
): FaceRowConfig {
  return {
    model,
    feature,
    poolSize: 500,
    evalSamples: 10_000,
    options: resolveOptions({ ...PAPER_SETTINGS.celeba, batchSize: 64, ...overrides }),
    tagger: `feature-${feature}-a`,
    attack: { ...PAPER_FACE_ATTACK },
  };
}

/** The PGD attack's numbers: h_b's feature share before and after, per generator. */
export interface FaceAttackResult extends FaceAttackConfig {
  original: { before: number; after: number };
  unlearned: { before: number; after: number };
}

/** A face row's numbers; TFR and the floor by `feature-<feature>-a`. */
export interface FaceRowResult extends ProtocolNumbers {
  model: FaceGeneratorId;
  feature: FaceAttribute;
  config: FaceRowConfig;
  isFaces: { original: number; unlearned: number };
  fidFaces: { original: number; unlearned: number };
  attack: FaceAttackResult | null;
  /** Who tagged the pool and who measured the TFR, in words. */
  taggedBy: string;
  measuredBy: string;
  recipe: string;
}

/** The attribute of a face row, as recipes and provenance record it. */
export function attributeRef(cfg: Pick<FaceRowConfig, 'feature'>): FeatureRef {
  return { kind: 'attribute', attribute: cfg.feature };
}

/** Loads shipped classifier `id` into the engine as `role`. */
export async function loadShipped(
  engine: LocalEngine,
  modelsDir: string,
  id: string,
  role: 'faces' | 'feature' | 'featureA' | 'featureB',
): Promise<void> {
  const dir = join(modelsDir, id);
  if (!existsSync(join(dir, 'model.json'))) {
    throw new Error(`${dir} is missing: run npm run train -- --model ${id}`);
  }
  await engine.loadClassifier(role, readModelBytes(dir));
}

/**
 * Runs one face row end to end; `log` gets human progress lines, `onProgress` the training
 * progress.
 */
export async function runFaceRow(
  cfg: FaceRowConfig,
  hooks: RowHooks = {},
): Promise<RowRun<FaceRowResult>> {
  const started = performance.now();
  const modelsDir = cfg.modelsDir ?? 'models';
  const judgeId = `feature-${cfg.feature}-a`;
  const quality = await loadFacesQuality(modelsDir);
  quality.classifier.dispose();
  const outcome = await runProtocol(
    {
      model: cfg.model,
      modelsDir,
      poolSize: cfg.poolSize,
      evalSamples: cfg.evalSamples,
      options: cfg.options,
      tags: cfg.tags,
      setUp: async (engine) => {
        await loadShipped(engine, modelsDir, FACE_CLASSIFIER_ID, 'faces');
        await loadShipped(engine, modelsDir, judgeId, 'featureA');
        await loadShipped(engine, modelsDir, cfg.tagger, 'feature');
        if (cfg.attack !== null) {
          await loadShipped(engine, modelsDir, `feature-${cfg.feature}-b`, 'featureB');
        }
        return {
          tagger: classifierLabeler(engine, 'feature', `${cfg.tagger} (logit > 0)`),
          labeler: classifierLabeler(engine, 'featureA', `${judgeId} (logit > 0)`),
          quality: { network: 'faces', reference: quality.reference },
          attack: cfg.attack,
        };
      },
    },
    hooks,
  );
  const { engine, target, isPositive, preview, imageShape, summary, measures } = outcome;
  const [original, unlearned] = outcome.judgement.generators;
  const attack =
    cfg.attack !== null && original.attack !== null && unlearned.attack !== null
      ? { ...cfg.attack, original: original.attack, unlearned: unlearned.attack }
      : null;
  const result: FaceRowResult = {
    model: cfg.model,
    feature: cfg.feature,
    config: cfg,
    ...protocolNumbers(outcome, started),
    isFaces: { original: original.isFaces?.mean ?? 0, unlearned: unlearned.isFaces?.mean ?? 0 },
    fidFaces: { original: original.fidFaces ?? 0, unlearned: unlearned.fidFaces ?? 0 },
    attack,
    taggedBy: cfg.tags === undefined ? measures.tagger.name : 'the recipe',
    measuredBy: measures.labeler.name,
    recipe: await rowRecipe(cfg, attributeRef(cfg), isPositive, target, summary.steps, {
      tfr: unlearned.tfr,
      isFaces: unlearned.isFaces?.mean ?? null,
      fidFaces: unlearned.fidFaces,
    }),
  };
  return { result, engine, preview, imageShape, target, isPositive };
}
