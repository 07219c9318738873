/**
 * `npm run -s unlearn -- --model dcgan-mnist|vae-mnist --feature thickness|slant [options]`
 * `npm run -s unlearn -- --model proggan-faces|vae-faces --feature bangs|beard|hat|glasses`
 *
 * Runs the paper's protocol for one row (MNIST: unlearn-row.ts; faces: unlearn-face-row.ts) and
 * prints a table, or with --json exactly one JSON object on stdout. Progress goes to stderr.
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
  morphoRef,
  paperRowConfig,
  runRow,
  type Feature,
  type GeneratorId,
  type RowConfig,
  type RowResult,
} from './unlearn-row';
import { tileGrid } from '../lib/core/grid';
import { writeGreyPng, writeRgbPng } from './png';
import {
  attributeRef,
  FACE_ATTRIBUTES,
  FACE_GENERATOR_IDS,
  isFaceGenerator,
  paperFaceRowConfig,
  runFaceRow,
  type FaceAttribute,
  type FaceRowConfig,
  type FaceRowResult,
} from './unlearn-face-row';
import type { ImageShape } from '../lib/models/image-shape';
import { formatDuration } from './progress-bar';
import {
  OPTION_TABLE,
  optionFromText,
  PRESET_HELP,
  PRESET_NAMES,
  presetOptions,
  UNLEARN_PRESETS,
  withOption,
  type UnlearnOptionsInput,
} from '../lib/core/options';
import {
  checkReplay,
  describeReplay,
  parseRecipe,
  recipeHash,
  type Recipe,
} from '../lib/core/recipe';
import { plannedSteps, type UnlearnProgress } from '../lib/train/unlearn/session';
import { PAPER_FACE_ATTACK as PAPER_ATTACK } from './unlearn-face-row';

const MNIST_IDS = ['dcgan-mnist', 'vae-mnist'] as const;
const MODEL_IDS = [...MNIST_IDS, ...FACE_GENERATOR_IDS];

const RUN_FLAGS = `  --model dcgan-mnist|vae-mnist --feature thickness|slant   an MNIST row of the paper
  --model proggan-faces|vae-faces --feature ${FACE_ATTRIBUTES.join('|')}   a face row
  --slant-side left|right|abs   which slant is the feature (default left)
  --pool N      samples tagged by the simulated person (default 500)
  --samples N   fresh samples for the evaluation (default 10,000)
  --tagger ID   faces: the classifier that tags as the simulated person (default feature-<feature>-a)
  --attack-samples N   faces: latents the PGD attack starts from, 0 = no attack (default ${PAPER_ATTACK.samples})
  --attack-epsilon X   --attack-steps N   --attack-eta X   faces: the attack's ε, steps and η
                (default ${PAPER_ATTACK.epsilon}, ${PAPER_ATTACK.steps}, ${PAPER_ATTACK.stepSize}: Table 2)
  --models-dir DIR   faces: where the models are (default models/)
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

const USAGE = `Usage: npm run -s unlearn -- --model ${MODEL_IDS.join('|')} --feature F [flags]
       npm run -s unlearn -- --recipe '<recipe link or #recipe&…>' [--samples N] [--json]
${RUN_FLAGS}
  --recipe LINK   replay a run of the app (or of this CLI) from its recipe link, and say whether it reproduced
  --site URL      where the app is served, for the recipe link printed (default http://127.0.0.1:5173/)
Options of the method (defaults: the paper's settings, Table 4: MNIST as below; faces
α 300, lr 2e-4, 500 epochs, as for CelebA):
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

function num(name: string, value: string | undefined, min = 1): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) {
    fail(`--${name} must be a whole number ≥ ${min}; got "${value}".`);
  }
  return n;
}

function positive(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) fail(`--${name} must be a number above 0; got "${value}".`);
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
        tagger: { type: 'string' },
        'attack-samples': { type: 'string' },
        'attack-epsilon': { type: 'string' },
        'attack-steps': { type: 'string' },
        'attack-eta': { type: 'string' },
        'models-dir': { type: 'string' },
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

/** Either kind of row: an MNIST row or a face row. */
type AnyConfig = { data: 'mnist'; config: RowConfig } | { data: 'faces'; config: FaceRowConfig };

