import {
  parseModelIndex,
  sha256Hex,
  type ModelEntry,
  type ModelIndex,
} from '../../lib/models/manifest';
import { appNeeds } from '../logic/startup';
import { del, fileStore, get, getState, keys, set, setState, storageMessage } from './storage';

/** A model file as kept in IndexedDB. */
interface StoredFile {
  sha256: string;
  bytes: ArrayBuffer;
}

/** Where models/ is on this site (Vite's base URL + models/). */
export const MODELS_URL = `${import.meta.env.BASE_URL}models/`;

/** Reads models/index.json from the network, else the copy saved on the last visit. */
export async function loadModelIndex(): Promise<{ index: ModelIndex; offline: boolean }> {
  try {
    const response = await fetch(`${MODELS_URL}index.json`, { cache: 'no-cache' });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const index = parseModelIndex(await response.json());
    await setState('model-index', index, 'the model list').catch(() => undefined);
    return { index, offline: false };
  } catch (error) {
    const saved = await getState<ModelIndex>('model-index');
    if (saved !== undefined) return { index: saved, offline: true };
    throw new Error(
      `The model list (models/index.json) could not be loaded and none is saved from an earlier visit: ${(error as Error).message}.`,
      { cause: error },
    );
  }
}

/** Progress of a model's download: bytes so far of all its files. */
export interface DownloadProgress {
  loaded: number;
  total: number;
  file: string;
  fromCache: boolean;
}

async function download(
  url: string,
  size: number,
  onBytes: (n: number) => void,
): Promise<ArrayBuffer> {
  const response = await fetch(url, { cache: 'no-cache' });
  if (!response.ok || response.body === null) {
    throw new Error(`downloading ${url} failed: HTTP ${response.status}`);
  }
  const reader = response.body.getReader();
  const out = new Uint8Array(Math.max(size, 1));
  let at = 0;
  let chunks: Uint8Array[] | null = null;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (chunks === null && at + value.length <= out.length) out.set(value, at);
    else {
      chunks ??= [out.subarray(0, at)];
      chunks.push(value);
    }
    at += value.length;
    onBytes(value.length);
  }
  if (chunks === null) return out.slice(0, at).buffer;
  const joined = new Uint8Array(at);
  let o = 0;
  for (const c of chunks) {
    joined.set(c, o);
    o += c.length;
  }
  return joined.buffer;
}

/**
 * Every file of `entry` the app needs ({@link appNeeds}), by path: from IndexedDB when a copy with the right SHA-256 is there,
 * else downloaded with progress, checked against the manifest's SHA-256 and stored.
 *
 * @throws Error saying which file failed its hash or download; a storage failure is reported
 *   through `onWarning` and the files are still returned (kept only for this visit).
 */
export async function loadModelFiles(
  entry: ModelEntry,
  onProgress: (p: DownloadProgress) => void,
  onWarning: (message: string) => void,
): Promise<Map<string, ArrayBuffer>> {
  const files = entry.files.filter((f) => appNeeds(f.path));
  const total = files.reduce((a, f) => a + f.size, 0);
  let loaded = 0;
  const out = new Map<string, ArrayBuffer>();
  for (const file of files) {
    const key = `file:${file.path}`;
    const stored = await get<StoredFile>(key, fileStore).catch(() => undefined);
    if (stored !== undefined && stored.sha256 === file.sha256) {
      if ((await sha256Hex(stored.bytes)) === file.sha256) {
        loaded += file.size;
        onProgress({ loaded, total, file: file.path, fromCache: true });
        out.set(file.path, stored.bytes);
        continue;
      }
      await del(key, fileStore).catch(() => undefined);
    }
    const bytes = await download(`${MODELS_URL}${file.path}`, file.size, (n) => {
      loaded += n;
      onProgress({ loaded, total, file: file.path, fromCache: false });
    });
    const digest = await sha256Hex(bytes);
    if (digest !== file.sha256) {
      throw new Error(
        `${file.path} is corrupt or was replaced: its SHA-256 is ${digest.slice(0, 12)}…, models/index.json says ${file.sha256.slice(0, 12)}…. Nothing was stored; reload to try again.`,
      );
    }
    // Stored beside the work that follows: the first samples need the bytes, not the copy.
    set(key, { sha256: digest, bytes } satisfies StoredFile, fileStore).catch((error: unknown) =>
      onWarning(storageMessage(error, file.path)),
    );
    out.set(file.path, bytes);
  }
  return out;
}

/** One cached file. */
export interface CachedFile {
  path: string;
  size: number;
}

/** What IndexedDB holds, by model file path. */
export async function listCachedFiles(): Promise<CachedFile[]> {
  const all = (await keys(fileStore)).map(String).filter((k) => k.startsWith('file:'));
  const out: CachedFile[] = [];
  for (const key of all) {
    const stored = await get<StoredFile>(key, fileStore);
    out.push({ path: key.slice(5), size: stored?.bytes.byteLength ?? 0 });
  }
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

/** Deletes the cached files under `prefix` (a model id's folder), or all with ''. */
export async function deleteCachedFiles(prefix: string): Promise<void> {
  const all = (await keys(fileStore)).map(String);
  for (const key of all) if (key.startsWith(`file:${prefix}`)) await del(key, fileStore);
}
