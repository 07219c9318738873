/**
 * The face groups of `npm run experiments`: Table 1's face rows (main), Table 6 (ablation),
 * Table 7 (alpha), Table 2 (attack) and longer fine-tunes on several seeds (length) on ProgGAN
 * bangs, and larger tagged pools (pool) on the bangs rows; each row run by the same protocol as
 * `npm run unlearn` (unlearn-face-row.ts) with fewer epochs than the paper's 500 when asked,
 * cached under keys that name its settings, with before/after sheets of the main rows.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { tileGrid } from '../lib/core/grid';
import { streamLatents } from '../lib/core/seed-streams';
import type { UnlearnOptionsInput } from '../lib/core/options';
import type { GeneratorRole } from '../lib/engine/types';
import type { GradientSourceFactory } from '../lib/train/data-parallel';
import { runHooks, type ExperimentCache } from './experiment-cache';
import {
  ABLATION_VARIANTS,
  FACE_ATTACK_EPSILONS,
  FACE_BATCH_SIZE,
  FACE_FOCUS,
  FACE_LENGTH_POOL,
  FACE_LENGTH_SEEDS,
  FACE_LENGTH_STEPS,
  FACE_ORACLE_ROWS,
  FACE_POOL_ALPHA,
  FACE_POOL_ROWS,
  FACE_POOL_SIZE,
  FACE_POOL_SIZES,
  faceOracleKey,
  faceRowSteps,
  poolSuffix,
  FACE_TABLE1_ROWS,
  faceRunKey,
  TABLE7_ALPHAS,
  type FaceAttackRow,
  type FaceExperimentResults,
  type FaceRunSettings,
} from './face-experiment-plan';
import { faceOracle } from './face-oracle';
import { writeGreyPng } from './png';
import {
  loadShipped,
  PAPER_FACE_ATTACK,
  paperFaceRowConfig,
  runFaceRow,
  type FaceAttribute,
  type FaceGeneratorId,
  type FaceRowResult,
} from './unlearn-face-row';
import { engineWithShipped, readModelBytes } from './unlearn-row';

/** The groups of `npm run experiments` that have face runs. */
export const FACE_GROUPS = [
  'main',
  'oracle',
  'ablation',
  'alpha',
  'attack',
  'pool',
  'length',
] as const;
export type FaceGroup = (typeof FACE_GROUPS)[number];

export interface FaceExperimentPlan extends FaceRunSettings {
  models: ReadonlySet<FaceGeneratorId>;
  groups: ReadonlySet<string>;
  cache: ExperimentCache;
  /** Where the before/after sheets go (docs/results). */
  sheetsDir: string;
  log: (line: string) => void;
  parallel?: GradientSourceFactory;
  /** Where the models are (default models/). */
  modelsDir?: string;
  /** The attack's ε to run (default: all of FACE_ATTACK_EPSILONS). */
  attackEpsilons?: readonly number[];
  /** Fine-tuning steps of each face oracle. */
  oracleSteps: number;
  /** The attributes whose rows run (default all); the focus groups need the focus's. */
  features?: ReadonlySet<string>;
}

