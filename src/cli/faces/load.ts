/**
 * The face data set for the trainers: `loadFaces('train' | 'test', { size, seed })`, built and
 * cached on first use (with a progress bar on stderr) and whenever the cache is stale.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { FACE_ATTRIBUTES, type FaceAttribute } from '../../lib/data/faces/index';
import { countBar } from '../progress-bar';
import {
  DEFAULT_CACHE_ROOT,
  DEFAULT_FACE_COUNT,
  FacesCacheError,
  facesCacheDir,
  facesMeta,
  readFacesMeta,
  readShared,
  writeFacesCache,
  type FaceSetId,
  type FaceSplit,
  type FacesMeta,
} from './cache';
import { renderFaces } from './pool';
import { faceBytes } from './render';

/** One split of the face data set. */
export interface FaceData {
  /** count · size · size · 3 uint8, HWC RGB, face after face; backed by a SharedArrayBuffer. */
  images: Uint8Array;
  /** 0 or 1 per face for each attribute. */
  labels: Record<FaceAttribute, Uint8Array>;
  count: number;
  size: number;
}

/** Which data set and how to build it when it is missing. */
export interface LoadFacesOptions {
  /** Side in pixels; default 32. */
  size?: number;
  /** The data set's seed; default 1. */
  seed?: number;
  /** Faces in both splits together; default 70,000. */
  count?: number;
  /** Folder of the caches; default .cache/data. */
  root?: string;
  /** Worker threads for a build; default one per core. */
  workers?: number;
  /** Progress of a build; default a bar on stderr. */
  onProgress?: (done: number, total: number) => void;
  /** Where to say that a cache is being (re)built; default stderr. */
  log?: (line: string) => void;
}

function setId(options: LoadFacesOptions): FaceSetId {
  const id = {
    size: options.size ?? 32,
    seed: options.seed ?? 1,
    count: options.count ?? DEFAULT_FACE_COUNT,
  };
  if (!Number.isInteger(id.size) || id.size < 4 || id.size > 256) {
    throw new RangeError(
      `face size must be a whole number of pixels from 4 to 256, got ${id.size}`,
    );
  }
  if (!Number.isInteger(id.count) || id.count < 7) {
    throw new RangeError(`face count must be a whole number ≥ 7, got ${id.count}`);
  }
  return id;
}

/** Renders the whole data set and writes its cache. */
export async function buildFacesCache(
  options: LoadFacesOptions = {},
): Promise<{ dir: string; meta: FacesMeta }> {
  const id = setId(options);
  const dir = facesCacheDir(id, options.root ?? DEFAULT_CACHE_ROOT);
  const started = performance.now();
  const workers = options.workers;
  const { images, labels } = await renderFaces(
    { seed: id.seed, size: id.size, start: 0, count: id.count },
    { workers, onProgress: options.onProgress ?? countBar(`faces ${id.size}px`, 'faces') },
  );
  const meta = facesMeta(id, labels, {
    seconds: Math.round((performance.now() - started) / 100) / 10,
    workers: workers ?? availableParallelism(),
    finishedAt: new Date().toISOString(),
  });
  writeFacesCache(dir, images, labels, meta);
  return { dir, meta };
}

/**
 * The cache's folder and meta.json, building the data set first when it is missing, stale
 * (other version, definitions or packages) or damaged.
 */
export async function ensureFaces(
  options: LoadFacesOptions = {},
): Promise<{ dir: string; meta: FacesMeta; built: boolean }> {
  const id = setId(options);
  const dir = facesCacheDir(id, options.root ?? DEFAULT_CACHE_ROOT);
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  try {
    return { dir, meta: await readFacesMeta(dir, id), built: false };
  } catch (e) {
    if (!(e instanceof FacesCacheError)) throw e;
    log(
      e.reason === 'missing'
        ? `Building ${id.count.toLocaleString('en')} faces of ${id.size} px (seed ${id.seed}) into ${dir}`
        : `${e.message}. Rebuilding it.`,
    );
  }
  const built = await buildFacesCache(options);
  return { ...built, built: true };
}

/** Reads one split of a checked cache folder. */
export async function readFaceSplit(
  dir: string,
  meta: FacesMeta,
  split: FaceSplit,
): Promise<FaceData> {
  const from = split === 'train' ? 0 : meta.trainCount;
  const count = split === 'train' ? meta.trainCount : meta.testCount;
  const bytes = faceBytes(meta.size);
  const k = FACE_ATTRIBUTES.length;
  const [images, rows] = await Promise.all([
    readShared(join(dir, 'images.u8'), from * bytes, count * bytes),
    readShared(join(dir, 'labels.u8'), from * k, count * k),
  ]);
  const labels = {} as Record<FaceAttribute, Uint8Array>;
  FACE_ATTRIBUTES.forEach((a, j) => {
    const column = new Uint8Array(count);
    for (let i = 0; i < count; i++) column[i] = rows[i * k + j];
    labels[a] = column;
  });
  return { images, labels, count, size: meta.size };
}

/**
 * One split of the face data set: 'train' (faces 0 … 59,999 of 70,000) or 'test' (60,000 …
 * 69,999), building the cache first when needed.
 */
export async function loadFaces(
  split: FaceSplit,
  options: LoadFacesOptions = {},
): Promise<FaceData> {
  const { dir, meta } = await ensureFaces(options);
  return readFaceSplit(dir, meta, split);
}
