/**
 * What `npm run experiments` runs on the face generators, and the arithmetic of its budget: the
 * rows of the paper's face tables (1, 2, 5, 6, 7), their cache keys, and epochs against steps
 * and minutes. No I/O and no TF.js here, so it is tested on its own.
 */
import { PAPER_SETTINGS } from '../lib/core/paper-settings';
import type { UnlearnOptions } from '../lib/core/options';
import { plannedSteps } from '../lib/train/unlearn/session';
import type { FaceAttribute, FaceGeneratorId, FaceRowResult } from './unlearn-face-row';
import type { FaceOracleResult } from './face-oracle';

/** Table 1's face rows: CelebA's Bang and Beard on both generators, FFHQ's Hat and Glasses on the ProgGAN. */
export const FACE_TABLE1_ROWS: readonly (readonly [FaceGeneratorId, FaceAttribute])[] = [
  ['proggan-faces', 'bangs'],
  ['proggan-faces', 'beard'],
  ['proggan-faces', 'hat'],
  ['proggan-faces', 'glasses'],
  ['vae-faces', 'bangs'],
  ['vae-faces', 'beard'],
];

/** Table 1's face rows with an oracle in the paper: CelebA's (FFHQ's have none). */
export const FACE_ORACLE_ROWS: readonly (readonly [FaceGeneratorId, FaceAttribute])[] =
  FACE_TABLE1_ROWS.filter(([, f]) => f === 'bangs' || f === 'beard');

/**
 * Fine-tuning steps of a face oracle here (batch 32 for the ProgGAN, 128 for the VAE). A ProgGAN
 * step takes about 2.5 s on one core of this machine, so 300 steps (about 13 min, 9,600 faces)
 * stand in for the paper's 96,000 iterations.
 */
export const DEFAULT_FACE_ORACLE_STEPS = 300;

/** `--face-oracle-steps`: a whole number ≥ 1; throws a plain message otherwise. */
export function parseFaceOracleSteps(text: string | undefined): number {
  if (text === undefined) return DEFAULT_FACE_ORACLE_STEPS;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) {
    throw new Error(`--face-oracle-steps must be a whole number of steps ≥ 1; got "${text}".`);
  }
  return n;
}

/** The cache key of a face oracle: model, attribute, steps, evaluation samples (and seed). */
export function faceOracleKey(
  model: FaceGeneratorId,
  feature: FaceAttribute,
  steps: number,
  settings: Pick<FaceRunSettings, 'evalSamples' | 'seed'>,
): string {
  const seed = settings.seed === 0 ? '' : `-seed${settings.seed}`;
  return `${model}-${feature}-oracle-s${steps}-n${settings.evalSamples}${seed}`;
}

/** A face oracle's numbers with the row it belongs to. */
export type FaceOracleRow = FaceOracleResult & { model: FaceGeneratorId; feature: FaceAttribute };

/** The row of the paper's Tables 2, 6 and 7: ProgGAN, 'Bang'. */
export const FACE_FOCUS: readonly [FaceGeneratorId, FaceAttribute] = ['proggan-faces', 'bangs'];

/** Table 2's ε: the paper writes "maximum perturbation 0.1, i.e. ‖z̃ − z‖∞ ≤ 1", so both. */
export const FACE_ATTACK_EPSILONS = [0.1, 1] as const;

/** Table 6: each loss term of Eq. 5 switched off in turn (MNIST and faces alike). */
export const ABLATION_VARIANTS: readonly (readonly [string, UnlearnOptions['terms']])[] = [
  ['no-recon', { recon: false, unlearn: true, percep: true }],
  ['no-unlearn', { recon: true, unlearn: false, percep: true }],
  ['no-percep', { recon: true, unlearn: true, percep: false }],
];

/** Table 7's α; a row whose paper α is among them takes that value from its main row. */
export const TABLE7_ALPHAS = [1, 2, 3, 4, 5] as const;

/** The paper's unlearning epochs on CelebA and FFHQ (Table 4). */
export const PAPER_FACE_EPOCHS = PAPER_SETTINGS.celeba.epochs;

