/**
 * `npm run bench -- app`: the playground as a user meets it, in headless Chromium on WebGPU:
 * (a) navigation to the first samples on screen, on a first visit (a fresh browser profile: the
 * default model downloads on its own) and on a second visit (the model read from IndexedDB),
 * and to the page being ready (engine warmed up, self-test passed), (b) gzipped size of the JavaScript the first page fetches, the engine worker's chunk included
 * (budget 1 MB), (c) main-thread frame gaps and long tasks while unlearning runs (target < 50 ms).
 * Builds dist/ first when it is missing or older than src/ or models/index.json.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DIST_DIR, startApp } from '../../../test/e2e/helpers/app';
import {
  FIRST_SAMPLES_RECORDER,
  ensureBuilt,
  median,
  percentile,
  seconds,
  visit,
  type Visit,
} from '../browser-bench';
import { hasChromium, CHROMIUM_PATH } from '../../../test/e2e/helpers/browser';

export const title =
  'Playground in Chromium (WebGPU): first samples after load (first and second visit), first-page JS gzipped, frame gaps while training';

/** Fresh browser profiles, each visited twice (first visit, then a reload). */
const VISITS = 3;
/** The target for first samples on screen after the page's start. */
const FIRST_SAMPLES_TARGET_MS = 2000;
const RUN = { batch: 8, steps: 20 };
const FIRST_PAGE_BUDGET = 1024 * 1024;

const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;

function gzipped(path: string): number {
  return gzipSync(readFileSync(join(DIST_DIR, path)), { level: 9 }).length;
}

function reportVisits(name: string, visits: Visit[]): void {
  const samples = median(visits.map((v) => v.samples));
  console.log(
    `    ${name.padEnd(13)} first samples ${visits.map((v) => seconds(v.samples)).join(', ')}; ` +
      `median ${seconds(samples)} (target ≤ ${seconds(FIRST_SAMPLES_TARGET_MS)}: ` +
      `${samples <= FIRST_SAMPLES_TARGET_MS ? 'met' : 'MISSED'})`,
  );
  console.log(
    `    ${''.padEnd(13)} ready (self-test passed on ${visits[0].backend ?? '?'}) ` +
      `${visits.map((v) => seconds(v.ready)).join(', ')}; median ${seconds(median(visits.map((v) => v.ready)))}`,
  );
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
    // (a) Each profile's first visit downloads the default model; its reload reads IndexedDB.
    const url = `${app.server.url}/`;
    const first: Visit[] = [];
    const second: Visit[] = [];
    let requests: string[] = [];
    for (let i = 0; i < VISITS; i++) {
      const context = await app.session.browser.newContext({
        viewport: { width: 1100, height: 900 },
      });
      try {
        const fresh = await context.newPage();
        await fresh.addInitScript(FIRST_SAMPLES_RECORDER);
        const before = app.server.requests.length;
        first.push(await visit(fresh, url, false));
        if (i === 0) requests = app.server.requests.slice(before);
        second.push(await visit(fresh, url, true));
      } finally {
        await context.close();
      }
    }
    console.log('(a) navigation start → first samples on screen, and → page ready:');
    reportVisits('first visit', first);
    reportVisits('second visit', second);

    // (b) What the first page fetched before the user did anything, gzipped.
    const firstPage = requests.filter((p) => p.endsWith('.js'));
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
        `${worker ? kb(gzipped(worker)) : 'not fetched'} (one chunk, started twice: the engine ` +
        `and the first-samples worker)`,
    );
    const wasm = readdirSync(join(DIST_DIR, 'assets')).filter((f) => f.endsWith('.wasm'));
    console.log(
      `  not on the first page: ${wasm.length} .wasm binaries (fetched only for ?backend=wasm), ` +
        `the morpho worker (first "tag for me")`,
    );

    const page = await app.openApp('/');
    await page.locator('[data-stage="ready"]').waitFor({ timeout: 300_000 });

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
    const runSeconds = (performance.now() - runStart) / 1000;
    const { gaps, long, slow } = (await page.evaluate(STOP_RECORDER)) as {
      gaps: number[];
      long: number[];
      slow: { at: number; ms: number; where: string }[];
    };
    const sorted = [...gaps].sort((a, b) => a - b);
    console.log(
      `\n(c) unlearning ${RUN.steps} steps at batch ${RUN.batch} in ${runSeconds.toFixed(1)} s ` +
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
