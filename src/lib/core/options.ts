import type { LossTerms } from './losses';
import type { TargetDirection, ThresholdMode } from './target-vector';
import type { ShiftMode } from './translate';

/**
 * Every setting of an unlearning run (method.md: the paper's values, and each **option** with
 * its default). A run's report states all of them. `UNLEARN_OPTION_HELP` holds the same one-line
 * descriptions for the UI.
 */
export interface UnlearnOptions {
  /** How t is set: 'pooled' = mean projection of all tagged latents (paper); 'midpoint' = halfway between the class means. */
  threshold: ThresholdMode;
  /** How far ẑ moves: 'literal' = by (proj − t)·z_e as printed; 'unit' = along z_e/‖z_e‖, landing exactly on t. */
  shift: ShiftMode;
  /** Extra distance m ≥ 0 to push ẑ past the threshold (ours; 0 = the paper). */
  margin: number;
  /** How z_e is found: 'meanDiff' = mean(positives) − mean(negatives) (paper); 'lda' = shrunk Fisher discriminant (ours). */
  direction: TargetDirection;
  /** For 'lda' only: shrinkage λ in [0, 1] toward a scaled identity, or 'ledoitWolf' to estimate it. */
  shrinkage: number | 'ledoitWolf';
  /** Weight α of the unlearning and perceptual terms against the reconstruction term (MNIST: 3). */
  alpha: number;
  /** Adam learning rate for the unlearned generator (MNIST: 1e-4). */
  learningRate: number;
  /** Latents per training step. */
  batchSize: number;
  /** Passes over the tagged latent pool (MNIST: 200); with 'fresh' latents, the same number of steps. */
  epochs: number;
  /** If set, stop after exactly this many steps instead of `epochs`. */
  steps?: number;
  /** Training latents: 'pool' = the tagged latents, reshuffled each epoch; 'fresh' = new z ~ N(0, I) every step. */
  latents: 'pool' | 'fresh';
  /** Which loss terms are on: reconstruction, unlearning (L1 to f(ẑ)), perceptual (MS-SSIM to f(ẑ)). */
  terms: LossTerms;
  /** BatchNorm in the generator being trained: 'inference' = frozen moving statistics; 'train' = batch statistics. */
  batchNorm: 'inference' | 'train';
  /** Seed of every random choice of the run (latents, shuffles), for reproducibility. */
  seed: number;
}

/** The defaults: the paper's MNIST settings and method.md's default for each option. */
export const DEFAULT_UNLEARN_OPTIONS: Readonly<UnlearnOptions> = Object.freeze({
  threshold: 'pooled',
  shift: 'literal',
  margin: 0,
  direction: 'meanDiff',
  shrinkage: 'ledoitWolf',
  alpha: 3,
  learningRate: 1e-4,
  batchSize: 64,
  epochs: 200,
  latents: 'pool',
  terms: Object.freeze({ recon: true, unlearn: true, percep: true }),
  batchNorm: 'inference',
  seed: 0,
});

/** One line per option, for the UI (the same text as the field comments). */
export const UNLEARN_OPTION_HELP: Readonly<Record<keyof UnlearnOptions, string>> = {
  threshold:
    "How t is set: 'pooled' = mean projection of all tagged latents (paper); 'midpoint' = halfway between the class means.",
  shift:
    "How far ẑ moves: 'literal' = by (proj − t)·z_e as printed; 'unit' = along z_e/‖z_e‖, landing exactly on t.",
  margin: 'Extra distance m ≥ 0 to push ẑ past the threshold (ours; 0 = the paper).',
  direction:
    "How z_e is found: 'meanDiff' = mean(positives) − mean(negatives) (paper); 'lda' = shrunk Fisher discriminant (ours).",
  shrinkage:
    "For 'lda' only: shrinkage λ in [0, 1] toward a scaled identity, or 'ledoitWolf' to estimate it.",
  alpha:
    'Weight α of the unlearning and perceptual terms against the reconstruction term (MNIST: 3).',
  learningRate: 'Adam learning rate for the unlearned generator (MNIST: 1e-4).',
  batchSize: 'Latents per training step.',
  epochs:
    "Passes over the tagged latent pool (MNIST: 200); with 'fresh' latents, the same number of steps.",
  steps: 'If set, stop after exactly this many steps instead of `epochs`.',
  latents:
    "Training latents: 'pool' = the tagged latents, reshuffled each epoch; 'fresh' = new z ~ N(0, I) every step.",
  terms:
    'Which loss terms are on: reconstruction, unlearning (L1 to f(ẑ)), perceptual (MS-SSIM to f(ẑ)).',
  batchNorm:
    "BatchNorm in the generator being trained: 'inference' = frozen moving statistics; 'train' = batch statistics.",
  seed: 'Seed of every random choice of the run (latents, shuffles), for reproducibility.',
};

