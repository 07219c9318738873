/**
 * The cache of `npm run experiments`: each run's result is a JSON file named by its key, so an
 * interrupted run resumes where it stopped; `fresh` ignores the cache, `reportOnly` runs nothing.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GeneratorBytes } from '../lib/models/bytes';
import type { GradientSourceFactory } from '../lib/train/data-parallel';
import { formatDuration } from './progress-bar';
import type { RowHooks } from './unlearn-row';

/** A run that --report-only found no cached result for. */
export class NotCached extends Error {}

export interface ExperimentCacheOptions {
  /** The folder of the JSON files (default .cache/experiments). */
  dir: string;
  /** Run again even when a result is cached. */
  fresh: boolean;
  /** Run nothing: a result that is not cached throws {@link NotCached}. */
  reportOnly: boolean;
  log: (line: string) => void;
  /**
   * What the run of `key` was made from (e.g. the SHA-256 of its generator's weights), or null
   * when unknown. A result cached with other provenance, or with none recorded (cached before
   * provenance was kept), is stale: it runs again (with --report-only it is left out).
   */
  provenance?: (key: string) => Record<string, string> | null;
}

export class ExperimentCache {
  /** Keys run by this process: `fresh` runs each at most once, however often it is asked for. */
  private readonly ran = new Set<string>();

  constructor(readonly options: ExperimentCacheOptions) {
    mkdirSync(options.dir, { recursive: true });
  }

  /** Runs `fn` once per key; later calls read the cached JSON. */
  async cached<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const { dir, fresh, reportOnly, log } = this.options;
    const path = join(dir, `${key}.json`);
    const madeOf = this.options.provenance?.(key) ?? null;
    const stored = existsSync(path);
    const stale = stored && this.stale(key, madeOf);
    if ((!fresh || this.ran.has(key)) && stored && !stale) {
      log(`[${key}] cached`);
      return JSON.parse(readFileSync(path, 'utf8')) as T;
    }
    if (stale) log(`[${key}] cached from other weights (${stale}): stale`);
    if (reportOnly) throw new NotCached(key);
    log(`[${key}] running…`);
    const t0 = performance.now();
    const value = await fn();
    log(`[${key}] done in ${formatDuration((performance.now() - t0) / 1000)}`);
    writeFileSync(path, JSON.stringify(value, null, 2));
    rmSync(this.failurePath(key), { force: true });
    if (madeOf !== null) writeFileSync(this.provenancePath(key), JSON.stringify(madeOf, null, 2));
    this.ran.add(key);
    return value;
  }

  /**
   * Records that run `key` stopped with `reason` (e.g. its tagger found no positives), so a
   * later report can say so; a later success of the same key clears it.
   */
  recordFailure(key: string, reason: string): void {
    writeFileSync(this.failurePath(key), JSON.stringify({ reason }, null, 2));
  }

  /** Why run `key` last stopped, or null when it has not failed since it last succeeded. */
  failure(key: string): string | null {
    const path = this.failurePath(key);
    if (!existsSync(path)) return null;
    return (JSON.parse(readFileSync(path, 'utf8')) as { reason: string }).reason;
  }

  private failurePath(key: string): string {
    return join(this.options.dir, `${key}.failed.json`);
  }

  private provenancePath(key: string): string {
    return join(this.options.dir, `${key}.provenance.json`);
  }

  /** What differs between the provenance cached with `key` and `madeOf` ('' when none does). */
  private stale(key: string, madeOf: Record<string, string> | null): string {
    const path = this.provenancePath(key);
    if (madeOf === null) return '';
    if (!existsSync(path)) return 'no record of its weights';
    const saved = JSON.parse(readFileSync(path, 'utf8')) as Record<string, string>;
    return Object.keys(madeOf)
      .filter((k) => saved[k] !== madeOf[k])
      .join(', ');
  }

  /** `run`'s result, or null when --report-only found it not cached. */
  async optional<T>(run: Promise<T>): Promise<T | null> {
    try {
      return await run;
    } catch (e) {
      if (e instanceof NotCached) {
        this.options.log(`[${e.message}] not run yet: left out of the report`);
        return null;
      }
      throw e;
    }
  }

  /** The folder of the unlearned generator a run with `key` saved. */
  studentDir(key: string): string {
    return join(this.options.dir, 'students', key);
  }

  /** The folder of the training checkpoint of oracle run `key` (oracle.ts). */
  oracleDir(key: string): string {
    return join(this.options.dir, 'oracles', key);
  }

  /** Saves the unlearned generator of run `key` (model.json + weights.bin). */
  saveStudent(key: string, student: GeneratorBytes): void {
    const dir = this.studentDir(key);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'model.json'), JSON.stringify(student.modelJson));
    writeFileSync(join(dir, 'weights.bin'), new Uint8Array(student.weights));
  }
}

/** The hooks of run `key`: its lines and, every 15 s, its training progress, tagged with the key. */
export function runHooks(
  key: string,
  log: (line: string) => void,
  parallel?: GradientSourceFactory,
): RowHooks {
  let last = 0;
  return {
    log: (l) => log(`[${key}] ${l}`),
    parallel,
    onProgress: (p) => {
      if (performance.now() - last < 15_000) return;
      last = performance.now();
      log(
        `[${key}] step ${p.step}/${p.totalSteps} loss ${p.losses.total.toFixed(4)} ` +
          `${p.stepsPerSecond.toFixed(1)} step/s`,
      );
    },
  };
}
