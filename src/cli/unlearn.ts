/**
 * `npm run -s unlearn -- --model dcgan-mnist|vae-mnist --feature thickness|slant [options]`
 *
 * Runs the paper's MNIST protocol for one row (see unlearn-row.ts) and prints a table, or with
 * --json exactly one JSON object on stdout. Progress goes to stderr.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { initNodeBackend } from './tf-backend';
import { workerCount, workerPool } from './parallel/pool';
import {
  paperRowConfig,
  runRow,
  type Feature,
  type GeneratorId,
  type RowResult,
} from './unlearn-row';
import { tileGrid } from '../lib/core/grid';
import { writeGreyPng } from './png';
import { formatDuration } from './progress-bar';
import type { UnlearnOptions } from '../lib/core/options';
import { plannedSteps } from '../lib/train/unlearn/session';

const USAGE = `Usage: npm run -s unlearn -- --model dcgan-mnist|vae-mnist --feature thickness|slant
  [--seed S] [--steps N | --epochs E] [--alpha A] [--lr LR] [--batch B]
  [--threshold pooled|midpoint] [--shift literal|unit] [--margin M] [--direction meanDiff|lda]
  [--latents pool|fresh] [--no-recon] [--no-unlearn] [--no-percep] [--slant-side left|right|abs]
  [--pool N] [--samples N] [--backend wasm|cpu] [--workers N] [--json] [--out DIR] [--grid FILE.png]`;

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

function oneOf<T extends string>(
  name: string,
  value: string | undefined,
  allowed: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    fail(`--${name} must be one of ${allowed.join(', ')}; got "${value}".`);
  }
  return value as T;
}

function num(name: string, value: string | undefined, integer = false): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || (integer && !Number.isInteger(n))) {
    fail(`--${name} must be ${integer ? 'an integer' : 'a number'}; got "${value}".`);
  }
  return n;
}

const { values } = (() => {
  try {
    return parseArgs({
      options: {
        model: { type: 'string' },
        feature: { type: 'string' },
        seed: { type: 'string' },
        steps: { type: 'string' },
        epochs: { type: 'string' },
        alpha: { type: 'string' },
        lr: { type: 'string' },
        batch: { type: 'string' },
        threshold: { type: 'string' },
        shift: { type: 'string' },
        margin: { type: 'string' },
        direction: { type: 'string' },
        latents: { type: 'string' },
        'no-recon': { type: 'boolean' },
        'no-unlearn': { type: 'boolean' },
        'no-percep': { type: 'boolean' },
        'slant-side': { type: 'string' },
        pool: { type: 'string' },
        samples: { type: 'string' },
        backend: { type: 'string' },
        workers: { type: 'string' },
        json: { type: 'boolean' },
        out: { type: 'string' },
        grid: { type: 'string' },
        help: { type: 'boolean' },
      },
      strict: true,
    });
  } catch (e) {
    fail((e as Error).message);
  }
})();

if (values.help === true) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const model =
  oneOf<GeneratorId>('model', values.model, ['dcgan-mnist', 'vae-mnist']) ??
  fail('--model is required.');
const feature =
  oneOf<Feature>('feature', values.feature, ['thickness', 'slant']) ??
  fail('--feature is required.');
const backendName = oneOf('backend', values.backend, ['wasm', 'cpu'] as const) ?? 'wasm';
const workers = (() => {
  try {
    return workerCount(num('workers', values.workers, true));
  } catch (e) {
    fail((e as Error).message);
  }
})();

const overrides: Partial<UnlearnOptions> = {};
const set = <K extends keyof UnlearnOptions>(
  key: K,
  value: UnlearnOptions[K] | undefined,
): void => {
  if (value !== undefined) overrides[key] = value;
};
set('seed', num('seed', values.seed, true));
set('steps', num('steps', values.steps, true));
set('epochs', num('epochs', values.epochs, true));
set('alpha', num('alpha', values.alpha));
set('learningRate', num('lr', values.lr));
set('batchSize', num('batch', values.batch, true));
set('threshold', oneOf('threshold', values.threshold, ['pooled', 'midpoint'] as const));
set('shift', oneOf('shift', values.shift, ['literal', 'unit'] as const));
set('margin', num('margin', values.margin));
set('direction', oneOf('direction', values.direction, ['meanDiff', 'lda'] as const));
set('latents', oneOf('latents', values.latents, ['pool', 'fresh'] as const));
if (values['no-recon'] || values['no-unlearn'] || values['no-percep']) {
  overrides.terms = {
    recon: values['no-recon'] !== true,
    unlearn: values['no-unlearn'] !== true,
    percep: values['no-percep'] !== true,
  };
}

let config;
try {
  config = paperRowConfig(model, feature, overrides);
} catch (e) {
  fail((e as Error).message);
}
config.slantSide =
  oneOf('slant-side', values['slant-side'], ['left', 'right', 'abs'] as const) ?? 'left';
config.poolSize = num('pool', values.pool, true) ?? config.poolSize;
config.evalSamples = num('samples', values.samples, true) ?? config.evalSamples;

const log = (line: string): void => void process.stderr.write(`${line}\n`);
const backend = await initNodeBackend(backendName);
log(
  `Backend: ${backend}. Model ${model}, feature ${feature === 'slant' ? `${config.slantSide} slant` : feature}.`,
);

let lastDraw = 0;
const { result, engine, preview } = await runRow(config, {
  log,
  parallel: workers > 1 ? workerPool({ workers, backend: backendName }) : undefined,
  onProgress: (p) => {
    const now = performance.now();
    if (now - lastDraw < 1000 && p.step !== p.totalSteps) return;
    lastDraw = now;
    const eta = (p.totalSteps - p.step) / Math.max(1e-9, p.stepsPerSecond);
    const l = p.losses;
    const line =
      `step ${p.step}/${p.totalSteps} loss ${l.total.toFixed(4)} (recon ${l.recon.toFixed(4)}, ` +
      `unlearn ${l.unlearn.toFixed(4)}, percep ${l.percep.toFixed(4)}) flagged ${(100 * l.flagged).toFixed(0)} % ` +
      `| ${p.stepsPerSecond.toFixed(1)} step/s ETA ${formatDuration(eta)}`;
    process.stderr.write(process.stderr.isTTY ? `\r${line}\x1b[K` : `${line}\n`);
  },
});
if (process.stderr.isTTY) process.stderr.write('\n');

if (values.out !== undefined) {
  const { modelJson, weights } = await engine.exportStudent();
  mkdirSync(values.out, { recursive: true });
  writeFileSync(join(values.out, 'model.json'), JSON.stringify(modelJson));
  writeFileSync(join(values.out, 'weights.bin'), new Uint8Array(weights));
  writeFileSync(join(values.out, 'result.json'), JSON.stringify(result, null, 2));
  log(`Saved the unlearned generator to ${values.out}/`);
}
const gridPath =
  values.grid ?? (values.json === true ? undefined : `${model}-${feature}-before-after.png`);
if (gridPath !== undefined) writeBeforeAfter(gridPath, preview);
await engine.dispose();

if (values.json === true) {
  const {
    model: m,
    feature: f,
    config: c,
    seconds,
    backend: b,
    rocAuc,
    targetFeatureRatio,
    isMnist,
    fidMnist,
  } = result;
  process.stdout.write(
    `${JSON.stringify({ model: m, feature: f, config: c, seconds, backend: b, rocAuc, targetFeatureRatio, isMnist, fidMnist, details: result })}\n`,
  );
} else {
  process.stdout.write(table(result));
  if (gridPath !== undefined)
    process.stdout.write(`\nBefore (left) and after (right), same latents: ${gridPath}\n`);
}

/** Writes the preview latents before | after as one PNG, side by side. */
function writeBeforeAfter(
  path: string,
  images: { original: Float32Array; student: Float32Array },
): void {
  const count = images.original.length / 784;
  const cols = 8;
  const before = tileGrid(images.original, count, 28, 28, { cols });
  const after = tileGrid(images.student, count, 28, 28, { cols });
  const gap = 8;
  const width = before.width + gap + after.width;
  const pixels = new Float32Array(width * before.height).fill(0.5);
  for (let y = 0; y < before.height; y++) {
    pixels.set(before.pixels.subarray(y * before.width, (y + 1) * before.width), y * width);
    pixels.set(
      after.pixels.subarray(y * after.width, (y + 1) * after.width),
      y * width + before.width + gap,
    );
  }
  writeGreyPng(path, { pixels, width, height: before.height });
}