/** One line per loss term (Eqs. 2–4), for the UI's ablation switches. */
export const LOSS_TERM_HELP: Readonly<Record<keyof LossTerms, string>> = {
  recon: 'Reconstruction (Eq. 2): unflagged latents keep the original output f(z).',
  unlearn: 'Unlearning (Eq. 3): flagged latents move toward f(ẑ) in L1.',
  percep: 'Perceptual (Eq. 4): flagged latents move toward f(ẑ) in MS-SSIM.',
};

/** Options as a caller may give them: any subset, with any subset of `terms`. */
export type UnlearnOptionsInput = Partial<Omit<UnlearnOptions, 'terms'>> & {
  terms?: Partial<LossTerms>;
};

/** An option with a value outside its range; `field` names it. */
export class OptionsError extends Error {
  readonly field: string;

  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = 'OptionsError';
    this.field = field;
  }
}

function oneOf<T extends string>(field: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new OptionsError(field, `must be one of ${allowed.join(', ')}, got ${String(value)}`);
  }
  return value as T;
}

function positive(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new OptionsError(field, `must be a finite number > 0, got ${String(value)}`);
  }
  return value;
}

function integerIn(field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new OptionsError(field, `must be an integer in [${min}, ${max}], got ${String(value)}`);
  }
  return value;
}

const KEYS = new Set<string>([...Object.keys(DEFAULT_UNLEARN_OPTIONS), 'steps']);
const TERM_KEYS = ['recon', 'unlearn', 'percep'] as const;

/**
 * Fills in the defaults and checks every value, so a run never starts on a typo.
 *
 * @throws OptionsError for an unknown key, a value of the wrong kind or out of range, or all
 *   three loss terms switched off.
 */
export function resolveOptions(input: UnlearnOptionsInput = {}): UnlearnOptions {
  for (const key of Object.keys(input)) {
    if (!KEYS.has(key)) throw new OptionsError(key, 'is not an unlearning option');
  }
  const d = DEFAULT_UNLEARN_OPTIONS;
  const pick = <K extends keyof UnlearnOptionsInput>(key: K) => input[key] ?? d[key];

  const termsIn = input.terms ?? {};
  for (const key of Object.keys(termsIn)) {
    if (!(TERM_KEYS as readonly string[]).includes(key)) {
      throw new OptionsError(`terms.${key}`, 'is not a loss term (recon, unlearn, percep)');
    }
  }
  const terms = {} as LossTerms;
  for (const key of TERM_KEYS) {
    const value = termsIn[key] ?? d.terms[key];
    if (typeof value !== 'boolean') {
      throw new OptionsError(`terms.${key}`, `must be true or false, got ${String(value)}`);
    }
    terms[key] = value;
  }
  if (!terms.recon && !terms.unlearn && !terms.percep) {
    throw new OptionsError('terms', 'at least one loss term must be on');
  }

  const margin = pick('margin');
  if (typeof margin !== 'number' || !Number.isFinite(margin) || margin < 0) {
    throw new OptionsError('margin', `must be a finite number ≥ 0, got ${String(margin)}`);
  }
  const shrinkage = pick('shrinkage');
  if (
    shrinkage !== 'ledoitWolf' &&
    (typeof shrinkage !== 'number' || !(shrinkage >= 0 && shrinkage <= 1))
  ) {
    throw new OptionsError(
      'shrinkage',
      `must be in [0, 1] or 'ledoitWolf', got ${String(shrinkage)}`,
    );
  }

  const options: UnlearnOptions = {
    threshold: oneOf('threshold', pick('threshold'), ['pooled', 'midpoint']),
    shift: oneOf('shift', pick('shift'), ['literal', 'unit']),
    margin,
    direction: oneOf('direction', pick('direction'), ['meanDiff', 'lda']),
    shrinkage,
    alpha: positive('alpha', pick('alpha')),
    learningRate: positive('learningRate', pick('learningRate')),
    batchSize: integerIn('batchSize', pick('batchSize'), 1, 65536),
    epochs: integerIn('epochs', pick('epochs'), 1, 1_000_000),
    latents: oneOf('latents', pick('latents'), ['pool', 'fresh']),
    terms,
    batchNorm: oneOf('batchNorm', pick('batchNorm'), ['inference', 'train']),
    seed: integerIn('seed', pick('seed'), 0, 0xffff_ffff),
  };
  if (input.steps !== undefined) {
    options.steps = integerIn('steps', input.steps, 1, Number.MAX_SAFE_INTEGER);
  }
  return options;
}
