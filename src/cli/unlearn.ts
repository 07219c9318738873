/**
 * `npm run -s unlearn -- --model dcgan-mnist|vae-mnist --feature thickness|slant [options]`
 *
 * Runs the paper's MNIST protocol for one row (see unlearn-row.ts) and prints a table, or with
 * --json exactly one JSON object on stdout. Progress goes to stderr.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { unzipSync } from 'fflate';
import { initNodeBackend } from './tf-backend';
import { workerCount, workerPool } from './parallel/pool';
import { taggedIndices } from '../lib/core/recipe';
import { packUnlearnedZip } from '../lib/share/unlearned-zip';
import { PROVENANCE_FORMAT, PROVENANCE_VERSION } from '../lib/share/provenance';
import { APP_VERSION } from '../lib/share/version';
import {
  modelEntry,
  paperRowConfig,
  runRow,
  type Feature,
  type GeneratorId,
  type RowConfig,
  type RowResult,
} from './unlearn-row';
import { tileGrid } from '../lib/core/grid';
import { writeGreyPng } from './png';
import { formatDuration } from './progress-bar';
import {
  OPTION_TABLE,
  optionFromText,
  PRESET_HELP,
  PRESET_NAMES,
  presetOptions,
  withOption,
} from '../lib/core/options';
import {
  checkReplay,
  describeReplay,
  parseRecipe,
  recipeHash,
  type Recipe,
} from '../lib/core/recipe';
import { plannedSteps } from '../lib/train/unlearn/session';

const RUN_FLAGS = `  --model dcgan-mnist|vae-mnist --feature thickness|slant   which row of the paper
  --slant-side left|right|abs   which slant is the feature (default left)
  --pool N      samples tagged by the simulated person (default 500)
  --samples N   fresh samples for the evaluation (default 10,000)
  --backend wasm|cpu   --workers N (threads that split each step; default one per core)
  --json   --out DIR   --grid FILE.png`;

/** The method's flags, one per row of OPTION_TABLE, with its help line and default. */
const OPTION_FLAGS = OPTION_TABLE.map((spec) => {
  const arg =
    spec.kind === 'flag'
      ? ''
      : spec.kind === 'choice'
        ? ` ${spec.values.join('|')}`
        : ` ${spec.kind === 'integer' ? 'N' : 'X'}`;
  const shown = spec.kind === 'flag' ? '' : ` (default ${spec.default ?? 'unset'})`;
  const help = spec.kind === 'flag' ? `switches off ${spec.help}` : spec.help;
  return `  --${`${spec.cli}${arg}`.padEnd(28)} ${help}${shown}`;
}).join('\n');

const USAGE = `Usage: npm run -s unlearn -- --model dcgan-mnist|vae-mnist --feature thickness|slant [flags]
       npm run -s unlearn -- --recipe '<recipe link or #recipe&…>' [--samples N] [--json]
${RUN_FLAGS}
  --recipe LINK   replay a run of the app (or of this CLI) from its recipe link, and say whether it reproduced
  --site URL      where the app is served, for the recipe link printed (default http://127.0.0.1:5173/)
Options of the method (defaults: the paper's MNIST settings, Table 4):
  --preset ${PRESET_NAMES.join('|').padEnd(21)} start from a named setting; the flags below override it
${PRESET_NAMES.map((p) => `      ${p.padEnd(10)} ${PRESET_HELP[p]}`).join('\n')}
${OPTION_FLAGS}`;

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

function num(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) fail(`--${name} must be a whole number ≥ 1; got "${value}".`);
  return n;
}

const optionFlags = Object.fromEntries(
  OPTION_TABLE.map((spec) => [
    spec.cli,
    { type: spec.kind === 'flag' ? ('boolean' as const) : ('string' as const) },
  ]),
);