/**
 * The options the person chose: a preset's (`--preset`, default `paper`: none), then the
 * method's flags, each read by its table row. The row's paper settings fill in the rest.
 */
function optionOverrides(): UnlearnOptionsInput {
  const preset = oneOf('preset', values.preset as string | undefined, PRESET_NAMES) ?? 'paper';
  let options = presetOptions(preset);
  const set = new Set<string>(Object.keys(UNLEARN_PRESETS[preset]));
  for (const spec of OPTION_TABLE) {
    const text = given[spec.cli];
    if (text === undefined) continue;
    try {
      const value = spec.kind === 'flag' ? false : optionFromText(spec, text as string);
      options = withOption(options, spec.key, value);
      set.add(spec.key.split('.')[0]);
    } catch (e) {
      fail(`--${spec.cli}: ${(e as Error).message}`);
    }
  }
  const all = options as unknown as Record<string, unknown>;
  return Object.fromEntries([...set].map((k) => [k, all[k]])) as UnlearnOptionsInput;
}

/** The face flags that only a face row reads; refused on an MNIST row. */
const FACE_FLAGS = [
  'tagger',
  'attack-samples',
  'attack-epsilon',
  'attack-steps',
  'attack-eta',
] as const;

/** A face row's tagger, attack and models folder from the flags. */
function faceExtras(config: FaceRowConfig): FaceRowConfig {
  const samples = num('attack-samples', values['attack-samples'] as string | undefined, 0);
  const base = config.attack ?? { ...PAPER_ATTACK };
  const attack = {
    samples: samples ?? base.samples,
    epsilon:
      positive('attack-epsilon', values['attack-epsilon'] as string | undefined) ?? base.epsilon,
    steps: num('attack-steps', values['attack-steps'] as string | undefined) ?? base.steps,
    stepSize: positive('attack-eta', values['attack-eta'] as string | undefined) ?? base.stepSize,
  };
  return {
    ...config,
    tagger: (values.tagger as string | undefined) ?? config.tagger,
    attack: attack.samples === 0 ? null : attack,
  };
}

/** The row a recipe link describes: its model, grid, tags, feature and every option. */
function configFromRecipe(link: string): { row: AnyConfig; recipe: Recipe } {
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
  const model = oneOf('model', recipe.model, MODEL_IDS);
  if (model === undefined) fail('The recipe names no model.');
  const feature = recipe.feature;
  if (isFaceGenerator(model)) {
    if (feature?.kind !== 'attribute') {
      fail(
        "The recipe's feature is judged by a classifier of the app's user; the CLI measures the face attributes with the shipped classifiers only.",
      );
    }
    const config = faceExtras(paperFaceRowConfig(model, feature.attribute, recipe.options));
    config.poolSize = recipe.count;
    config.tags = recipe.tags;
    config.evalSamples = recipe.evalCount ?? config.evalSamples;
    return { row: { data: 'faces', config }, recipe };
  }
  if (feature?.kind !== 'morpho') {
    fail(
      "The recipe's feature is judged by a classifier of the app's user; the CLI measures Morpho-MNIST features only.",
    );
  }
  const config = paperRowConfig(model as GeneratorId, feature.feature, recipe.options);
  config.slantSide = feature.slantSide;
  config.poolSize = recipe.count;
  config.tags = recipe.tags;
  config.evalSamples = recipe.evalCount ?? config.evalSamples;
  return { row: { data: 'mnist', config }, recipe };
}

/** The row the flags describe: a paper row, with the method's options read by their table rows. */
function configFromFlags(): AnyConfig {
  const model =
    oneOf('model', values.model as string | undefined, MODEL_IDS) ?? fail('--model is required.');
  const pool = num('pool', values.pool as string | undefined);
  if (isFaceGenerator(model)) {
    const feature =
      oneOf<FaceAttribute>('feature', values.feature as string | undefined, FACE_ATTRIBUTES) ??
      fail('--feature is required.');
    if (values['slant-side'] !== undefined) fail('--slant-side is for the MNIST slant only.');
    const config = faceExtras(paperFaceRowConfig(model, feature, optionOverrides()));
    config.poolSize = pool ?? config.poolSize;
    return { data: 'faces', config };
  }
  for (const flag of FACE_FLAGS) {
    if (given[flag] !== undefined) fail(`--${flag} is for the face models only.`);
  }
  const feature =
    oneOf<Feature>('feature', values.feature as string | undefined, ['thickness', 'slant']) ??
    fail('--feature is required.');
  const config = paperRowConfig(model as GeneratorId, feature, optionOverrides());
  config.slantSide =
    oneOf(
      'slant-side',
      values['slant-side'] as string | undefined,
      ['left', 'right', 'abs'] as const,
    ) ?? 'left';
  config.poolSize = pool ?? config.poolSize;
  return { data: 'mnist', config };
}

