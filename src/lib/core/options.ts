import type { LossTerms } from './losses';
import type { TargetDirection, ThresholdMode } from './target-vector';
import type { ShiftMode } from './translate';

/**
 * Every setting of an unlearning run (docs/method.md: the paper's values, and each option with
 * its default). A run's report states all of them. {@link OPTION_TABLE} declares each one once;
 * the validation below, the app's settings form, the CLI's flags and usage, and the recipe link
 * are all built from it.
 */
export interface UnlearnOptions {
  threshold: ThresholdMode;
  shift: ShiftMode;
  margin: number;
  direction: TargetDirection;
  shrinkage: number | 'ledoitWolf';
  alpha: number;
  learningRate: number;
  batchSize: number;
  epochs: number;
  /** If set, stop after exactly this many steps instead of `epochs`. */
  steps?: number;
  latents: 'pool' | 'fresh';
  terms: LossTerms;
  batchNorm: 'inference' | 'train';
  seed: number;
}

/** An option's name: a field of {@link UnlearnOptions}, or `terms.<term>` for a loss term. */
export type OptionKey = Exclude<keyof UnlearnOptions, 'terms'> | `terms.${keyof LossTerms}`;

/** An option's value as the table holds it. */
export type OptionValue = string | number | boolean | undefined;

/** What values an option takes. */
export type OptionKind =
  | { kind: 'choice'; values: readonly string[] }
  /** A finite number ≥ min (> min when `open`). */
  | { kind: 'number'; min: number; open?: boolean }
  | { kind: 'integer'; min: number; max: number }
  /** A number in [min, max], or the word (e.g. `ledoitWolf`: estimate it). */
  | { kind: 'numberOrWord'; min: number; max: number; word: string }
  | { kind: 'flag' };

/** One option, declared once: everything the app, the CLI and the recipe link need. */
export type OptionSpec = OptionKind & {
  key: OptionKey;
  /** Short name in the settings form. */
  label: string;
  /** One line: what it does, and the paper's value where it has one. */
  help: string;
  /** The CLI flag without dashes; a flag option is switched off with `--<cli>`. */
  cli: string;
  /** The recipe link's key. */
  url: string;
  /** undefined only for an optional option (`steps`: unset = use epochs). */
  default: OptionValue;
  /** Input step of the settings form's number field. */
  step?: number;
};

/**
 * Every option of the method, in the order the form and the usage show them. Defaults are the
 * paper's MNIST settings (Table 4) and, for the options that are ours, the paper's behaviour.
 */
