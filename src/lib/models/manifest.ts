import type { OutputRange } from './image-range';

/** Any value JSON can hold: the `config` and `metrics` of a manifest entry are made of these. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** What a shipped model is for: a generator f (z → images) or a classifier (images → logits). */
export type ModelKind = 'generator' | 'classifier';

/** One file of a model, path relative to models/. */
export interface ModelFile {
  path: string;
  /** Lower-case hex SHA-256 of the file's bytes. */
  sha256: string;
  /** Bytes. */
  size: number;
}

/** One entry of models/index.json: what the model is, its files, and how it was made. */
export interface ModelEntry {
  /** e.g. `dcgan-mnist`, `vae-mnist`, `mnist-classifier`, `feature-thickness-a`. */
  id: string;
  kind: ModelKind;
  /** Human description of the layers, e.g. `DCGAN: dense 100→7·7·128, convT 128→64, convT 64→1`. */
  architecture: string;
  /** Generators: size of z (z ~ N(0, I)). */
  latentDim?: number;
  /** Generators: the range of the images they output. Classifiers take unitImages in [0, 1]. */
  outputRange?: OutputRange;
  /** The TF.js layers model files (model.json first) and any extra files (samples, stats). */
  files: ModelFile[];
  /** The command line that made the files, e.g. `npm run train -- --model dcgan-mnist`. */
  command: string;
  /** The training configuration it ran with (epochs, batch size, learning rate, seed, backend…). */
  config: { [key: string]: JsonValue };
  /** Wall time of the training run in seconds, resumed parts included. */
  wallTimeSeconds: number;
  /** Measured quality, e.g. fidMnist, isMnist, tfrThickness, testAccuracy, rocAuc. */
  metrics: { [key: string]: JsonValue };
  /** ISO 8601 time the entry was written. */
  createdAt: string;
}

/** The whole of models/index.json. */
export interface ModelIndex {
  version: 1;
  models: ModelEntry[];
}

/** An empty index. */
export function emptyModelIndex(): ModelIndex {
  return { version: 1, models: [] };
}

/**
 * Reads models/index.json's parsed JSON, checking the fields the app relies on.
 *
 * @throws Error naming the first entry or field that does not fit.
 */
export function parseModelIndex(json: unknown): ModelIndex {
  if (typeof json !== 'object' || json === null) throw new Error('model index: not an object');
  const { version, models } = json as { version?: unknown; models?: unknown };
  if (version !== 1) throw new Error(`model index: unsupported version ${String(version)}`);
  if (!Array.isArray(models)) throw new Error('model index: "models" is not an array');
  models.forEach((m: unknown, i) => {
    const e = m as Partial<ModelEntry> | null;
    if (typeof e?.id !== 'string') throw new Error(`model index: entry ${i} has no id`);
    if (e.kind !== 'generator' && e.kind !== 'classifier') {
      throw new Error(`model index: ${e.id} has kind ${String(e.kind)}`);
    }
    if (!Array.isArray(e.files) || e.files.some((f) => typeof f?.sha256 !== 'string')) {
      throw new Error(`model index: ${e.id} has no valid files list`);
    }
    if (e.kind === 'generator' && (typeof e.latentDim !== 'number' || e.outputRange === undefined)) {
      throw new Error(`model index: generator ${e.id} needs latentDim and outputRange`);
    }
  });
  return json as ModelIndex;
}

/** A copy of `index` with `entry` replacing the one of the same id, or appended; sorted by id. */
export function upsertModelEntry(index: ModelIndex, entry: ModelEntry): ModelIndex {
  const models = index.models.filter((m) => m.id !== entry.id).concat([entry]);
  models.sort((a, b) => a.id.localeCompare(b.id));
  return { version: 1, models };
}

/**
 * Lower-case hex SHA-256 of `bytes`, via Web Crypto (`crypto.subtle`, present in browsers in a
 * secure context and in Node ≥ 20).
 */
export async function sha256Hex(bytes: Uint8Array | ArrayBuffer): Promise<string> {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  // A copy, so the digest never sees a SharedArrayBuffer or the bytes around a subarray.
  const digest = await crypto.subtle.digest('SHA-256', view.slice());
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The SHA-256 of the model's own weights file (`<id>/weights.bin`, not a sub-model's). */
export function weightsSha256(entry: Pick<ModelEntry, 'id' | 'files'>): string | undefined {
  return entry.files.find((f) => f.path === `${entry.id}/weights.bin`)?.sha256;
}
