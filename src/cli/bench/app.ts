/**
 * `npm run bench -- app`: the playground as a user meets it, in headless Chromium on WebGPU:
 * (a) navigation to the first sample grid with the model already in IndexedDB (second visit),
 * (b) gzipped size of the JavaScript the first page fetches, the engine worker's chunk included
 * (budget 1 MB), (c) main-thread frame gaps and long tasks while unlearning runs (target < 50 ms).
 * Builds dist/ first when it is missing or older than src/ or models/index.json.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { DIST_DIR, startApp } from '../../../test/e2e/helpers/app';
import { hasChromium, CHROMIUM_PATH } from '../../../test/e2e/helpers/browser';

export const title =
  'Playground in Chromium (WebGPU): time to first grid, first-page JS gzipped, frame gaps while training';

const MODEL = 'vae-mnist';
const SECOND_VISITS = 3;
const RUN = { batch: 8, steps: 20 };
const FIRST_PAGE_BUDGET = 1024 * 1024;

function newestMtime(path: string): number {
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

/** Runs `vite build` unless dist/ is newer than everything it is built from. */
function ensureBuilt(): void {
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

const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;

function gzipped(path: string): number {
  return gzipSync(readFileSync(join(DIST_DIR, path)), { level: 9 }).length;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

function median(xs: number[]): number {
  return percentile(
    [...xs].sort((a, b) => a - b),
    0.5,
  );
}

async function waitForGrid(page: Page): Promise<void> {
  await page.locator('[data-stage="ready"]').waitFor({ timeout: 180_000 });
  await page.waitForFunction(
    'document.querySelectorAll(\'[data-testid="tag-grid"] canvas\').length > 0',
    undefined,
    { timeout: 60_000 },
  );
}

/** Milliseconds from the navigation's start to the first sample grid on screen. */
async function timeToGrid(page: Page, url: string): Promise<number> {
  await page.goto(url);
  await waitForGrid(page);
  return page.evaluate(() => performance.now());
}

/**
 * Records rAF gaps and long tasks in the page. A string, not a closure: tsx compiles closures with
 * a `__name` helper that does not exist in the page.
 */
const FRAME_RECORDER = `(() => {
  const rec = { gaps: [], long: [], slow: [], on: true };
  window.__frames = rec;
  const t0 = performance.now();
  const where = () => document.querySelector('[data-testid="run-status"]')?.textContent?.trim() ?? '';
  let last = performance.now();
  const tick = (now) => {
    rec.gaps.push(now - last);
    if (now - last > 50) rec.slow.push({ at: last - t0, ms: now - last, where: where() });
    last = now;
    if (rec.on) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      rec.long.push(entry.duration);
      rec.slow.push({ at: entry.startTime - t0, ms: entry.duration, where: 'long task; ' + where() });
    }
  }).observe({ type: 'longtask', buffered: false });
})()`;

const STOP_RECORDER = `(() => {
  window.__frames.on = false;
  const { gaps, long, slow } = window.__frames;
  return { gaps: gaps.slice(1), long, slow };
})()`;

export async function bench(): Promise<void> {
  if (!hasChromium) {
    console.log(`skipped: no Chromium at ${CHROMIUM_PATH}`);
    return;
  }
  ensureBuilt();
  const load = loadavg().map((v) => v.toFixed(2));
  console.log(`load average before: ${load.join(' ')} (${availableParallelism()} cores)`);

  const app = await startApp();
  try {
    const page = await app.openApp('/');
    const url = page.url();
    await page.locator('[data-stage="choose"], [data-stage="ready"]').waitFor({ timeout: 180_000 });
    const firstPage = app.server.requests.filter((p) => p.endsWith('.js'));

    // (b) What the first page fetched before the user did anything, gzipped.
    const files = [...new Set(firstPage)].map((p) => p.replace(/^\//, ''));
    let total = 0;
    console.log('\n(b) JavaScript the first page fetches (gzip -9):');
    for (const file of files) {
      const size = gzipped(file);
      total += size;
      console.log(
        `  ${file.padEnd(40)} ${kb(statSync(join(DIST_DIR, file)).size).padStart(10)} → ${kb(size).padStart(9)}`,
      );
    }
    const worker = files.find((f) => f.includes('engine.worker'));
    console.log(
      `  total ${kb(total)} gzipped of a ${kb(FIRST_PAGE_BUDGET)} budget` +
        ` (${total <= FIRST_PAGE_BUDGET ? 'within' : 'OVER'}); engine worker chunk ` +
        `${worker ? kb(gzipped(worker)) : 'not fetched'}`,
    );
    const wasm = readdirSync(join(DIST_DIR, 'assets')).filter((f) => f.endsWith('.wasm'));
    console.log(
      `  not on the first page: ${wasm.length} .wasm binaries (fetched only for ?backend=wasm), ` +
        `the morpho worker (first "tag for me")`,
    );

    // (a) First visit downloads and stores the model; later visits read it from IndexedDB.
    const firstStart = performance.now();
    await page.getByTestId(`model-${MODEL}`).click();
    await waitForGrid(page);
    console.log(
      `\n(a) first visit: ${MODEL} downloaded, checked, stored and warmed up in ` +
        `${((performance.now() - firstStart) / 1000).toFixed(1)} s after the click`,
    );
    const visits: number[] = [];
    for (let i = 0; i < SECOND_VISITS; i++) visits.push(await timeToGrid(page, url));
    console.log(
      `    later visits, navigation → first sample grid: ` +
        `${visits.map((ms) => `${(ms / 1000).toFixed(2)} s`).join(', ')}; median ` +
        `${(median(visits) / 1000).toFixed(2)} s`,
    );

    // (c) Frame gaps on the main thread while the worker trains.
    await page.getByTestId('tag-for-me').click();
    await page.waitForFunction(
      '!document.querySelector(\'[data-testid="tag-for-me"]\')?.disabled',
      undefined,
      { timeout: 120_000 },
    );
    await page.getByTestId('opt-batch').fill(String(RUN.batch));
    await page.getByTestId('opt-batch').dispatchEvent('change');
    await page.getByTestId('opt-steps').fill(String(RUN.steps));
    await page.getByTestId('opt-steps').dispatchEvent('change');
    await page.evaluate(FRAME_RECORDER);
    const runStart = performance.now();
    await page.getByTestId('start').click();
    await page
      .locator('[data-testid="run-status"][data-status="done"]')
      .waitFor({ timeout: 300_000 });
    const seconds = (performance.now() - runStart) / 1000;
    const { gaps, long, slow } = (await page.evaluate(STOP_RECORDER)) as {
      gaps: number[];
      long: number[];
      slow: { at: number; ms: number; where: string }[];
    };
    const sorted = [...gaps].sort((a, b) => a - b);
    console.log(
      `\n(c) unlearning ${RUN.steps} steps at batch ${RUN.batch} in ${seconds.toFixed(1)} s ` +
        `(live previews on): ${gaps.length} frames`,
    );
    console.log(
      `    rAF gap: p50 ${percentile(sorted, 0.5).toFixed(1)} ms, p95 ` +
        `${percentile(sorted, 0.95).toFixed(1)} ms, max ${sorted[sorted.length - 1].toFixed(1)} ms; ` +
        `gaps over 50 ms: ${gaps.filter((g) => g > 50).length}`,
    );
    console.log(
      `    long tasks (> 50 ms): ${long.length}` +
        (long.length > 0 ? `, max ${Math.max(...long).toFixed(0)} ms` : ''),
    );
    for (const s of slow) {
      console.log(`    at ${(s.at / 1000).toFixed(2)} s: ${s.ms.toFixed(0)} ms (${s.where})`);
    }
    await page.close();
  } finally {
    await app.close();
  }
}