/** Runs (or reads from the cache) every face run `plan` asks for. */
export async function runFaceExperiments(plan: FaceExperimentPlan): Promise<FaceExperimentResults> {
  const { cache, groups, models } = plan;
  const wanted = (f: FaceAttribute): boolean => plan.features?.has(f) ?? true;
  const key = (m: FaceGeneratorId, f: FaceAttribute, suffix = ''): string =>
    faceRunKey(m, f, plan, suffix);
  const results: FaceExperimentResults = {
    epochs: plan.epochs,
    evalSamples: plan.evalSamples,
    main: [],
    ablation: [],
    alpha: [],
    attack: [],
    oracle: [],
    pool: [],
    length: [],
    failed: [],
  };
  /**
   * `work`'s result; null when --report-only found it not cached, or when it failed: a row
   * whose tagger finds no positives must not end a run of hours, so the failure is logged,
   * recorded in the cache (a later --report-only reports it too) and reported, and the other
   * runs go on.
   */
  const attempt = async <T>(run: string, work: () => Promise<T>): Promise<T | null> => {
    try {
      const result = await cache.optional(work());
      const reason = result === null ? cache.failure(run) : null;
      if (reason !== null) results.failed.push({ run, reason });
      return result;
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      plan.log(`[${run}] failed: ${reason}`);
      cache.recordFailure(run, reason);
      results.failed.push({ run, reason });
      return null;
    }
  };
  for (const [m, f] of FACE_TABLE1_ROWS) {
    if (!groups.has('main') || !models.has(m) || !wanted(f)) continue;
    const k = key(m, f);
    const r = await attempt(k, () => faceRow(plan, k, m, f, {}, `${m}-${f}`));
    if (r !== null) results.main.push(r);
  }
  for (const [m, f] of FACE_ORACLE_ROWS) {
    if (!groups.has('oracle') || !models.has(m) || !wanted(f)) continue;
    const k = faceOracleKey(m, f, plan.oracleSteps, plan);
    const r = await attempt(k, () =>
      cache.cached(k, () =>
        faceOracle(m, f, {
          steps: plan.oracleSteps,
          seed: plan.seed,
          evalSamples: plan.evalSamples,
          modelsDir: plan.modelsDir,
          parallel: plan.parallel,
          checkpointDir: cache.oracleDir(`${m}-${f}`),
          log: plan.log,
        }),
      ),
    );
    if (r !== null) results.oracle?.push({ model: m, feature: f, ...r });
  }
  // As many steps as the main row, so only the number of tagged latents differs.
  const poolSteps = faceRowSteps(plan.epochs);
  for (const [m, f] of FACE_POOL_ROWS) {
    if (!groups.has('pool') || !models.has(m) || !wanted(f)) continue;
    for (const poolSize of FACE_POOL_SIZES) {
      for (const alpha of [undefined, FACE_POOL_ALPHA]) {
        const k = key(m, f, poolSuffix(poolSize, alpha));
        const overrides = alpha === undefined ? { steps: poolSteps } : { steps: poolSteps, alpha };
        const r = await attempt(k, () => faceRow(plan, k, m, f, overrides, undefined, poolSize));
        if (r !== null) results.pool?.push({ poolSize, result: r });
      }
    }
  }
  const [fm, ff] = FACE_FOCUS;
  if (!models.has(fm) || !wanted(ff)) return results;
  if (groups.has('ablation')) {
    for (const [name, terms] of ABLATION_VARIANTS) {
      const k = key(fm, ff, `-${name}`);
      const r = await attempt(k, () => faceRow(plan, k, fm, ff, { terms }));
      if (r !== null) results.ablation.push({ name, result: r });
    }
  }
  if (groups.has('alpha')) {
    for (const alpha of TABLE7_ALPHAS) {
      const k = key(fm, ff, `-alpha${alpha}`);
      const r = await attempt(k, () => faceRow(plan, k, fm, ff, { alpha }));
      if (r !== null) results.alpha.push({ alpha, result: r });
    }
  }
  if (groups.has('length')) {
    // Shortest first on every seed, so a run cut short still has whole lengths; the main row's
    // steps on the run's seed is the pool group's run, reused from the cache.
    const suffix = poolSuffix(FACE_LENGTH_POOL, FACE_POOL_ALPHA);
    for (const steps of [poolSteps, ...FACE_LENGTH_STEPS]) {
      for (let i = 0; i < FACE_LENGTH_SEEDS; i++) {
        const seed = plan.seed + i;
        const named = steps === poolSteps ? suffix : `${suffix}-steps${steps}`;
        const k = faceRunKey(fm, ff, { ...plan, seed }, named);
        const overrides = { steps, seed, alpha: FACE_POOL_ALPHA };
        const r = await attempt(k, () =>
          faceRow(plan, k, fm, ff, overrides, undefined, FACE_LENGTH_POOL),
        );
        if (r !== null) results.length?.push({ steps, seed, result: r });
      }
    }
  }
  if (groups.has('attack')) {
    // One cached run per ε, so the two can run in two processes (--attack-epsilons).
    const mainKey = key(fm, ff);
    for (const epsilon of plan.attackEpsilons ?? FACE_ATTACK_EPSILONS) {
      const k = key(fm, ff, `-attack-eps${epsilon}`);
      const rows = await attempt(k, () =>
        cache.cached(k, async () => {
          await faceRow(plan, mainKey, fm, ff, {}, `${fm}-${ff}`);
          return faceAttack(plan, fm, ff, cache.studentDir(mainKey), epsilon);
        }),
      );
      if (rows !== null) results.attack.push(...rows);
    }
  }
  return results;
}

