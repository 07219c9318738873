/**
 * The face data set on disk: one folder per (size, seed), .cache/data/faces-<size>px-seed<seed>/,
 * holding
 *   images.u8   count · size · size · 3 bytes, HWC RGB, face after face
 *   labels.u8   count · 4 bytes, one row per face: bangs, beard, hat, glasses (0 or 1)
 *   meta.json   what was built and how ({@link FacesMeta})
 * A folder is written under a temporary name and renamed when complete, so a half-built cache is
 * never taken for a whole one.
 */
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import {
  FACE_ATTRIBUTES,
  FACE_LABEL_DEFINITIONS,
  FACE_RECIPE,
  FACES_VERSION,
  type FaceAttribute,
} from '../../lib/data/faces/index';
import { FACE_RENDER_AT_LEAST, faceBytes } from './render';

/** Where caches live unless told otherwise. */
export const DEFAULT_CACHE_ROOT = join('.cache', 'data');

/** The two splits: the first 6/7 of the faces train, the last 1/7 is held out. */
export type FaceSplit = 'train' | 'test';

/** Which data set. */
export interface FaceSetId {
  size: number;
  seed: number;
  /** Faces in all; default {@link DEFAULT_FACE_COUNT}. */
  count: number;
}

/** 60,000 training faces and 10,000 held-out ones. */
export const DEFAULT_FACE_COUNT = 70_000;

/** Faces 0 … trainCount − 1 train, trainCount … count − 1 test: for 70,000, 60,000 and 10,000. */
export function trainCountOf(count: number): number {
  return count - Math.round(count / 7);
}

/** Everything that decides the pixels and labels; a cache made with other definitions is stale. */
export function faceDefinitions(): FaceDefinitions {
  return {
    labels: FACE_LABEL_DEFINITIONS,
    recipe: FACE_RECIPE,
    raster: { renderAtLeast: FACE_RENDER_AT_LEAST, filter: 'box', renderer: '@resvg/resvg-js' },
    packages: packageVersions(),
  };
}

/** See {@link faceDefinitions}. */
export interface FaceDefinitions {
  labels: typeof FACE_LABEL_DEFINITIONS;
  recipe: typeof FACE_RECIPE;
  raster: { renderAtLeast: number; filter: 'box'; renderer: string };
  /** The drawing and rendering packages' versions: a new version may draw other pixels. */
  packages: Record<string, string>;
}

function packageVersions(): Record<string, string> {
  const require = createRequire(import.meta.url);
  const versions: Record<string, string> = {};
  for (const name of ['@dicebear/core', '@dicebear/avataaars', '@resvg/resvg-js']) {
    // Not every package exports its package.json: walk up from its entry point instead.
    let dir = dirname(require.resolve(name));
    while (!existsSync(join(dir, 'package.json')) || !isPackage(join(dir, 'package.json'), name)) {
      if (dirname(dir) === dir) throw new Error(`cannot find the package.json of ${name}`);
      dir = dirname(dir);
    }
    versions[name] = (
      JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }
    ).version;
  }
  return versions;
}

function isPackage(path: string, name: string): boolean {
  return (JSON.parse(readFileSync(path, 'utf8')) as { name?: string }).name === name;
}

/** Share of faces with each attribute, in [0, 1]. */
export type AttributeShares = Record<FaceAttribute, number>;

/** meta.json. */
export interface FacesMeta {
  version: number;
  count: number;
  size: number;
  seed: number;
  trainCount: number;
  testCount: number;
  /** Column order of labels.u8. */
  attributes: readonly FaceAttribute[];
  layout: string;
  definitions: FaceDefinitions;
  shares: { all: AttributeShares; train: AttributeShares; test: AttributeShares };
  build: { seconds: number; workers: number; finishedAt: string };
}

/** Why a cache cannot be used. */
export class FacesCacheError extends Error {
  constructor(
    readonly reason: 'missing' | 'stale' | 'corrupt',
    message: string,
  ) {
    super(message);
    this.name = 'FacesCacheError';
  }
}

/** The folder of a data set under `root`. */
export function facesCacheDir(
  id: Pick<FaceSetId, 'size' | 'seed'>,
  root = DEFAULT_CACHE_ROOT,
): string {
  return join(root, `faces-${id.size}px-seed${id.seed}`);
}

/** Shares of each attribute among label rows from … to − 1 of `labels` (count · 4). */
export function attributeShares(labels: Uint8Array, from: number, to: number): AttributeShares {
  const k = FACE_ATTRIBUTES.length;
  const shares = {} as AttributeShares;
  FACE_ATTRIBUTES.forEach((a, j) => {
    let positives = 0;
    for (let i = from; i < to; i++) positives += labels[i * k + j];
    shares[a] = to > from ? positives / (to - from) : 0;
  });
  return shares;
}