/**
 * Default epochs of a face row here, chosen when the ProgGAN unlearned at about 0.36 step/s on
 * this 2-core machine under the load of other training jobs and its 10,000-sample evaluation took
 * about 10 min: 12 epochs (96 steps) kept a row under 15 min. It now runs at 1.0–1.3 step/s on one
 * core (the VAE at about 2.4), so the paper's 500 epochs (4,000 steps) take about an hour a row,
 * and the face groups run some twenty ProgGAN rows. The length group measures what more steps
 * than these 96 do.
 */
export const DEFAULT_FACE_EPOCHS = 12;

/** Latents tagged per face row (Table 4, CelebA) and the batch (ours; the paper gives none). */
export const FACE_POOL_SIZE = 500;

/**
 * Larger tagged pools for the bangs rows (`--only pool`), trained for the main row's steps. The
 * paper's 500 CelebA latents hold ~34 faces with bangs (6.74 %); at the ProgGAN's 3 % the same
 * 500 hold ~10, too few for a steady mean difference: these pools ask how many the direction needs.
 */
export const FACE_POOL_SIZES = [2000, 5000] as const;

/** The rows the pool group runs: bangs on both face generators. */
export const FACE_POOL_ROWS: readonly (readonly [FaceGeneratorId, FaceAttribute])[] = [
  ['proggan-faces', 'bangs'],
  ['vae-faces', 'bangs'],
];

/**
 * The α of the pool group's second run at each size: Table 7's α 3, whose TFR (0.42 %) is the
 * one Table 1 prints for ProgGAN Bang, so it may well be the α of the paper's main face row.
 */
export const FACE_POOL_ALPHA = 3;

/**
 * The length group (`--only length`): ProgGAN bangs with FACE_LENGTH_POOL tagged latents at
 * FACE_POOL_ALPHA (the pool group's best trade on seed 0), trained for the main row's steps and
 * for each of FACE_LENGTH_STEPS, each on FACE_LENGTH_SEEDS seeds (the run's seed and the next
 * ones), so that what a longer fine-tune does to FID_faces stands apart from the spread between
 * seeds.
 */
export const FACE_LENGTH_POOL = 2000;
export const FACE_LENGTH_STEPS = [400, 1000] as const;
export const FACE_LENGTH_SEEDS = 3;
export const FACE_BATCH_SIZE = 64;

/** The settings that change a face row's result besides its own options. */
export interface FaceRunSettings {
  epochs: number;
  evalSamples: number;
  seed: number;
}

/**
 * The cache key of a face run: model, attribute, what the run varies (`suffix`, e.g. `-alpha2`),
 * epochs and evaluation samples, and the seed when it is not 0 (as the MNIST keys leave it out).
 */
export function faceRunKey(
  model: FaceGeneratorId,
  feature: FaceAttribute,
  settings: FaceRunSettings,
  suffix = '',
): string {
  const seed = settings.seed === 0 ? '' : `-seed${settings.seed}`;
  return `${model}-${feature}${suffix}-e${settings.epochs}-n${settings.evalSamples}${seed}`;
}

/**
 * The part of a face run's key (`faceRunKey`'s suffix) that names a tagged pool other than the
 * main row's and, when given, an α: `-pool2000-alpha3`. The pool and length groups share it, so
 * their common run is one cached run.
 */
export function poolSuffix(poolSize: number, alpha?: number): string {
  return `-pool${poolSize}${alpha === undefined ? '' : `-alpha${alpha}`}`;
}

/** The tagged pool a face row trains on and its batch. */
export interface FacePool {
  poolSize: number;
  batchSize: number;
}
const FACE_POOL: FacePool = { poolSize: FACE_POOL_SIZE, batchSize: FACE_BATCH_SIZE };

/** Optimisation steps of a face row of `epochs` epochs over the tagged pool. */
export function faceRowSteps(epochs: number, pool: FacePool = FACE_POOL): number {
  return plannedSteps({ epochs, batchSize: pool.batchSize, steps: undefined }, pool.poolSize);
}

/** Minutes `epochs` epochs of training take at `stepsPerSecond`. */
export function trainingMinutes(
  epochs: number,
  stepsPerSecond: number,
  pool: FacePool = FACE_POOL,
): number {
  return faceRowSteps(epochs, pool) / stepsPerSecond / 60;
}

/** `--face-epochs`: a whole number of epochs ≥ 1; throws a plain message otherwise. */
export function parseFaceEpochs(text: string | undefined): number {
  if (text === undefined) return DEFAULT_FACE_EPOCHS;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) {
    throw new Error(`--face-epochs must be a whole number of epochs ≥ 1; got "${text}".`);
  }
  return n;
}