export const OPTION_TABLE: readonly OptionSpec[] = [
  {
    key: 'alpha',
    kind: 'number',
    min: 0,
    open: true,
    label: 'α',
    help: 'Weight α of the unlearning and perceptual terms against the reconstruction term (MNIST: 3).',
    cli: 'alpha',
    url: 'alpha',
    default: 3,
    step: 0.5,
  },
  {
    key: 'learningRate',
    kind: 'number',
    min: 0,
    open: true,
    label: 'learning rate',
    help: 'Adam learning rate for the unlearned generator (MNIST: 1e-4).',
    cli: 'lr',
    url: 'lr',
    default: 1e-4,
    step: 0.0001,
  },
  {
    key: 'batchSize',
    kind: 'integer',
    min: 1,
    max: 65536,
    label: 'batch size',
    help: 'Latents per training step.',
    cli: 'batch',
    url: 'batch',
    default: 64,
  },
  {
    key: 'epochs',
    kind: 'integer',
    min: 1,
    max: 1_000_000,
    label: 'epochs',
    help: "Passes over the tagged latent pool (MNIST: 200); with 'fresh' latents, the same number of steps.",
    cli: 'epochs',
    url: 'epochs',
    default: 200,
  },
  {
    key: 'steps',
    kind: 'integer',
    min: 1,
    max: Number.MAX_SAFE_INTEGER,
    label: 'steps',
    help: 'If set, stop after exactly this many steps instead of `epochs`.',
    cli: 'steps',
    url: 'steps',
    default: undefined,
  },
  {
    key: 'threshold',
    kind: 'choice',
    values: ['pooled', 'midpoint'],
    label: 'threshold',
    help: "How t is set: 'pooled' = mean projection of all tagged latents (paper); 'midpoint' = halfway between the class means.",
    cli: 'threshold',
    url: 'threshold',
    default: 'pooled',
  },
  {
    key: 'shift',
    kind: 'choice',
    values: ['literal', 'unit'],
    label: 'shift',
    help: "How far ẑ moves: 'literal' = by (proj − t)·z_e as printed; 'unit' = along z_e/‖z_e‖, landing exactly on t.",
    cli: 'shift',
    url: 'shift',
    default: 'literal',
  },
  {
    key: 'margin',
    kind: 'number',
    min: 0,
    label: 'margin',
    help: 'Extra distance m ≥ 0 to push ẑ past the threshold (ours; 0 = the paper).',
    cli: 'margin',
    url: 'margin',
    default: 0,
    step: 0.1,
  },
  {
    key: 'direction',
    kind: 'choice',
    values: ['meanDiff', 'lda'],
    label: 'direction',
    help: "How z_e is found: 'meanDiff' = mean(positives) − mean(negatives) (paper); 'lda' = shrunk Fisher discriminant (ours).",
    cli: 'direction',
    url: 'direction',
    default: 'meanDiff',
  },
  {
    key: 'shrinkage',
    kind: 'numberOrWord',
    min: 0,
    max: 1,
    word: 'ledoitWolf',
    label: 'shrinkage',
    help: "For 'lda' only: shrinkage λ in [0, 1] toward a scaled identity, or 'ledoitWolf' to estimate it.",
    cli: 'shrinkage',
    url: 'shrinkage',
    default: 'ledoitWolf',
    step: 0.05,
  },
  {
    key: 'latents',
    kind: 'choice',
    values: ['pool', 'fresh'],
    label: 'latents',
    help: "Training latents: 'pool' = the tagged latents, reshuffled each epoch; 'fresh' = new z ~ N(0, I) every step.",
    cli: 'latents',
    url: 'latents',
    default: 'pool',
  },
  {
    key: 'batchNorm',
    kind: 'choice',
    values: ['inference', 'train'],
    label: 'BatchNorm',
    help: "BatchNorm in the generator being trained: 'inference' = frozen moving statistics; 'train' = batch statistics.",
    cli: 'batch-norm',
    url: 'bn',
    default: 'inference',
  },
  {
    key: 'seed',
    kind: 'integer',
    min: 0,
    max: 0xffff_ffff,
    label: 'seed',
    help: 'Seed of every random draw of the run: the sample grid, previews, evaluation, attack and shuffles.',
    cli: 'seed',
    url: 'seed',
    default: 0,
  },
  {
    key: 'terms.recon',
    kind: 'flag',
    label: 'L_recon',
    help: 'Reconstruction (Eq. 2): unflagged latents keep the original output f(z).',
    cli: 'no-recon',
    url: 'recon',
    default: true,
  },
  {
    key: 'terms.unlearn',
    kind: 'flag',
    label: 'L_unlearn',
    help: 'Unlearning (Eq. 3): flagged latents move toward f(ẑ) in L1.',
    cli: 'no-unlearn',
    url: 'unlearn',
    default: true,
  },
  {
    key: 'terms.percep',
    kind: 'flag',
    label: 'L_percep',
    help: 'Perceptual (Eq. 4): flagged latents move toward f(ẑ) in MS-SSIM.',
    cli: 'no-percep',
    url: 'percep',
    default: true,
  },
];

const TERM_KEYS = ['recon', 'unlearn', 'percep'] as const;

/** The spec of `key`. */
export function optionSpec(key: OptionKey): OptionSpec {
  const spec = OPTION_TABLE.find((s) => s.key === key);
  if (spec === undefined) throw new Error(`No option ${key} in OPTION_TABLE.`);
  return spec;
}

/** The value of option `key` in `options`. */
export function optionValue(options: UnlearnOptions, key: OptionKey): OptionValue {
  if (key.startsWith('terms.')) return options.terms[key.slice(6) as keyof LossTerms];
  return options[key as Exclude<OptionKey, `terms.${string}`>];
}

function build(values: Map<OptionKey, OptionValue>): UnlearnOptions {
  const out: Record<string, unknown> = { terms: {} };
  for (const [key, value] of values) {
    if (key.startsWith('terms.')) (out.terms as Record<string, unknown>)[key.slice(6)] = value;
    else if (value !== undefined) out[key] = value;
  }
  return out as unknown as UnlearnOptions;
}