/**
 * One face row with Table 4's CelebA settings, `plan`'s epochs and `overrides`, `poolSize`
 * tagged latents, no attack (the attack group runs it on the saved student); saves g_θ and,
 * given `sheets`, the before/after sheets docs/results/<sheets>-{before,after}.png of the same
 * 64 preview latents.
 */
function faceRow(
  plan: FaceExperimentPlan,
  key: string,
  model: FaceGeneratorId,
  feature: FaceAttribute,
  overrides: UnlearnOptionsInput,
  sheets?: string,
  poolSize: number = FACE_POOL_SIZE,
): Promise<FaceRowResult> {
  return plan.cache.cached(key, async () => {
    const cfg = paperFaceRowConfig(model, feature, {
      seed: plan.seed,
      epochs: plan.epochs,
      batchSize: FACE_BATCH_SIZE,
      ...overrides,
    });
    cfg.poolSize = poolSize;
    cfg.evalSamples = plan.evalSamples;
    cfg.attack = null;
    if (plan.modelsDir !== undefined) cfg.modelsDir = plan.modelsDir;
    const { result, engine, preview, imageShape } = await runFaceRow(
      cfg,
      runHooks(key, plan.log, plan.parallel),
    );
    plan.cache.saveStudent(key, await engine.exportStudent());
    await engine.dispose();
    if (sheets !== undefined) {
      const { height: side, channels } = imageShape;
      const count = preview.original.length / (side * side * channels);
      const opts = { cols: 8, channels, background: 1 };
      for (const [when, images] of [
        ['before', preview.original],
        ['after', preview.student],
      ] as const) {
        const path = join(plan.sheetsDir, `${sheets}-${when}.png`);
        writeGreyPng(path, tileGrid(images, count, side, side, opts));
      }
    }
    return result;
  });
}

/**
 * Table 2: Algorithm 1's PGD (h_a = `feature-<feature>-a`, η 0.02, 50 steps) on the original and
 * the saved unlearned generator at `epsilon`, from the run seed's attack latents, judged by
 * h_b = `feature-<feature>-b`. As many start latents as the evaluation has, at most the CLI's 1,000.
 */
async function faceAttack(
  plan: FaceExperimentPlan,
  model: FaceGeneratorId,
  feature: FaceAttribute,
  studentDir: string,
  epsilon: number,
): Promise<FaceAttackRow[]> {
  if (!existsSync(join(studentDir, 'weights.bin'))) {
    throw new Error(
      `${studentDir} is missing: the ${model} ${feature} row is cached without its unlearned ` +
        'generator; delete its JSON from the cache (or use --fresh) to run it again.',
    );
  }
  const modelsDir = plan.modelsDir ?? 'models';
  const { engine, latentDim } = await engineWithShipped(model, modelsDir);
  const out: FaceAttackRow[] = [];
  try {
    await engine.loadImported(readModelBytes(studentDir));
    await loadShipped(engine, modelsDir, `feature-${feature}-a`, 'featureA');
    await loadShipped(engine, modelsDir, `feature-${feature}-b`, 'featureB');
    const { steps, stepSize } = PAPER_FACE_ATTACK;
    const samples = Math.min(PAPER_FACE_ATTACK.samples, plan.evalSamples);
    const latents = streamLatents(plan.seed, 'attack', samples, latentDim);
    const roles: [FaceAttackRow['generator'], GeneratorRole][] = [
      ['original', 'original'],
      ['unlearned', 'imported'],
    ];
    for (const [generator, role] of roles) {
      const r = await engine.attack(role, latents, { epsilon, steps, stepSize });
      out.push({
        generator,
        epsilon,
        steps,
        stepSize,
        samples,
        before: r.tfrBefore,
        after: r.tfrAfter,
      });
      plan.log(
        `[attack] ${model} ${feature} ${generator} ε ${epsilon}: h_b ${r.tfrBefore.toFixed(3)} → ${r.tfrAfter.toFixed(3)}`,
      );
    }
  } finally {
    await engine.dispose();
  }
  return out;
}
