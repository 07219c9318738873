import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ExperimentCache, NotCached } from '../../src/cli/experiment-cache';

describe('ExperimentCache', () => {
  const dirs: string[] = [];
  const cacheIn = (
    opts: {
      fresh?: boolean;
      reportOnly?: boolean;
      provenance?: (key: string) => Record<string, string> | null;
    } = {},
    dir?: string,
  ) => {
    const d = dir ?? mkdtempSync(join(tmpdir(), 'experiment-cache-'));
    if (dir === undefined) dirs.push(d);
    const lines: string[] = [];
    const cache = new ExperimentCache({
      dir: d,
      fresh: opts.fresh ?? false,
      reportOnly: opts.reportOnly ?? false,
      log: (l) => lines.push(l),
      provenance: opts.provenance,
    });
    return { cache, dir: d, lines };
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('runs a key once and reads it back from its JSON file', async () => {
    const { cache, dir } = cacheIn();
    let runs = 0;
    const work = async () => ({ n: ++runs });
    expect(await cache.cached('row-a', work)).toEqual({ n: 1 });
    expect(await cache.cached('row-a', work)).toEqual({ n: 1 });
    expect(runs).toBe(1);
    expect(JSON.parse(readFileSync(join(dir, 'row-a.json'), 'utf8'))).toEqual({ n: 1 });
  });

  it('with fresh, runs a cached key again, but only once per process', async () => {
    const { dir } = cacheIn();
    const first = cacheIn({}, dir).cache;
    await first.cached('row-a', async () => 1);
    const { cache } = cacheIn({ fresh: true }, dir);
    let runs = 0;
    await cache.cached('row-a', async () => ++runs);
    await cache.cached('row-a', async () => ++runs);
    expect(runs).toBe(1);
  });

  it('with reportOnly, runs nothing: a missing key is null through optional', async () => {
    const { cache, lines } = cacheIn({ reportOnly: true });
    let runs = 0;
    await expect(cache.cached('row-b', async () => ++runs)).rejects.toBeInstanceOf(NotCached);
    expect(await cache.optional(cache.cached('row-b', async () => ++runs))).toBeNull();
    expect(runs).toBe(0);
    expect(lines.join('\n')).toContain('[row-b] not run yet');
  });

  it('runs a result cached from other weights again, and reports none of it', async () => {
    const { dir } = cacheIn();
    const madeOf = (sha: string) => () => ({ 'vae-mnist/weights.bin': sha });
    await cacheIn({ provenance: madeOf('aa') }, dir).cache.cached('vae-mnist-row', async () => 1);
    const same = cacheIn({ provenance: madeOf('aa') }, dir);
    expect(await same.cache.cached('vae-mnist-row', async () => 2)).toBe(1);
    const report = cacheIn({ reportOnly: true, provenance: madeOf('bb') }, dir);
    expect(
      await report.cache.optional(report.cache.cached('vae-mnist-row', async () => 3)),
    ).toBeNull();
    expect(report.lines.join('\n')).toContain('cached from other weights (vae-mnist/weights.bin)');
    const retrained = cacheIn({ provenance: madeOf('bb') }, dir);
    expect(await retrained.cache.cached('vae-mnist-row', async () => 4)).toBe(4);
    // The new result now carries the new weights' hash.
    expect(
      await cacheIn({ provenance: madeOf('bb') }, dir).cache.cached('vae-mnist-row', async () => 5),
    ).toBe(4);
  });

  it('runs a result cached without a record of its weights again, once its weights are known', async () => {
    const { dir } = cacheIn();
    await cacheIn({}, dir).cache.cached('old-row', async () => 'old');
    // Without provenance (a key that names no generator) the old result stands.
    expect(await cacheIn({}, dir).cache.cached('old-row', async () => 'again')).toBe('old');
    const now = cacheIn({ provenance: () => ({ 'x/weights.bin': 'cc' }) }, dir);
    expect(await now.cache.cached('old-row', async () => 'new')).toBe('new');
    expect(now.lines.join('\n')).toContain('(no record of its weights): stale');
    const later = cacheIn({ provenance: () => ({ 'x/weights.bin': 'cc' }) }, dir);
    expect(await later.cache.cached('old-row', async () => 'newer')).toBe('new');
  });

  it('keeps why a run stopped until the same run succeeds', async () => {
    const { cache, dir } = cacheIn();
    expect(cache.failure('row-d')).toBeNull();
    cache.recordFailure('row-d', 'no positives');
    expect(cacheIn({ reportOnly: true }, dir).cache.failure('row-d')).toBe('no positives');
    await cache.cached('row-d', async () => 1);
    expect(cache.failure('row-d')).toBeNull();
  });

  it('lets any other error through optional', async () => {
    const { cache } = cacheIn();
    const failing = cache.cached('row-c', async () => {
      throw new Error('no positives');
    });
    await expect(cache.optional(failing)).rejects.toThrow('no positives');
  });
});