/** The defaults: the paper's MNIST settings and the paper's behaviour for each option of ours. */
export const DEFAULT_UNLEARN_OPTIONS: Readonly<UnlearnOptions> = Object.freeze(
  (() => {
    const o = build(new Map(OPTION_TABLE.map((s) => [s.key, s.default])));
    Object.freeze(o.terms);
    return o;
  })(),
);

/** One line per option, for the UI (the table's help lines). */
export const UNLEARN_OPTION_HELP: Readonly<Record<keyof UnlearnOptions, string>> = {
  ...(Object.fromEntries(
    OPTION_TABLE.filter((s) => !s.key.startsWith('terms.')).map((s) => [s.key, s.help]),
  ) as Record<Exclude<keyof UnlearnOptions, 'terms'>, string>),
  terms:
    'Which loss terms are on: reconstruction, unlearning (L1 to f(ẑ)), perceptual (MS-SSIM to f(ẑ)).',
};

/** One line per loss term (Eqs. 2–4), for the ablation switches. */
export const LOSS_TERM_HELP: Readonly<Record<keyof LossTerms, string>> = Object.fromEntries(
  TERM_KEYS.map((t) => [t, optionSpec(`terms.${t}`).help]),
) as Record<keyof LossTerms, string>;

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

/** Checks one value against its spec; returns it, or throws an OptionsError naming the field. */
export function checkOption(spec: OptionSpec, value: unknown): OptionValue {
  const got = typeof value === 'string' ? `"${value.slice(0, 40)}"` : String(value).slice(0, 40);
  switch (spec.kind) {
    case 'choice':
      if (typeof value !== 'string' || !spec.values.includes(value)) {
        throw new OptionsError(spec.key, `must be one of ${spec.values.join(', ')}, got ${got}`);
      }
      return value;
    case 'number':
      if (
        typeof value !== 'number' ||
        !Number.isFinite(value) ||
        value < spec.min ||
        (spec.open === true && value === spec.min)
      ) {
        throw new OptionsError(
          spec.key,
          `must be a finite number ${spec.open ? '>' : '≥'} ${spec.min}, got ${got}`,
        );
      }
      return value;
    case 'integer':
      if (
        typeof value !== 'number' ||
        !Number.isInteger(value) ||
        value < spec.min ||
        value > spec.max
      ) {
        throw new OptionsError(
          spec.key,
          `must be an integer in [${spec.min}, ${spec.max}], got ${got}`,
        );
      }
      return value;
    case 'numberOrWord':
      if (
        value !== spec.word &&
        (typeof value !== 'number' || !(value >= spec.min && value <= spec.max))
      ) {
        throw new OptionsError(
          spec.key,
          `must be in [${spec.min}, ${spec.max}] or '${spec.word}', got ${got}`,
        );
      }
      return value;
    case 'flag':
      if (typeof value !== 'boolean') {
        throw new OptionsError(spec.key, `must be true or false, got ${got}`);
      }
      return value;
  }
}

/**
 * Fills in the defaults and checks every value, so a run never starts on a typo.
 *
 * @throws OptionsError for an unknown key, a value of the wrong kind or out of range, or all
 *   three loss terms switched off.
 */
export function resolveOptions(input: UnlearnOptionsInput = {}): UnlearnOptions {
  const given = input as Record<string, unknown>;
  const known = new Set<string>(OPTION_TABLE.map((s) => s.key.split('.')[0]));
  for (const key of Object.keys(given)) {
    if (!known.has(key)) throw new OptionsError(key, 'is not an unlearning option');
  }
  const termsIn = (given.terms ?? {}) as Record<string, unknown>;
  if (typeof termsIn !== 'object' || termsIn === null) {
    throw new OptionsError('terms', 'must be an object of loss terms');
  }
  for (const key of Object.keys(termsIn)) {
    if (!(TERM_KEYS as readonly string[]).includes(key)) {
      throw new OptionsError(`terms.${key}`, 'is not a loss term (recon, unlearn, percep)');
    }
  }
  const values = new Map<OptionKey, OptionValue>();
  for (const spec of OPTION_TABLE) {
    const raw = spec.key.startsWith('terms.') ? termsIn[spec.key.slice(6)] : given[spec.key];
    const value = raw ?? spec.default;
    values.set(spec.key, value === undefined ? undefined : checkOption(spec, value));
  }
  const options = build(values);
  if (!options.terms.recon && !options.terms.unlearn && !options.terms.percep) {
    throw new OptionsError('terms', 'at least one loss term must be on');
  }
  return options;
}