const { values } = (() => {
  try {
    return parseArgs({
      options: {
        ...optionFlags,
        model: { type: 'string' },
        feature: { type: 'string' },
        'slant-side': { type: 'string' },
        pool: { type: 'string' },
        samples: { type: 'string' },
        backend: { type: 'string' },
        workers: { type: 'string' },
        json: { type: 'boolean' },
        out: { type: 'string' },
        grid: { type: 'string' },
        recipe: { type: 'string' },
        site: { type: 'string' },
        preset: { type: 'string' },
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
const backendName =
  oneOf('backend', values.backend as string | undefined, ['wasm', 'cpu'] as const) ?? 'wasm';
const given = values as Record<string, string | boolean | undefined>;
const workers = (() => {
  const raw = values.workers as string | undefined;
  try {
    return workerCount(raw === undefined ? undefined : Number(raw));
  } catch (e) {
    fail((e as Error).message);
  }
})();

/** The row a recipe link describes: its model, grid, tags, feature and every option. */
function configFromRecipe(link: string): { config: RowConfig; recipe: Recipe } {
  const usedOptions = OPTION_TABLE.filter((spec) => given[spec.cli] !== undefined);
  for (const flag of [
    ...usedOptions.map((s) => s.cli),
    'model',
    'feature',
    'pool',
    'slant-side',
    'preset',
  ]) {
    if (given[flag] !== undefined) {
      fail(`--recipe replays a run as it was recorded; leave out --${flag}.`);
    }
  }
  let recipe: Recipe;
  try {
    recipe = parseRecipe(recipeHash(link));
  } catch (e) {
    fail((e as Error).message);
  }
  const model = oneOf<GeneratorId>('model', recipe.model, ['dcgan-mnist', 'vae-mnist']);
  if (model === undefined) fail('The recipe names no model.');
  if (recipe.feature?.kind !== 'morpho') {
    fail(
      "The recipe's feature is judged by a classifier of the app's user; the CLI measures Morpho-MNIST features only.",
    );
  }
  const config = paperRowConfig(model, recipe.feature.feature, recipe.options);
  config.slantSide = recipe.feature.slantSide;
  config.poolSize = recipe.count;
  config.tags = recipe.tags;
  config.evalSamples = recipe.evalCount ?? config.evalSamples;
  return { config, recipe };
}

/** The row the flags describe: a paper row, with the method's options read by their table rows. */
function configFromFlags(): RowConfig {
  const model =
    oneOf<GeneratorId>('model', values.model as string | undefined, ['dcgan-mnist', 'vae-mnist']) ??
    fail('--model is required.');
  const feature =
    oneOf<Feature>('feature', values.feature as string | undefined, ['thickness', 'slant']) ??
    fail('--feature is required.');
  const preset = oneOf('preset', values.preset as string | undefined, PRESET_NAMES) ?? 'paper';
  let options = presetOptions(preset);
  for (const spec of OPTION_TABLE) {
    const text = given[spec.cli];
    if (text === undefined) continue;
    try {
      const value = spec.kind === 'flag' ? false : optionFromText(spec, text as string);
      options = withOption(options, spec.key, value);
    } catch (e) {
      fail(`--${spec.cli}: ${(e as Error).message}`);
    }
  }
  const config = paperRowConfig(model, feature, options);
  config.slantSide =
    oneOf(
      'slant-side',
      values['slant-side'] as string | undefined,
      ['left', 'right', 'abs'] as const,
    ) ?? 'left';
  config.poolSize = num('pool', values.pool as string | undefined) ?? config.poolSize;
  return config;
}

const replaying = typeof values.recipe === 'string' ? configFromRecipe(values.recipe) : null;
const config = replaying?.config ?? configFromFlags();
config.evalSamples = num('samples', values.samples as string | undefined) ?? config.evalSamples;
const { model, feature } = config;
const site = (values.site as string | undefined) ?? 'http://127.0.0.1:5173/';

const log = (line: string): void => void process.stderr.write(`${line}\n`);
const backend = await initNodeBackend(backendName);
log(
  `Backend: ${backend}. Model ${model}, feature ${feature === 'slant' ? `${config.slantSide} slant` : feature}.`,
);

let lastDraw = 0;
const { result, engine, preview, target, isPositive } = await runRow(config, {
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

if (typeof values.out === 'string') {
  const dir = values.out;
  const zip = await packUnlearnedZip(await engine.exportStudent(), {
    format: PROVENANCE_FORMAT,
    version: PROVENANCE_VERSION,
    app: { name: 'unlearning-playground-cli', version: APP_VERSION },
    createdAt: new Date().toISOString(),
    base: {
      id: model,
      sha256: modelEntry(model).files.find((f) => f.path.endsWith('.bin'))?.sha256 ?? '',
    },
    count: config.poolSize,
    tags: taggedIndices(isPositive),
    targetVector: Array.from(target.targetVector),
    threshold: target.threshold,
    options: config.options,
    feature: { kind: 'morpho', feature, slantSide: config.slantSide },
    steps: plannedSteps(config.options, config.poolSize),
    metrics: {
      tfr: result.targetFeatureRatio.unlearned,
      tfrOriginal: result.targetFeatureRatio.original,
      isMnist: result.isMnist.unlearned,
      fidMnist: result.fidMnist.unlearned,
      evalCount: config.evalSamples,
    },
    backend: backendName,
  });
  mkdirSync(dir, { recursive: true });
  const name = `${model}-unlearned.zip`;
  writeFileSync(join(dir, name), zip);
  // The same two files unpacked, for `tf.loadLayersModel` from a folder.
  for (const [file, bytes] of Object.entries(unzipSync(zip))) writeFileSync(join(dir, file), bytes);
  writeFileSync(join(dir, 'result.json'), JSON.stringify(result, null, 2));
  log(`Saved the unlearned generator to ${dir}/${name} (and unpacked: model.json, weights.bin).`);
}
const gridPath =
  values.grid ?? (values.json === true ? undefined : `${model}-${feature}-before-after.png`);
if (gridPath !== undefined) writeBeforeAfter(gridPath, preview);
await engine.dispose();

const link = `${site.replace(/#.*$/, '')}${result.recipe}`;
const replay =
  replaying === null
    ? null
    : (() => {
        const reached = parseRecipe(result.recipe).expect;
        const check = checkReplay(replaying.recipe.expect, reached);
        return { ...check, verdict: describeReplay(check) };
      })();

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
    `${JSON.stringify({ model: m, feature: f, config: c, seconds, backend: b, rocAuc, targetFeatureRatio, isMnist, fidMnist, recipe: link, replay, details: result })}\n`,
  );
} else {
  process.stdout.write(table(result));
  process.stdout.write(`\nRecipe (opens this run in the app, which replays it): ${link}\n`);
  if (replay !== null) process.stdout.write(`${replay.verdict}\n`);
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
