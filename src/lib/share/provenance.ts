/**
 * The provenance of an unlearned generator: which model it came from, which samples were tagged,
 * the target, the options, what it reached, where it ran. An export carries it in model.json's
 * `userDefinedMetadata.unlearning`; an import validates every field before any is shown.
 */
import { BACKEND_NAMES, type BackendName } from '../engine/backend-request';
import {
  OptionsError,
  resolveOptions,
  type UnlearnOptions,
  type UnlearnOptionsInput,
} from '../core/options';
import { MAX_GRID, type FeatureRef } from '../core/recipe';
import { FACE_ATTRIBUTES } from '../data/faces/attributes';

/** Marks the JSON as ours. */
export const PROVENANCE_FORMAT = 'unlearning-playground-provenance';
/** The provenance layout this code writes and reads. */
export const PROVENANCE_VERSION = 1;

export interface Provenance {
  format: typeof PROVENANCE_FORMAT;
  version: typeof PROVENANCE_VERSION;
  app: { name: string; version: string };
  /** ISO 8601. */
  createdAt: string;
  /** The generator it was unlearned from: a shipped id or `sha256-…`, and its weights' SHA-256. */
  base: { id: string; sha256: string };
  /** Samples in the tag grid, and the tagged ones (ascending); the grid seed is `options.seed`. */
  count: number;
  tags: number[];
  /** z_e [latentDim] and t. */
  targetVector: number[];
  threshold: number;
  options: UnlearnOptions;
  feature: FeatureRef | null;
  /** Steps trained. */
  steps: number;
  /** What it reached on the judge's samples (shares in [0, 1]). */
  metrics: ProvenanceMetrics;
  backend: BackendName | '';
  /** SHA-256 of weights.bin. */
  weightsSha256: string;
}

export interface ProvenanceMetrics {
  tfr?: number;
  tfrOriginal?: number;
  isMnist?: number;
  fidMnist?: number;
  isFaces?: number;
  fidFaces?: number;
  /** Evaluation samples they were measured on. */
  evalCount?: number;
}

/** A provenance that fails validation; the message names the field. */
export class ProvenanceError extends Error {
  constructor(message: string) {
    super(`The file's provenance is invalid: ${message}`);
    this.name = 'ProvenanceError';
  }
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function text(v: unknown, field: string, max: number, pattern?: RegExp): string {
  if (typeof v !== 'string' || v.length > max || (pattern !== undefined && !pattern.test(v))) {
    throw new ProvenanceError(
      `"${field}" must be ${pattern ? 'of the form this app writes' : `text of at most ${max} characters`}.`,
    );
  }
  return v;
}

function whole(v: unknown, field: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new ProvenanceError(
      `"${field}" must be a whole number from ${min} to ${max.toLocaleString('en')}.`,
    );
  }
  return v;
}

function finite(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new ProvenanceError(`"${field}" must be a finite number.`);
  }
  return v;
}

const ID = /^(?:[a-z0-9][a-z0-9-]{0,63}|sha256-[0-9a-f]{16,64})$/;
const HEX64 = /^[0-9a-f]{64}$/;
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,6})?(?:Z|[+-]\d\d:\d\d)$/;

function parseFeature(v: unknown): FeatureRef | null {
  if (v === null || v === undefined) return null;
  if (!isObject(v)) throw new ProvenanceError('"feature" must be an object or null.');
  if (v.kind === 'classifier') return { kind: 'classifier' };
  const attribute = FACE_ATTRIBUTES.find((a) => a === v.attribute);
  if (v.kind === 'attribute' && attribute !== undefined) return { kind: 'attribute', attribute };
  if (
    v.kind === 'morpho' &&
    (v.feature === 'thickness' || v.feature === 'slant') &&
    (v.slantSide === 'left' || v.slantSide === 'right' || v.slantSide === 'abs')
  ) {
    return { kind: 'morpho', feature: v.feature, slantSide: v.slantSide };
  }
  throw new ProvenanceError('"feature" is not a feature this app measures.');
}

