import {
  OPTION_TABLE,
  OptionsError,
  optionFromText,
  optionToText,
  optionValue,
  resolveOptions,
  type UnlearnOptions,
  type UnlearnOptionsInput,
} from './options';
import { FACE_ATTRIBUTES, type FaceAttribute } from '../data/faces/attributes';

/**
 * A recipe link: everything needed to replay a run in the app or the CLI (docs/method.md, "One
 * protocol"). The run seed in `options.seed` fixes every latent (core/seed-streams), so the
 * model, the grid size, the tagged indices and the options replay the same z_e and t bit for
 * bit; `expect` holds what the original run reached, to check a replay against.
 */
export interface Recipe {
  /** A shipped model id, or `sha256-<hex>` naming a user's own generator by its weights. */
  model: string;
  /** Samples in the tagging grid (the pool). */
  count: number;
  /** Indices of the tagged samples, ascending, each once. */
  tags: number[];
  /** What the judge counts as the feature; null when the run had no measure for it. */
  feature: FeatureRef | null;
  /** All options; `steps` is always set (the steps the run trained). */
  options: UnlearnOptions & { steps: number };
  /** Evaluation samples the run was judged on; null when it was not judged. */
  evalCount: number | null;
  expect: RecipeExpect;
}

/**
 * How a feature is measured: the Morpho-MNIST measure, a face attribute by its shipped
 * classifier `feature-<attribute>-a`, or a person's own feature classifier's logit > 0.
 */
export type FeatureRef =
  | { kind: 'morpho'; feature: 'thickness' | 'slant'; slantSide: 'left' | 'right' | 'abs' }
  | { kind: 'attribute'; attribute: FaceAttribute }
  | { kind: 'classifier' };

/** The text of a feature in a recipe link: `thickness`, `slant`, `bangs`, …, `classifier`. */
function featureText(feature: FeatureRef): string {
  if (feature.kind === 'morpho') return feature.feature;
  if (feature.kind === 'attribute') return feature.attribute;
  return 'classifier';
}

/** What the original run reached; a replay is checked against each value given. */
export interface RecipeExpect {
  /** Target feature ratio of the unlearned model on the evaluation samples, in [0, 1]. */
  tfr?: number;
  isMnist?: number;
  fidMnist?: number;
  isFaces?: number;
  fidFaces?: number;
  /** The threshold t, exactly. */
  threshold?: number;
  /** 16 hex digits of the SHA-256 of z_e's float32 bytes (core/fingerprint). */
  targetVector?: string;
}

/** The recipe format this code writes and reads. */
export const RECIPE_VERSION = 2;
/** Longest hash read: a 10,000-sample grid with every other sample tagged needs about 25 KB. */
export const MAX_RECIPE_CHARS = 32 * 1024;
/** Largest grid a recipe may ask for. */
export const MAX_GRID = 10_000;
/** Largest evaluation a recipe may ask for. */
export const MAX_EVAL = 100_000;

/** A malformed recipe link; the message says which part and why, in plain words. */
export class RecipeError extends Error {
  constructor(message: string) {
    super(`This recipe link is malformed: ${message}`);
    this.name = 'RecipeError';
  }
}

/** Indices of the tagged samples, ascending. */
export function taggedIndices(tags: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let i = 0; i < tags.length; i++) if (tags[i]) out.push(i);
  return out;
}

/** A tag array of `count` samples with `indices` set; indices outside [0, count) are dropped. */
export function tagsFromIndices(indices: readonly number[], count: number): Uint8Array {
  const tags = new Uint8Array(count);
  for (const i of indices) if (Number.isInteger(i) && i >= 0 && i < count) tags[i] = 1;
  return tags;
}

