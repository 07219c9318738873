import {
  resolveOptions,
  type UnlearnOptions,
  type UnlearnOptionsInput,
} from '../../lib/core/options';
import { formatRanges, parseRanges } from './tag-selection';

/**
 * Everything needed to replay a run: which model, which samples were tagged, the settings, and
 * optionally the metrics the original run reached, to check a replay against.
 */
export interface Recipe {
  model: string;
  /** Seed of the sample grid's latents. */
  seed: number;
  /** Number of samples in the grid. */
  count: number;
  /** Indices of the tagged samples. */
  tags: number[];
  options: UnlearnOptions;
  /** Steps the run trained. */
  steps: number;
  /** Metrics to reproduce, e.g. `{ tfr: 0.04 }`, shares in [0, 1]. */
  expect: Record<string, number>;
}

/** Options written into the URL when they differ from the defaults (resolveOptions fills in the rest). */
const SCALAR_OPTIONS = [
  'threshold',
  'shift',
  'margin',
  'direction',
  'shrinkage',
  'alpha',
  'learningRate',
  'batchSize',
  'epochs',
  'latents',
  'batchNorm',
  'seed',
] as const;

/** A malformed recipe URL; the message says which part and why. */
export class RecipeError extends Error {
  constructor(message: string) {
    super(`This recipe link is malformed: ${message}`);
    this.name = 'RecipeError';
  }
}

/** The recipe as a URL hash: `#recipe&model=…&grid=…&n=…&tags=…&steps=…&alpha=…&expect.tfr=…` (grid = the sample grid's seed). */
export function formatRecipe(recipe: Recipe): string {
  const p = new URLSearchParams();
  p.set('model', recipe.model);
  p.set('grid', String(recipe.seed));
  p.set('n', String(recipe.count));
  p.set('tags', formatRanges(recipe.tags));
  p.set('steps', String(recipe.steps));
  for (const key of SCALAR_OPTIONS) p.set(key, String(recipe.options[key]));
  const off = (['recon', 'unlearn', 'percep'] as const).filter((k) => !recipe.options.terms[k]);
  if (off.length > 0) p.set('off', off.join(','));
  for (const [k, v] of Object.entries(recipe.expect)) p.set(`expect.${k}`, String(v));
  return `#recipe&${p.toString()}`;
}

function integer(p: URLSearchParams, key: string, min: number, max: number): number {
  const raw = p.get(key);
  if (raw === null) throw new RecipeError(`"${key}" is missing`);
  const v = Number(raw);
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new RecipeError(`"${key}" must be an integer in [${min}, ${max}], got "${raw}"`);
  }
  return v;
}

/** Whether a URL hash holds a recipe at all. */
export function isRecipeHash(hash: string): boolean {
  return hash.startsWith('#recipe&') || hash === '#recipe';
}

/**
 * Reads a recipe from a URL hash made by {@link formatRecipe}.
 *
 * @throws RecipeError with the reason when a field is missing, not a number, out of range, or an
 *   option is invalid.
 */
export function parseRecipe(hash: string): Recipe {
  if (!isRecipeHash(hash)) throw new RecipeError('it does not start with #recipe');
  const p = new URLSearchParams(hash.slice('#recipe'.length).replace(/^&/, ''));
  const model = p.get('model');
  if (model === null || !/^[a-z0-9][a-z0-9-]{0,63}$/.test(model)) {
    throw new RecipeError(`"model" must name a model such as dcgan-mnist, got "${model ?? ''}"`);
  }
  const seed = integer(p, 'grid', 0, 0xffff_ffff);
  const count = integer(p, 'n', 1, 10_000);
  const steps = integer(p, 'steps', 1, 1_000_000);
  let tags: number[];
  try {
    tags = parseRanges(p.get('tags') ?? '', count);
  } catch (e) {
    throw new RecipeError(`"tags": ${(e as Error).message}`);
  }
  const input: Record<string, unknown> = {};
  for (const key of SCALAR_OPTIONS) {
    const raw = p.get(key);
    if (raw === null) continue;
    const asNumber = Number(raw);
    input[key] = raw.trim() !== '' && Number.isFinite(asNumber) ? asNumber : raw;
  }
  const off = (p.get('off') ?? '').split(',').filter((s) => s !== '');
  input.terms = Object.fromEntries(off.map((k) => [k, false]));
  let options: UnlearnOptions;
  try {
    options = resolveOptions(input as UnlearnOptionsInput);
  } catch (e) {
    throw new RecipeError((e as Error).message);
  }
  const expect: Record<string, number> = {};
  for (const [k, v] of p.entries()) {
    if (!k.startsWith('expect.')) continue;
    const value = Number(v);
    if (!Number.isFinite(value)) throw new RecipeError(`"${k}" is not a number: "${v}"`);
    expect[k.slice('expect.'.length)] = value;
  }
  return { model, seed, count, tags, options, steps, expect };
}

/** Whether `got` reproduces `expected` within `tolerance` (absolute, for shares in [0, 1]). */
export function reproduced(expected: number, got: number, tolerance: number): boolean {
  return Math.abs(expected - got) <= tolerance;
}