function table(r: RowResult): string {
  const pct = (x: number): string => `${(100 * x).toFixed(2)} %`;
  const rows = [
    ['', 'original', 'unlearned'],
    [
      'target feature ratio',
      pct(r.targetFeatureRatio.original),
      pct(r.targetFeatureRatio.unlearned),
    ],
    ['IS_mnist (ours)', r.isMnist.original.toFixed(3), r.isMnist.unlearned.toFixed(3)],
    ['FID_mnist (ours)', r.fidMnist.original.toFixed(3), r.fidMnist.unlearned.toFixed(3)],
  ];
  const w = [22, 12, 12];
  const lines = rows.map((row) => row.map((c, i) => c.padEnd(w[i])).join(' '));
  return [
    `${r.model}, ${r.feature === 'slant' ? `${r.config.slantSide} slant` : r.feature} (${r.backend}, ${r.seconds.toFixed(0)} s)`,
    ...lines,
    `ROC-AUC of proj(z) as a feature detector: ${r.rocAuc.toFixed(3)}`,
    `Floor (TFR of the targets themselves): ${pct(r.targetFeatureRatio.floor)}`,
    `Training: ${plannedSteps(r.config.options, r.config.poolSize)} steps, ${r.stepsPerSecond.toFixed(1)} step/s`,
    '',
  ].join('\n');
}