function parseMetrics(v: unknown): ProvenanceMetrics {
  if (v === undefined) return {};
  if (!isObject(v)) throw new ProvenanceError('"metrics" must be an object.');
  const out: ProvenanceMetrics = {};
  for (const key of ['tfr', 'tfrOriginal'] as const) {
    if (v[key] === undefined) continue;
    const x = finite(v[key], `metrics.${key}`);
    if (x < 0 || x > 1) throw new ProvenanceError(`"metrics.${key}" must be a share from 0 to 1.`);
    out[key] = x;
  }
  for (const key of ['isMnist', 'isFaces'] as const) {
    if (v[key] === undefined) continue;
    const x = finite(v[key], `metrics.${key}`);
    if (x < 1 || x > 1000) throw new ProvenanceError(`"metrics.${key}" is out of range.`);
    out[key] = x;
  }
  for (const key of ['fidMnist', 'fidFaces'] as const) {
    if (v[key] === undefined) continue;
    const x = finite(v[key], `metrics.${key}`);
    if (x < 0 || x > 1e6) throw new ProvenanceError(`"metrics.${key}" is out of range.`);
    out[key] = x;
  }
  if (v.evalCount !== undefined)
    out.evalCount = whole(v.evalCount, 'metrics.evalCount', 1, 1_000_000);
  return out;
}

/**
 * Validates a provenance read from a file, field by field: types, ranges, tag indices inside the
 * grid, lengths (z_e has `latentDim` entries when given), known options. Strings are checked
 * against the forms this app writes, so no markup can pass through.
 *
 * @throws ProvenanceError naming the first field that does not fit.
 */
export function parseProvenance(json: unknown, latentDim?: number): Provenance {
  if (!isObject(json) || json.format !== PROVENANCE_FORMAT) {
    throw new ProvenanceError('it is not a provenance record of this app.');
  }
  if (json.version !== PROVENANCE_VERSION) {
    throw new ProvenanceError(
      `it has layout version ${shortValue(json.version)}; this app reads version ${PROVENANCE_VERSION}.`,
    );
  }
  const app = isObject(json.app) ? json.app : {};
  const base = isObject(json.base) ? json.base : {};
  const count = whole(json.count, 'count', 1, MAX_GRID);
  if (!Array.isArray(json.tags))
    throw new ProvenanceError('"tags" must be a list of sample indices.');
  if (json.tags.length > count) {
    throw new ProvenanceError(
      `"tags" lists ${json.tags.length.toLocaleString('en')} samples; the grid has ${count}.`,
    );
  }
  const tags = json.tags.map((t, i) => {
    const v = whole(t, `tags[${i}]`, 0, count - 1);
    if (i > 0 && v <= (json.tags as number[])[i - 1]) {
      throw new ProvenanceError('"tags" must list each sample once, in ascending order.');
    }
    return v;
  });
  if (
    !Array.isArray(json.targetVector) ||
    json.targetVector.length < 1 ||
    json.targetVector.length > 4096
  ) {
    throw new ProvenanceError('"targetVector" must be a list of finite numbers (z_e).');
  }
  if (latentDim !== undefined && json.targetVector.length !== latentDim) {
    throw new ProvenanceError(
      `"targetVector" has ${json.targetVector.length} entries; the generator's latent has ${latentDim}.`,
    );
  }
  const targetVector = json.targetVector.map((v, i) => finite(v, `targetVector[${i}]`));
  let options: UnlearnOptions;
  try {
    options = resolveOptions((isObject(json.options) ? json.options : {}) as UnlearnOptionsInput);
  } catch (e) {
    throw new ProvenanceError(`"options": ${e instanceof OptionsError ? e.message : 'invalid'}.`);
  }
  const backend = json.backend ?? '';
  if (backend !== '' && !(BACKEND_NAMES as readonly unknown[]).includes(backend)) {
    throw new ProvenanceError('"backend" must name a TF.js backend (webgpu, webgl, wasm, cpu).');
  }
  const createdAt = text(json.createdAt, 'createdAt', 40, ISO);
  if (!Number.isFinite(Date.parse(createdAt)))
    throw new ProvenanceError('"createdAt" is not a date.');
  return {
    format: PROVENANCE_FORMAT,
    version: PROVENANCE_VERSION,
    app: {
      name: text(app.name, 'app.name', 64, /^[\w .-]{1,64}$/),
      version: text(app.version, 'app.version', 32, /^[\w.+-]{1,32}$/),
    },
    createdAt,
    base: {
      id: text(base.id, 'base.id', 72, ID),
      sha256: text(base.sha256, 'base.sha256', 64, HEX64),
    },
    count,
    tags,
    targetVector,
    threshold: finite(json.threshold, 'threshold'),
    options,
    feature: parseFeature(json.feature),
    steps: whole(json.steps, 'steps', 0, 1_000_000_000),
    metrics: parseMetrics(json.metrics),
    backend: backend as BackendName | '',
    weightsSha256: text(json.weightsSha256, 'weightsSha256', 64, HEX64),
  };
}

function shortValue(v: unknown): string {
  const s = typeof v === 'string' ? `"${v}"` : String(v);
  return s.length > 24 ? `${s.slice(0, 23)}…` : s;
}