/** The meta.json of a freshly built data set. */
export function facesMeta(id: FaceSetId, labels: Uint8Array, build: FacesMeta['build']): FacesMeta {
  const trainCount = trainCountOf(id.count);
  return {
    version: FACES_VERSION,
    count: id.count,
    size: id.size,
    seed: id.seed,
    trainCount,
    testCount: id.count - trainCount,
    attributes: FACE_ATTRIBUTES,
    layout:
      'images.u8: count·size·size·3 uint8, HWC RGB, face after face; ' +
      'labels.u8: count·4 uint8, one row per face in the order of attributes',
    definitions: faceDefinitions(),
    shares: {
      all: attributeShares(labels, 0, id.count),
      train: attributeShares(labels, 0, trainCount),
      test: attributeShares(labels, trainCount, id.count),
    },
    build,
  };
}

/** Removes temporary folders left by builds whose process is gone. */
function removeAbandonedTemps(dir: string): void {
  const parent = dirname(dir);
  if (!existsSync(parent)) return;
  const prefix = `${basename(dir)}.tmp-`;
  for (const name of readdirSync(parent)) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length).split('-')[0]);
    let alive = false;
    try {
      process.kill(pid, 0);
      alive = pid !== process.pid;
    } catch {
      // No such process.
    }
    if (!alive) rmSync(join(parent, name), { recursive: true, force: true });
  }
}

/**
 * Writes a data set to `dir`: into a temporary sibling folder first, renamed to `dir` once every
 * file is complete (replacing an older `dir`).
 */
export function writeFacesCache(
  dir: string,
  images: Uint8Array,
  labels: Uint8Array,
  meta: FacesMeta,
): void {
  const bytes = faceBytes(meta.size);
  if (
    images.length !== meta.count * bytes ||
    labels.length !== meta.count * FACE_ATTRIBUTES.length
  ) {
    throw new Error(`writeFacesCache: arrays do not hold ${meta.count} faces of ${meta.size} px`);
  }
  removeAbandonedTemps(dir);
  const temp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  mkdirSync(temp, { recursive: true });
  try {
    writeFileSync(join(temp, 'images.u8'), images);
    writeFileSync(join(temp, 'labels.u8'), labels);
    writeFileSync(join(temp, 'meta.json'), `${JSON.stringify(meta, null, 2)}\n`);
    if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
    renameSync(temp, dir);
  } catch (e) {
    rmSync(temp, { recursive: true, force: true });
    throw e;
  }
}

/** Reads and checks meta.json of `dir` against what is asked for and the current definitions. */
export async function readFacesMeta(dir: string, id: FaceSetId): Promise<FacesMeta> {
  const metaPath = join(dir, 'meta.json');
  if (!existsSync(metaPath)) {
    throw new FacesCacheError('missing', `no face data set at ${dir}`);
  }
  let meta: FacesMeta;
  try {
    meta = JSON.parse(await readFile(metaPath, 'utf8')) as FacesMeta;
  } catch (e) {
    throw new FacesCacheError('corrupt', `${metaPath} is not valid JSON: ${(e as Error).message}`);
  }
  const differences: string[] = [];
  if (meta.version !== FACES_VERSION)
    differences.push(`version ${meta.version}, now ${FACES_VERSION}`);
  for (const key of ['count', 'size', 'seed'] as const) {
    if (meta[key] !== id[key]) differences.push(`${key} ${meta[key]}, asked for ${id[key]}`);
  }
  if (JSON.stringify(meta.definitions) !== JSON.stringify(faceDefinitions())) {
    differences.push('made with other label definitions, recipe, rasteriser or package versions');
  }
  if (differences.length > 0) {
    throw new FacesCacheError(
      'stale',
      `the face data set at ${dir} is out of date: ${differences.join('; ')}`,
    );
  }
  const expected = {
    'images.u8': meta.count * faceBytes(meta.size),
    'labels.u8': meta.count * FACE_ATTRIBUTES.length,
  };
  for (const [name, size] of Object.entries(expected)) {
    const path = join(dir, name);
    const actual = existsSync(path) ? statSync(path).size : -1;
    if (actual !== size) {
      throw new FacesCacheError(
        'corrupt',
        `${path} ${actual < 0 ? 'is missing' : `has ${actual} bytes`}, expected ${size} ` +
          `(${meta.count} faces of ${meta.size} px): the cache is damaged; delete ${dir} to rebuild it`,
      );
    }
  }
  return meta;
}

/**
 * Reads bytes from … from + length − 1 of `path` into a new Uint8Array backed by a
 * SharedArrayBuffer (so worker threads can read it without a copy).
 */
export async function readShared(path: string, from: number, length: number): Promise<Uint8Array> {
  const out = new Uint8Array(new SharedArrayBuffer(length));
  const file = await open(path, 'r');
  try {
    let done = 0;
    while (done < length) {
      const { bytesRead } = await file.read(
        out,
        done,
        Math.min(length - done, 1 << 26),
        from + done,
      );
      if (bytesRead === 0) throw new FacesCacheError('corrupt', `${path} ended early`);
      done += bytesRead;
    }
  } finally {
    await file.close();
  }
  return out;
}