/** A compact text form of indices: `3,17-19,40` (sorted, each once). */
export function formatRanges(indices: readonly number[]): string {
  const sorted = [...new Set(indices)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(j === i ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/**
 * Reads {@link formatRanges}' form back: ascending, non-overlapping parts `n` or `a-b` with
 * 0 ≤ a ≤ b < limit.
 *
 * @throws Error naming the first part that is malformed, out of range, repeated or out of order.
 */
export function parseRanges(text: string, limit: number): number[] {
  if (text.trim() === '') return [];
  const out: number[] = [];
  for (const part of text.split(',')) {
    const m = /^\s*(\d{1,10})(?:-(\d{1,10}))?\s*$/.exec(part);
    const shown = part.length > 24 ? `${part.slice(0, 24)}…` : part;
    if (m === null) throw new Error(`"${shown}" is not an index or a range a-b`);
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (a > b || b >= limit) throw new Error(`"${shown}" is outside 0…${limit - 1}`);
    if (out.length > 0 && a <= out[out.length - 1]) {
      throw new Error(`"${shown}" repeats or goes back to an index listed before`);
    }
    for (let i = a; i <= b; i++) out.push(i);
  }
  return out;
}

/**
 * The recipe as a URL hash: `#recipe&v=2&model=…&n=…&tags=…&feature=…&eval=…&<every option by
 * its url key>&expect.tfr=…`.
 */
export function formatRecipe(recipe: Recipe): string {
  const p = new URLSearchParams();
  p.set('v', String(RECIPE_VERSION));
  p.set('model', recipe.model);
  p.set('n', String(recipe.count));
  p.set('tags', formatRanges(recipe.tags));
  if (recipe.feature !== null) {
    p.set('feature', featureText(recipe.feature));
    if (recipe.feature.kind === 'morpho' && recipe.feature.feature === 'slant') {
      p.set('side', recipe.feature.slantSide);
    }
  }
  if (recipe.evalCount !== null) p.set('eval', String(recipe.evalCount));
  for (const spec of OPTION_TABLE) {
    const value = optionValue(recipe.options, spec.key);
    if (value !== undefined) p.set(spec.url, optionToText(spec, value));
  }
  for (const [k, v] of Object.entries(recipe.expect)) {
    if (v !== undefined) p.set(`expect.${k}`, String(v));
  }
  // Commas stay as they are (URLSearchParams would write %2C): tag lists are mostly commas.
  const pairs = [...p.entries()].map(
    ([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v).replace(/%2C/g, ',')}`,
  );
  return `#recipe&${pairs.join('&')}`;
}

function integer(p: URLSearchParams, key: string, min: number, max: number): number {
  const raw = p.get(key);
  if (raw === null) throw new RecipeError(`"${key}" is missing`);
  const v = /^\d{1,16}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(v) || v < min || v > max) {
    const shown = raw.length > 24 ? `${raw.slice(0, 24)}…` : raw;
    throw new RecipeError(`"${key}" must be a whole number from ${min} to ${max}, got "${shown}"`);
  }
  return v;
}

/** The hash part of a recipe: the text from `#` of a link, or a bare `recipe&…`. */
export function recipeHash(linkOrHash: string): string {
  const text = linkOrHash.trim();
  const at = text.indexOf('#');
  if (at >= 0) return text.slice(at);
  return text.startsWith('recipe') ? `#${text}` : text;
}

/** Whether a URL hash holds a recipe at all. */
export function isRecipeHash(hash: string): boolean {
  return hash.startsWith('#recipe&') || hash === '#recipe';
}

const EXPECT_NUMBERS = ['tfr', 'isMnist', 'fidMnist', 'isFaces', 'fidFaces', 'threshold'] as const;

function parseFeature(p: URLSearchParams): FeatureRef | null {
  const feature = p.get('feature');
  if (feature === null) return null;
  if (feature === 'classifier') return { kind: 'classifier' };
  const attribute = FACE_ATTRIBUTES.find((a) => a === feature);
  if (attribute !== undefined) return { kind: 'attribute', attribute };
  if (feature !== 'thickness' && feature !== 'slant') {
    throw new RecipeError(
      `"feature" must be thickness, slant, ${FACE_ATTRIBUTES.join(', ')} or classifier`,
    );
  }
  const side = p.get('side') ?? 'left';
  if (side !== 'left' && side !== 'right' && side !== 'abs') {
    throw new RecipeError('"side" must be left, right or abs');
  }
  return { kind: 'morpho', feature, slantSide: side };
}

function parseExpect(p: URLSearchParams): RecipeExpect {
  const expect: RecipeExpect = {};
  for (const key of EXPECT_NUMBERS) {
    const raw = p.get(`expect.${key}`);
    if (raw === null) continue;
    const value = raw.length <= 32 ? Number(raw) : Number.NaN;
    if (!Number.isFinite(value) || Math.abs(value) > 1e9) {
      throw new RecipeError(`"expect.${key}" is not a plain number`);
    }
    expect[key] = value;
  }
  const hash = p.get('expect.targetVector');
  if (hash !== null) {
    if (!/^[0-9a-f]{16}$/.test(hash)) {
      throw new RecipeError('"expect.targetVector" must be 16 hexadecimal digits');
    }
    expect.targetVector = hash;
  }
  return expect;
}

/**
 * Reads a recipe from a URL hash made by {@link formatRecipe}, checking every field before any
 * of it is used or shown.
 *
 * @throws RecipeError with the reason: too long, another version, a field missing, not a number,
 *   out of range, tags outside the grid or repeated, or an invalid option.
 */
export function parseRecipe(hash: string): Recipe {
  if (hash.length > MAX_RECIPE_CHARS) {
    throw new RecipeError(
      `it is ${Math.round(hash.length / 1024)} KB long; a recipe is at most ${MAX_RECIPE_CHARS / 1024} KB`,
    );
  }
  if (!isRecipeHash(hash)) throw new RecipeError('it does not start with #recipe');
  const p = new URLSearchParams(hash.slice('#recipe'.length).replace(/^&/, ''));
  const version = p.get('v');
  if (version !== String(RECIPE_VERSION)) {
    throw new RecipeError(
      version === null
        ? 'it was made by an earlier version of this app, which drew its samples differently, so it cannot be replayed'
        : `it has format version "${version.slice(0, 8)}"; this app reads version ${RECIPE_VERSION}`,
    );
  }
  const model = p.get('model');
  if (model === null || !/^(?:[a-z0-9][a-z0-9-]{0,63}|sha256-[0-9a-f]{16,64})$/.test(model)) {
    throw new RecipeError('"model" must name a model such as vae-mnist');
  }
  const count = integer(p, 'n', 1, MAX_GRID);
  let tags: number[];
  try {
    tags = parseRanges(p.get('tags') ?? '', count);
  } catch (e) {
    throw new RecipeError(`"tags": ${(e as Error).message}`);
  }
  const evalCount = p.has('eval') ? integer(p, 'eval', 1, MAX_EVAL) : null;
  const feature = parseFeature(p);
  const input: Record<string, unknown> = {};
  const terms: Record<string, unknown> = {};
  let options: UnlearnOptions;
  try {
    for (const spec of OPTION_TABLE) {
      const raw = p.get(spec.url);
      if (raw === null) continue;
      const value = optionFromText(spec, raw);
      if (spec.key.startsWith('terms.')) terms[spec.key.slice(6)] = value;
      else input[spec.key] = value;
    }
    options = resolveOptions({ ...input, terms } as UnlearnOptionsInput);
  } catch (e) {
    throw new RecipeError(e instanceof OptionsError ? e.message : 'an option is invalid');
  }
  if (options.steps === undefined) throw new RecipeError('"steps" is missing');
  const steps = options.steps;
  return {
    model,
    count,
    tags,
    feature,
    options: { ...options, steps },
    evalCount,
    expect: parseExpect(p),
  };
}

/** Whether `got` reproduces `expected` within `tolerance` (absolute). */
export function reproduced(expected: number, got: number, tolerance: number): boolean {
  return Math.abs(expected - got) <= tolerance;
}

/**
 * A short fingerprint of z_e: the first 16 hex digits of the SHA-256 of its float32 bytes (little
 * endian), so a replay can say whether it found the same z_e bit for bit.
 */
export async function targetFingerprint(targetVector: Float32Array): Promise<string> {
  const bytes = new Uint8Array(targetVector.length * 4);
  const view = new DataView(bytes.buffer);
  targetVector.forEach((v, i) => view.setFloat32(i * 4, v, true));
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return Array.from(new Uint8Array(digest).subarray(0, 8), (b) =>
    b.toString(16).padStart(2, '0'),
  ).join('');
}

/** The quality numbers a replay is checked on, each within a relative tolerance. */
type QualityCheck = 'isMnist' | 'fidMnist' | 'isFaces' | 'fidFaces';
const QUALITY_CHECKS: readonly QualityCheck[] = ['isMnist', 'fidMnist', 'isFaces', 'fidFaces'];

/** One value a replay is checked on. */
export interface ReplayCheck {
  name: 'threshold' | 'targetVector' | 'tfr' | QualityCheck;
  expected: number | string;
  /** What the replay reached; null when it did not measure it. */
  got: number | string | null;
  /** Bit for bit the same. */
  identical: boolean;
  /** Within the tolerance (identical for t and z_e). */
  ok: boolean;
}

/**
 * How close a replay must come: t and z_e bit for bit (they depend only on the latents, the tags
 * and the options); the metrics, which depend on training on a given backend, within 2 TFR
 * points, 2 % of IS (IS_mnist, IS_faces) and 5 % of FID (FID_mnist, FID_faces).
 */
export const REPLAY_TOLERANCE = {
  tfr: 0.02,
  isMnist: 0.02,
  fidMnist: 0.05,
  isFaces: 0.02,
  fidFaces: 0.05,
} as const;

/** Checks what a replay reached against a recipe's `expect`; reproduced when every check is ok. */
export function checkReplay(
  expect: RecipeExpect,
  got: Partial<Record<ReplayCheck['name'], number | string | null>>,
): { reproduced: boolean; checks: ReplayCheck[] } {
  const checks: ReplayCheck[] = [];
  for (const name of ['threshold', 'targetVector', 'tfr', ...QUALITY_CHECKS] as const) {
    const expected = expect[name];
    if (expected === undefined) continue;
    const value = got[name] ?? null;
    const identical = value === expected;
    let ok = identical;
    if (!ok && typeof value === 'number' && typeof expected === 'number') {
      if (name === 'tfr') ok = Math.abs(value - expected) <= REPLAY_TOLERANCE.tfr;
      if (name !== 'threshold' && name !== 'targetVector' && name !== 'tfr') {
        ok = Math.abs(value - expected) <= REPLAY_TOLERANCE[name] * Math.abs(expected);
      }
    }
    checks.push({ name, expected, got: value, identical, ok });
  }
  return { reproduced: checks.length > 0 && checks.every((c) => c.ok), checks };
}

/** A replay's result in one sentence, e.g. for the app's verdict line. */
export function describeReplay(result: { reproduced: boolean; checks: ReplayCheck[] }): string {
  const shown = (c: ReplayCheck, v: number | string | null): string => {
    if (v === null) return 'not measured';
    if (typeof v === 'string') return v;
    if (c.name === 'tfr') return `${(100 * v).toFixed(2)} %`;
    return c.name === 'threshold' ? String(v) : v.toFixed(3);
  };
  const names: Record<ReplayCheck['name'], string> = {
    threshold: 't',
    targetVector: 'z_e',
    tfr: 'TFR',
    isMnist: 'IS_mnist',
    fidMnist: 'FID_mnist',
    isFaces: 'IS_faces',
    fidFaces: 'FID_faces',
  };
  const parts = result.checks.map((c) =>
    c.identical
      ? `${names[c.name]} identical`
      : `${names[c.name]} ${shown(c, c.got)} vs ${shown(c, c.expected)}${c.ok ? ' (within tolerance)' : ' (differs)'}`,
  );
  if (result.checks.length === 0) return 'The recipe records nothing to compare against.';
  return `${result.reproduced ? 'Reproduced' : 'Not reproduced'}: ${parts.join('; ')}.`;
}
