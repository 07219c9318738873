import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FACE_ATTRIBUTES } from '../../../src/lib/data/faces/index';
import {
  FacesCacheError,
  facesCacheDir,
  readFacesMeta,
  trainCountOf,
  type FacesMeta,
} from '../../../src/cli/faces/cache';
import { buildFacesCache, loadFaces } from '../../../src/cli/faces/load';
import { renderFaces } from '../../../src/cli/faces/pool';
import { faceBytes } from '../../../src/cli/faces/render';

const root = mkdtempSync(join(tmpdir(), 'faces-cache-'));
const id = { size: 8, seed: 9, count: 21 };
const quiet = { ...id, root, workers: 0, onProgress: () => {}, log: () => {} };
let dir: string;

beforeAll(async () => {
  dir = (await buildFacesCache(quiet)).dir;
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A copy of the built cache to damage. */
function copyOfCache(name: string): string {
  const copy = join(root, name, `faces-${id.size}px-seed${id.seed}`);
  mkdirSync(copy, { recursive: true });
  for (const f of readdirSync(dir)) writeFileSync(join(copy, f), readFileSync(join(dir, f)));
  return copy;
}

async function reason(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof FacesCacheError) return `${e.reason}: ${e.message}`;
    throw e;
  }
  return 'no error';
}

describe('face data set cache', () => {
  it('splits 70,000 faces into 60,000 training and 10,000 test faces', () => {
    expect(trainCountOf(70_000)).toBe(60_000);
    expect(trainCountOf(21)).toBe(18);
  });

  it('writes complete folders only, named by size and seed', () => {
    expect(dir).toBe(facesCacheDir(id, root));
    expect(readdirSync(dir).sort()).toEqual(['images.u8', 'labels.u8', 'meta.json']);
    expect(readdirSync(root).filter((n) => n.includes('.tmp-'))).toEqual([]);
    const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as FacesMeta;
    expect(meta).toMatchObject({ count: 21, size: 8, seed: 9, trainCount: 18, testCount: 3 });
    expect(meta.attributes).toEqual(FACE_ATTRIBUTES);
    expect(meta.definitions.labels.bangs.values).toContain('miaWallace');
  });

  it('round-trips: the loaded splits are the rendered faces, in shared memory', async () => {
    const all = await renderFaces({ seed: 9, size: 8, start: 0, count: 21 }, { workers: 0 });
    const train = await loadFaces('train', quiet);
    const test = await loadFaces('test', quiet);
    const bytes = faceBytes(8);
    expect(train.count).toBe(18);
    expect(test.count).toBe(3);
    expect(train.size).toBe(8);
    expect(train.images.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(train.images).toEqual(all.images.subarray(0, 18 * bytes));
    expect(test.images).toEqual(all.images.subarray(18 * bytes));
    FACE_ATTRIBUTES.forEach((a, k) => {
      expect(train.labels[a]).toHaveLength(18);
      expect(test.labels[a]).toHaveLength(3);
      expect(Array.from(test.labels[a])).toEqual([18, 19, 20].map((i) => all.labels[4 * i + k]));
    });
  });

  it('rejects a truncated cache with a clear error', async () => {
    const copy = copyOfCache('truncated');
    truncateSync(join(copy, 'images.u8'), 100);
    expect(await reason(readFacesMeta(copy, id))).toMatch(
      /^corrupt: .*images\.u8 has 100 bytes, expected 4032 \(21 faces of 8 px\).*delete/,
    );
    writeFileSync(join(copy, 'images.u8'), readFileSync(join(dir, 'images.u8')));
    rmSync(join(copy, 'labels.u8'));
    expect(await reason(readFacesMeta(copy, id))).toMatch(/^corrupt: .*labels\.u8 is missing/);
  });

  it('rejects a cache of another version, recipe or set as stale, and a missing one', async () => {
    const copy = copyOfCache('stale');
    const meta = JSON.parse(readFileSync(join(copy, 'meta.json'), 'utf8')) as FacesMeta;
    writeFileSync(join(copy, 'meta.json'), JSON.stringify({ ...meta, version: 0 }));
    expect(await reason(readFacesMeta(copy, id))).toMatch(/^stale: .*version 0/);
    const changed = structuredClone(meta);
    (changed.definitions.labels.bangs.values as string[]).push('bob');
    writeFileSync(join(copy, 'meta.json'), JSON.stringify(changed));
    expect(await reason(readFacesMeta(copy, id))).toMatch(/^stale: .*other label definitions/);
    writeFileSync(join(copy, 'meta.json'), JSON.stringify(meta));
    expect(await reason(readFacesMeta(copy, { ...id, count: 70_000 }))).toMatch(
      /^stale: .*count 21, asked for 70000/,
    );
    writeFileSync(join(copy, 'meta.json'), '{ not json');
    expect(await reason(readFacesMeta(copy, id))).toMatch(/^corrupt: .*not valid JSON/);
    expect(await reason(readFacesMeta(join(root, 'nowhere'), id))).toMatch(/^missing: /);
  });

  it('rebuilds a stale cache when loading, and clears temp folders of dead builds', async () => {
    const otherRoot = join(root, 'rebuild');
    const copy = copyOfCache('rebuild');
    const meta = JSON.parse(readFileSync(join(copy, 'meta.json'), 'utf8')) as FacesMeta;
    writeFileSync(join(copy, 'meta.json'), JSON.stringify({ ...meta, version: 0 }));
    const abandoned = `${copy}.tmp-999999999-1`;
    mkdirSync(abandoned);
    const lines: string[] = [];
    const data = await loadFaces('test', { ...quiet, root: otherRoot, log: (l) => lines.push(l) });
    expect(lines.join('\n')).toMatch(/out of date: version 0.*Rebuilding/);
    expect(data.count).toBe(3);
    expect(existsSync(abandoned)).toBe(false);
    expect(await readFacesMeta(copy, id)).toMatchObject({ version: meta.version });
  });
});