/** Table 2 on one face row: h_b's feature share before and after PGD, per generator and ε. */
export interface FaceAttackRow {
  generator: 'original' | 'unlearned';
  epsilon: number;
  steps: number;
  stepSize: number;
  samples: number;
  /** Share h_b calls positive, before and after the attack. */
  before: number;
  after: number;
}

/** What the face groups of `npm run experiments` found. */
export interface FaceExperimentResults {
  /** Unlearning epochs of every face row (the paper: 500). */
  epochs: number;
  evalSamples: number;
  main: FaceRowResult[];
  ablation: { name: string; result: FaceRowResult }[];
  alpha: { alpha: number; result: FaceRowResult }[];
  attack: FaceAttackRow[];
  /** FACE_POOL_ROWS with larger tagged pools, at Table 4's α and FACE_POOL_ALPHA (absent in reports made before them). */
  pool?: { poolSize: number; result: FaceRowResult }[];
  /** The length group's runs: steps and seed of each (absent in reports made before it). */
  length?: { steps: number; seed: number; result: FaceRowResult }[];
  /** Table 1's oracles (absent in reports made before the face oracle existed). */
  oracle?: FaceOracleRow[];
  /** Runs that stopped with an error (e.g. the tagger found no positives), and why. */
  failed: { run: string; reason: string }[];
}

/** Whether `faces` holds any result worth a section of the report. */
export function hasFaceResults(faces: FaceExperimentResults | undefined): boolean {
  if (faces === undefined) return false;
  const { main, ablation, alpha, attack, failed } = faces;
  const extra =
    (faces.oracle?.length ?? 0) + (faces.pool?.length ?? 0) + (faces.length?.length ?? 0);
  return main.length + ablation.length + alpha.length + attack.length + extra + failed.length > 0;
}

/** Where a row stands in Table 1 (FACE_TABLE1_ROWS). */
const table1Index = (r: FaceRowResult): number =>
  FACE_TABLE1_ROWS.findIndex(([m, f]) => m === r.model && f === r.feature);

/** The face generator a face run's entry belongs to. */
function modelOf(
  entry: FaceRowResult | { result: FaceRowResult } | FaceAttackRow | FaceOracleRow,
): string | null {
  if ('result' in entry) return entry.result.model;
  if ('model' in entry) return entry.model;
  return null;
}

/**
 * The face results to report after a run: `current`'s, plus the last report's (`previous`) for
 * what this run did not do: groups it did not run and models it did not select (the attack's
 * rows, which name no model, belong to the focus row's). Without `current` (no face model
 * selected) the last report's stand; a previous report with other epochs or samples is dropped.
 */
export function mergeFaceResults(
  current: FaceExperimentResults | undefined,
  previous: FaceExperimentResults | undefined,
  ran: { groups: ReadonlySet<string>; models: ReadonlySet<string> },
): FaceExperimentResults | undefined {
  if (current === undefined) return previous;
  if (
    previous === undefined ||
    previous.epochs !== current.epochs ||
    previous.evalSamples !== current.evalSamples
  ) {
    return current;
  }
  const keep = <
    T extends FaceRowResult | { result: FaceRowResult } | FaceAttackRow | FaceOracleRow,
  >(
    group: 'main' | 'ablation' | 'alpha' | 'attack' | 'oracle' | 'pool' | 'length',
    now: T[],
    before: T[],
  ): T[] => {
    if (!ran.groups.has(group)) return before;
    const kept = before.filter((e) => !ran.models.has(modelOf(e) ?? FACE_FOCUS[0]));
    return [...now, ...kept];
  };
  return {
    ...current,
    main: keep('main', current.main, previous.main).sort((a, b) => table1Index(a) - table1Index(b)),
    ablation: keep('ablation', current.ablation, previous.ablation),
    alpha: keep('alpha', current.alpha, previous.alpha),
    attack: keep('attack', current.attack, previous.attack),
    oracle: keep('oracle', current.oracle ?? [], previous.oracle ?? []),
    pool: keep('pool', current.pool ?? [], previous.pool ?? []),
    length: keep('length', current.length ?? [], previous.length ?? []),
    failed: current.failed,
  };
}