const replaying = typeof values.recipe === 'string' ? configFromRecipe(values.recipe) : null;
const row = replaying?.row ?? configFromFlags();
const modelsDir = (values['models-dir'] as string | undefined) ?? 'models';
if (row.data === 'faces') row.config.modelsDir = modelsDir;
else if (modelsDir !== 'models') fail('--models-dir is for the face models only.');
const config = row.config;
config.evalSamples = num('samples', values.samples as string | undefined) ?? config.evalSamples;
const { model, feature } = config;
const site = (values.site as string | undefined) ?? 'http://127.0.0.1:5173/';

const log = (line: string): void => void process.stderr.write(`${line}\n`);
const backend = await initNodeBackend(backendName);
const featureName =
  row.data === 'mnist' && row.config.feature === 'slant'
    ? `${row.config.slantSide} slant`
    : feature;
log(`Backend: ${backend}. Model ${model}, feature ${featureName}.`);

let lastDraw = 0;
const hooks = {
  log,
  parallel: workers > 1 ? workerPool({ workers, backend: backendName }) : undefined,
  onProgress: (p: UnlearnProgress) => {
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
};
/** Runs the row; a problem with the models or the tags ends the run with its plain message. */
async function runAny() {
  try {
    return row.data === 'faces'
      ? { data: 'faces' as const, ...(await runFaceRow(row.config, hooks)) }
      : { data: 'mnist' as const, ...(await runRow(row.config, hooks)) };
  } catch (e) {
    process.stderr.write(`\n${(e as Error).message}\n`);
    process.exit(1);
  }
}
const run = await runAny();
const { engine, preview, imageShape, target, isPositive } = run;
const result: RowResult | FaceRowResult = run.result;
if (process.stderr.isTTY) process.stderr.write('\n');

if (typeof values.out === 'string') {
  const dir = values.out;
  const metrics =
    run.data === 'faces'
      ? { isFaces: run.result.isFaces.unlearned, fidFaces: run.result.fidFaces.unlearned }
      : { isMnist: run.result.isMnist.unlearned, fidMnist: run.result.fidMnist.unlearned };
  const zip = await packUnlearnedZip(await engine.exportStudent(), {
    format: PROVENANCE_FORMAT,
    version: PROVENANCE_VERSION,
    app: { name: 'unlearning-playground-cli', version: APP_VERSION },
    createdAt: new Date().toISOString(),
    base: {
      id: model,
      sha256: modelEntry(model, modelsDir).files.find((f) => f.path.endsWith('.bin'))?.sha256 ?? '',
    },
    count: config.poolSize,
    tags: taggedIndices(isPositive),
    targetVector: Array.from(target.targetVector),
    threshold: target.threshold,
    options: config.options,
    feature: row.data === 'faces' ? attributeRef(row.config) : morphoRef(row.config),
    steps: plannedSteps(config.options, config.poolSize),
    metrics: {
      tfr: result.targetFeatureRatio.unlearned,
      tfrOriginal: result.targetFeatureRatio.original,
      ...metrics,
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
if (gridPath !== undefined) writeBeforeAfter(gridPath, preview, imageShape);
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
  const { seconds, backend: b, rocAuc, targetFeatureRatio } = result;
  const head = { model, feature, config, seconds, backend: b, rocAuc, targetFeatureRatio };
  const quality =
    run.data === 'faces'
      ? { isFaces: run.result.isFaces, fidFaces: run.result.fidFaces, attack: run.result.attack }
      : { isMnist: run.result.isMnist, fidMnist: run.result.fidMnist };
  process.stdout.write(
    `${JSON.stringify({ ...head, ...quality, recipe: link, replay, details: result })}\n`,
  );
} else {
  process.stdout.write(run.data === 'faces' ? faceTable(run.result) : table(run.result));
  process.stdout.write(`\nRecipe (opens this run in the app, which replays it): ${link}\n`);
  if (replay !== null) process.stdout.write(`${replay.verdict}\n`);
  if (gridPath !== undefined)
    process.stdout.write(`\nBefore (left) and after (right), same latents: ${gridPath}\n`);
}

/** Writes the preview latents before | after as one PNG, side by side (grey or RGB). */
function writeBeforeAfter(
  path: string,
  images: { original: Float32Array; student: Float32Array },
  shape: ImageShape,
): void {
  const { height: side, channels } = shape;
  const count = images.original.length / (side * side * channels);
  const opts = { cols: 8, channels, background: channels === 3 ? 1 : 0 };
  const before = tileGrid(images.original, count, side, side, opts);
  const after = tileGrid(images.student, count, side, side, opts);
  const gap = 8;
  const width = before.width + gap + after.width;
  const row = (w: number): number => w * channels;
  const pixels = new Float32Array(width * before.height * channels).fill(0.5);
  for (let y = 0; y < before.height; y++) {
    const out = y * row(width);
    pixels.set(before.pixels.subarray(y * row(before.width), (y + 1) * row(before.width)), out);
    pixels.set(
      after.pixels.subarray(y * row(after.width), (y + 1) * row(after.width)),
      out + row(before.width + gap),
    );
  }
  if (channels === 1) {
    writeGreyPng(path, { pixels, width, height: before.height });
    return;
  }
  const data = Uint8Array.from(pixels, (v) => Math.round(255 * Math.min(1, Math.max(0, v))));
  writeRgbPng(path, { data, width, height: before.height });
}

function pct(x: number): string {
  return `${(100 * x).toFixed(2)} %`;
}

/** The table of a row: TFR, then its quality rows, then the target's numbers. */
function rowTable(
  r: RowResult | FaceRowResult,
  title: string,
  quality: string[][],
  notes: string[],
): string {
  const w = [22, 12, 12];
  const rows = [
    ['', 'original', 'unlearned'],
    [
      'target feature ratio',
      pct(r.targetFeatureRatio.original),
      pct(r.targetFeatureRatio.unlearned),
    ],
    ...quality,
  ];
  return [
    `${title} (${r.backend}, ${r.seconds.toFixed(0)} s)`,
    ...rows.map((row) => row.map((c, i) => c.padEnd(w[i])).join(' ')),
    ...notes,
    `ROC-AUC of proj(z) as a feature detector: ${r.rocAuc.toFixed(3)}`,
    `Floor (TFR of the targets themselves): ${pct(r.targetFeatureRatio.floor)}`,
    `Training: ${plannedSteps(r.config.options, r.config.poolSize)} steps, ${r.stepsPerSecond.toFixed(1)} step/s`,
    '',
  ].join('\n');
}

function table(r: RowResult): string {
  const title = `${r.model}, ${r.feature === 'slant' ? `${r.config.slantSide} slant` : r.feature}`;
  return rowTable(
    r,
    title,
    [
      ['IS_mnist (ours)', r.isMnist.original.toFixed(3), r.isMnist.unlearned.toFixed(3)],
      ['FID_mnist (ours)', r.fidMnist.original.toFixed(3), r.fidMnist.unlearned.toFixed(3)],
    ],
    [],
  );
}

function faceTable(r: FaceRowResult): string {
  const a = r.attack;
  const quality = [
    ['IS_faces (ours)', r.isFaces.original.toFixed(3), r.isFaces.unlearned.toFixed(3)],
    ['FID_faces (ours)', r.fidFaces.original.toFixed(3), r.fidFaces.unlearned.toFixed(3)],
  ];
  const notes = [`Tagged by ${r.taggedBy}; TFR by ${r.measuredBy}.`];
  if (a !== null) {
    quality.push([
      'TFR under PGD (h_b)',
      `${pct(a.original.before)} → ${pct(a.original.after)}`,
      `${pct(a.unlearned.before)} → ${pct(a.unlearned.after)}`,
    ]);
    notes.push(
      `Attack: ${a.samples} latents, ε ${a.epsilon}, ${a.steps} steps of η ${a.stepSize}.`,
    );
  }
  return rowTable(r, `${r.model}, ${r.feature}`, quality, notes);
}
