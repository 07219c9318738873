/**
 * What the benchmarks that drive the built app in Chromium share (`npm run bench -- app` and
 * `-- gpu`): a fresh build when dist/ is stale, and the page-side clock of first samples.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { DIST_DIR } from '../../test/e2e/helpers/app';

function newestMtime(path: string): number {
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

/** Runs `vite build` unless dist/ is newer than everything it is built from. */
export function ensureBuilt(): void {
  const built = join(DIST_DIR, 'index.html');
  const sources = ['src', 'public', 'index.html', join('models', 'index.json')].filter(existsSync);
  const stale =
    !existsSync(built) || statSync(built).mtimeMs < Math.max(...sources.map(newestMtime));
  if (!stale) {
    console.log('dist/ is up to date; using it');
    return;
  }
  const start = performance.now();
  execFileSync('npx', ['vite', 'build', '--logLevel', 'error'], { stdio: 'inherit' });
  console.log(`built dist/ in ${((performance.now() - start) / 1000).toFixed(1)} s`);
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

export function median(xs: number[]): number {
  return percentile(
    [...xs].sort((a, b) => a - b),
    0.5,
  );
}

export const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

/**
 * Notes, in the page's clock (0 = navigation start), when the first sample grid is on screen and
 * when the page is ready. A string, not a closure: tsx compiles closures with a `__name` helper
 * that does not exist in the page. Add it with `page.addInitScript` before the visit.
 */
export const FIRST_SAMPLES_RECORDER = `(() => {
  const rec = { samples: null, ready: null, backend: null };
  window.__firstSamples = rec;
  const tick = () => {
    if (rec.samples === null && document.querySelector('[data-testid="tag-grid"] canvas')) {
      rec.samples = performance.now();
    }
    if (rec.ready === null && document.querySelector('[data-stage="ready"]')) {
      rec.ready = performance.now();
      rec.backend = document.querySelector('[data-testid="backend-name"]')?.textContent ?? null;
    }
    if (rec.samples === null || rec.ready === null) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})()`;

/** Milliseconds from navigation start to the first samples on screen and to the ready page. */
export interface Visit {
  samples: number;
  ready: number;
  backend: string | null;
}

/** Loads `url` (or reloads) and waits for the first samples and the ready page. */
export async function visit(page: Page, url: string, reload: boolean): Promise<Visit> {
  if (reload) await page.reload();
  else await page.goto(url);
  await page.waitForFunction('window.__firstSamples?.ready != null', undefined, {
    timeout: 300_000,
  });
  return (await page.evaluate('window.__firstSamples')) as Visit;
}