/** `options` with option `key` set to `value`, checked (undefined clears an optional option). */
export function withOption(
  options: UnlearnOptions,
  key: OptionKey,
  value: OptionValue,
): UnlearnOptions {
  if (key.startsWith('terms.')) {
    return resolveOptions({ ...options, terms: { ...options.terms, [key.slice(6)]: value } });
  }
  const next: Record<string, unknown> = { ...options, [key]: value };
  if (value === undefined) delete next[key];
  return resolveOptions(next as UnlearnOptionsInput);
}

/** An option's value as text, for a URL or a CLI line (flags as 1 / 0). */
export function optionToText(spec: OptionSpec, value: OptionValue): string {
  if (spec.kind === 'flag') return value === true ? '1' : '0';
  return String(value);
}

/**
 * Reads an option's value from text (a recipe link, a CLI flag): numbers for number kinds,
 * 1 / 0 / true / false for flags, the text itself for choices.
 *
 * @throws OptionsError naming the option when the text is not a valid value.
 */
export function optionFromText(spec: OptionSpec, text: string): OptionValue {
  const trimmed = text.trim();
  if (spec.kind === 'choice') return checkOption(spec, trimmed);
  if (spec.kind === 'flag') {
    let flag: boolean | string = text;
    if (trimmed === '1' || trimmed === 'true') flag = true;
    else if (trimmed === '0' || trimmed === 'false') flag = false;
    return checkOption(spec, flag);
  }
  if (spec.kind === 'numberOrWord' && trimmed === spec.word) return spec.word;
  const n = trimmed === '' ? Number.NaN : Number(trimmed);
  if (!Number.isFinite(n)) {
    const what = spec.kind === 'numberOrWord' ? `a number or '${spec.word}'` : 'a number';
    throw new OptionsError(spec.key, `must be ${what}, got "${text.slice(0, 40)}"`);
  }
  return checkOption(spec, n);
}

/**
 * Named settings. `paper` is the defaults (Table 4 as printed). `quality` is the setting our
 * TFR / FID front found best at keeping quality while removing the feature (docs/results.md,
 * "Beating the paper on quality"): the threshold, the shift and the training latents change;
 * α, the learning rate and the schedule stay the paper's.
 */
export const UNLEARN_PRESETS = {
  paper: {},
  quality: { threshold: 'pooled', shift: 'unit', margin: 0.5, latents: 'fresh' },
} as const satisfies Record<string, UnlearnOptionsInput>;

export type PresetName = keyof typeof UNLEARN_PRESETS;

export const PRESET_NAMES = Object.keys(UNLEARN_PRESETS) as PresetName[];

/** One line per preset, for the CLI's usage and the app's settings. */
export const PRESET_HELP: Readonly<Record<PresetName, string>> = {
  paper: "The paper's settings (Table 4, as printed): the defaults.",
  quality:
    'Ours: flagged latents move along z_e / ‖z_e‖ to just past t, and the generator trains on fresh latents: TFR about as low, FID much closer to the original (docs/results.md).',
};

/** A preset's options (every other option at its default), with `seed` kept. */
export function presetOptions(
  name: PresetName,
  seed = DEFAULT_UNLEARN_OPTIONS.seed,
): UnlearnOptions {
  return resolveOptions({ ...UNLEARN_PRESETS[name], seed });
}

/** The preset `options` equal, if any (the seed aside). */
export function presetOf(options: UnlearnOptions): PresetName | null {
  const same = (a: UnlearnOptions, b: UnlearnOptions): boolean =>
    OPTION_TABLE.every((s) => s.key === 'seed' || optionValue(a, s.key) === optionValue(b, s.key));
  return PRESET_NAMES.find((p) => same(options, presetOptions(p, options.seed))) ?? null;
}
