/**
 * `npm run experiments [-- --only main,oracle,ablation,alpha,front,quality,attack,pool,length]
 *   [--samples N] [--oracle-epochs E] [--oracle-dcgan-epochs E] [--face-epochs E] [--face-oracle-steps S]
 *   [--models vae-mnist,dcgan-mnist,proggan-faces,vae-faces] [--features thickness,slant,bangs,…]
 *   [--attack-epsilons 0.1,1] [--workers N]
 *   [--cache DIR] [--docs DIR] [--fresh | --report-only]`
 *
 * Reproduces the paper's MNIST tables (and, with face models in --models, its face tables:
 * face-experiments.ts) headless and writes docs/results.md (with the paper's numbers beside
 * ours), docs/results.json and the before/after grids in docs/results/.
 * Each run's result is cached in .cache/experiments/, so an interrupted run resumes where it
 * stopped; --fresh ignores the cache; --report-only runs nothing and reports what is cached
 * (of every model, unless --models says which).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { sampleLatents } from '../lib/core/rng';
import { tileGrid } from '../lib/core/grid';
import { modelFromBytes } from '../lib/models/bytes';
import { weightsSha256 } from '../lib/models/manifest';
import { pgdAttack } from '../lib/train/attack';
import { initNodeBackend } from './tf-backend';
import { workerCount, workerPool } from './parallel/pool';
import { loadModelFromDir } from './model-files';
import { writeGreyPng } from './png';
import { formatDuration } from './progress-bar';
import { ExperimentCache, runHooks } from './experiment-cache';
import { runFaceExperiments } from './face-experiments';
import {
  ABLATION_VARIANTS,
  FACE_ATTACK_EPSILONS,
  hasFaceResults,
  mergeFaceResults,
  parseFaceOracleSteps,
  parseFaceEpochs,
  TABLE7_ALPHAS,
} from './face-experiment-plan';
import { PAPER_SETTINGS } from '../lib/core/paper-settings';
import { FACE_ATTRIBUTES, FACE_GENERATOR_IDS, isFaceGenerator } from './unlearn-face-row';
import { oracle, type OracleResult } from './oracle';
import {
  featureLabels,
  loadEvalContext,
  modelEntry,
  paperRowConfig,
  readModelBytes,
  runRow,
  seedStream,
  type EvalContext,
  type Feature,
  type GeneratorId,
  type RowResult,
} from './unlearn-row';
import {
  emptyResults,
  frontPoints,
  renderResults,
  type AttackRow,
  type ExperimentResults,
} from './results-report';
import { frontSvg } from './front-svg';
import { UNLEARN_PRESETS, type UnlearnOptionsInput } from '../lib/core/options';

const GROUPS = [
  'main',
  'oracle',
  'ablation',
  'alpha',
  'front',
  'quality',
  'attack',
  'pool',
  'length',
] as const;
/** The groups with MNIST runs ('pool' and 'length' have face runs only). */
const MNIST_GROUPS = GROUPS.filter((g) => g !== 'pool' && g !== 'length');
type Group = (typeof GROUPS)[number];

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    samples: { type: 'string' },
    'oracle-epochs': { type: 'string' },
    'oracle-dcgan-epochs': { type: 'string' },
    seed: { type: 'string' },
    fresh: { type: 'boolean' },
    'report-only': { type: 'boolean' },
    backend: { type: 'string' },
    workers: { type: 'string' },
    models: { type: 'string' },
    features: { type: 'string' },
    'attack-epsilons': { type: 'string' },
    'face-oracle-steps': { type: 'string' },
    'face-epochs': { type: 'string' },
    cache: { type: 'string' },
    docs: { type: 'string' },
  },
});
function fail(message: string): never {
  console.error(message);
  process.exit(2);
}
const only = new Set<Group>(
  values.only === undefined ? GROUPS : (values.only.split(',') as Group[]),
);
for (const g of only) {
  if (!GROUPS.includes(g)) fail(`Unknown group "${g}"; use any of ${GROUPS.join(', ')}.`);
}
const evalSamples = Number(values.samples ?? 10_000);
/** The paper fine-tunes the oracle for 50 epochs; so does the VAE's here. */
const oracleEpochs = Number(values['oracle-epochs'] ?? 50);
/**
 * The DCGAN's GAN steps are slow on a CPU (~6 min an epoch on 2 cores, ~10 min on one): its
 * oracle gets 10 epochs, checkpointed, so a later run can continue it with more.
 */
const oracleDcganEpochs = Number(values['oracle-dcgan-epochs'] ?? 10);
const oracleEpochsOf = (m: GeneratorId): number =>
  m === 'dcgan-mnist' ? oracleDcganEpochs : oracleEpochs;
const seed = Number(values.seed ?? 0);
const MNIST_IDS: readonly GeneratorId[] = ['vae-mnist', 'dcgan-mnist'];
const reportOnly = values['report-only'] === true;
/** --report-only reports every model's cached runs unless --models says which. */
const MODELS = new Set(
  (
    values.models ??
    (reportOnly ? [...MNIST_IDS, ...FACE_GENERATOR_IDS].join(',') : MNIST_IDS.join(','))
  ).split(','),
);
for (const m of MODELS) {
  if (!isFaceGenerator(m) && !(MNIST_IDS as readonly string[]).includes(m)) {
    fail(`Unknown model "${m}"; use any of ${[...MNIST_IDS, ...FACE_GENERATOR_IDS].join(', ')}.`);
  }
}
const faceModels = new Set([...MODELS].filter(isFaceGenerator));
const DOCS = values.docs ?? 'docs';
mkdirSync(join(DOCS, 'results'), { recursive: true });
const previous = existsSync(join(DOCS, 'results.json'))
  ? (JSON.parse(readFileSync(join(DOCS, 'results.json'), 'utf8')) as ExperimentResults)
  : null;
/** --report-only without --face-epochs / --samples reports the face runs of the last report. */
const lastFaces = reportOnly ? previous?.faces : undefined;
const faceEpochs = (() => {
  try {
    return parseFaceEpochs(values['face-epochs'] ?? lastFaces?.epochs.toString());
  } catch (e) {
    fail((e as Error).message);
  }
})();
const faceOracleSteps = (() => {
  try {
    return parseFaceOracleSteps(
      values['face-oracle-steps'] ?? lastFaces?.oracle?.[0]?.steps.toString(),
    );
  } catch (e) {
    fail((e as Error).message);
  }
})();
/** The face attack's ε to run (each is its own cached run, so two processes can share them). */
const attackEpsilons = (() => {
  if (values['attack-epsilons'] === undefined) return undefined;
  const list = values['attack-epsilons'].split(',').map(Number);
  for (const e of list) {
    if (!(FACE_ATTACK_EPSILONS as readonly number[]).includes(e)) {
      fail(`--attack-epsilons takes any of ${FACE_ATTACK_EPSILONS.join(', ')}.`);
    }
  }
  return list;
})();
const faceSamples =
  values.samples === undefined ? (lastFaces?.evalSamples ?? evalSamples) : evalSamples;

const backendName = values.backend === 'cpu' ? 'cpu' : 'wasm';
const backend = await initNodeBackend(backendName);
const workers = workerCount(values.workers === undefined ? undefined : Number(values.workers));
/** Splits every training step over worker threads, one per core unless --workers says. */
const parallel = workers > 1 ? workerPool({ workers, backend: backendName }) : undefined;
const log = (line: string): void => void process.stderr.write(`${line}\n`);
const started = performance.now();
const ctx: EvalContext = await loadEvalContext();
const cache = new ExperimentCache({
  dir: values.cache ?? join('.cache', 'experiments'),
  fresh: values.fresh === true,
  reportOnly,
  log,
  provenance: generatorProvenance,
});
/**
 * What a run was made from: the weights of the generator its key starts with (every key does),
 * so a retrained model's old runs are run again rather than reported.
 */
function generatorProvenance(key: string): Record<string, string> | null {
  const id = [...MNIST_IDS, ...FACE_GENERATOR_IDS].find((m) => key.startsWith(`${m}-`));
  if (id === undefined) return null;
  const sha = weightsSha256(modelEntry(id));
  return sha === undefined ? null : { [`${id}/weights.bin`]: sha };
}
const cached = <T>(key: string, fn: () => Promise<T>): Promise<T> => cache.cached(key, fn);
const optional = <T>(run: Promise<T>): Promise<T | null> => cache.optional(run);

/** One unlearning row; saves its student and before/after grid. */
async function row(
  key: string,
  model: GeneratorId,
  feature: Feature,
  overrides: UnlearnOptionsInput = {},
  /** The before/after sheets' file name stem (docs/results/<stem>-before.png), if wanted. */
  sheets?: string,
): Promise<RowResult> {
  return cached(key, async () => {
    const cfg = paperRowConfig(model, feature, { seed, ...overrides });
    cfg.evalSamples = evalSamples;
    const { result, engine, preview } = await runRow(cfg, runHooks(key, log, parallel), ctx);
    cache.saveStudent(key, await engine.exportStudent());
    if (sheets !== undefined) {
      const count = preview.original.length / 784;
      const opts = { cols: 8 };
      writeGreyPng(
        join(DOCS, 'results', `${sheets}-before.png`),
        tileGrid(preview.original, count, 28, 28, opts),
      );
      writeGreyPng(
        join(DOCS, 'results', `${sheets}-after.png`),
        tileGrid(preview.student, count, 28, 28, opts),
      );
    }
    await engine.dispose();
    return result;
  });
}

const MNIST_FEATURES: readonly Feature[] = ['thickness', 'slant'];
const ALL_FEATURES: readonly string[] = [...MNIST_FEATURES, ...FACE_ATTRIBUTES];
/** The features whose rows run (--features; default all), MNIST's and the faces' alike. */
const FEATURES = new Set((values.features ?? ALL_FEATURES.join(',')).split(','));
for (const f of FEATURES) {
  if (!ALL_FEATURES.includes(f)) {
    fail(`Unknown feature "${f}"; use any of ${ALL_FEATURES.join(', ')}.`);
  }
}
const ROWS = (
  [
    ['vae-mnist', 'thickness'],
    ['vae-mnist', 'slant'],
    ['dcgan-mnist', 'thickness'],
    ['dcgan-mnist', 'slant'],
  ] as [GeneratorId, Feature][]
).filter(([m, f]) => MODELS.has(m) && FEATURES.has(f));
/** The row the one-row tables (6, 7, 2, options) use: fast, and the paper's first MNIST row. */
const FOCUS: [GeneratorId, Feature] = ['vae-mnist', 'thickness'];
const key = (m: GeneratorId, f: Feature, suffix = ''): string => `${m}-${f}${suffix}`;

const results: ExperimentResults = emptyResults({
  backend,
  seed,
  evalSamples,
  oracleEpochs: { vae: oracleEpochs, dcgan: oracleDcganEpochs },
});

for (const [m, f] of ROWS) {
  const r = only.has('main') ? await optional(row(key(m, f), m, f, {}, key(m, f))) : null;
  if (r !== null) results.main.push(r);
}
for (const [m, f] of ROWS) {
  if (!only.has('oracle')) break;
  const epochs = oracleEpochsOf(m);
  const r = await optional(
    cached<OracleResult>(key(m, f, `-oracle-e${epochs}`), () =>
      oracle(
        m,
        f,
        { epochs, seed, evalSamples, parallel, checkpointDir: cache.oracleDir(key(m, f)) },
        ctx,
      ),
    ),
  );
  if (r !== null) results.oracle.push({ model: m, feature: f, ...r });
}
const focusOn = MODELS.has(FOCUS[0]) && FEATURES.has(FOCUS[1]);
if (only.has('ablation') && focusOn) {
  for (const [name, terms] of ABLATION_VARIANTS) {
    const r = await optional(row(key(...FOCUS, `-${name}`), ...FOCUS, { terms }));
    if (r !== null) results.ablation.push({ name, result: r });
  }
}
if (only.has('alpha') && focusOn) {
  for (const alpha of TABLE7_ALPHAS.filter((a) => a !== PAPER_SETTINGS.mnist.alpha)) {
    const r = await optional(row(key(...FOCUS, `-alpha${alpha}`), ...FOCUS, { alpha }));
    if (r !== null) results.alpha.push({ alpha, result: r });
  }
}
/**
 * The TFR / FID front on the focus row: the paper's setting (the main row) against our options.
 * 'quality' is the preset (options.ts), cached under the key its four-row group uses.
 */
const FRONT: [string, UnlearnOptionsInput][] = [
  ['pooled-unit-m0.5', { shift: 'unit', margin: 0.5 }],
  ['midpoint-unit-m1', { threshold: 'midpoint', shift: 'unit', margin: 1 }],
  ['pooled-unit-m0.5-fresh', { shift: 'unit', margin: 0.5, latents: 'fresh' }],
  ['quality', UNLEARN_PRESETS.quality],
];
/** The quality preset's cache key names its values, so a changed preset is run again. */
const QUALITY_KEY = `-quality-${Object.entries(UNLEARN_PRESETS.quality)
  .map(([k, v]) => `${k}=${String(v)}`)
  .join(',')}`;
if (only.has('front') && focusOn) {
  for (const [name, opts] of FRONT) {
    const suffix = name === 'quality' ? QUALITY_KEY : `-${name}`;
    const r = await optional(row(key(...FOCUS, suffix), ...FOCUS, opts));
    if (r !== null) results.front.push({ name, result: r });
  }
}
for (const [m, f] of ROWS) {
  if (!only.has('quality')) break;
  const r = await optional(
    row(key(m, f, QUALITY_KEY), m, f, UNLEARN_PRESETS.quality, `${m}-${f}-quality`),
  );
  if (r !== null) results.quality.push(r);
}
if (only.has('attack') && focusOn) {
  results.attack =
    (await optional(cached<AttackRow[]>(key(...FOCUS, '-attack'), () => attackRows(...FOCUS)))) ??
    [];
}

/** Table 2: the PGD attack on the original and the unlearned generator of one row. */
async function attackRows(model: GeneratorId, feature: Feature): Promise<AttackRow[]> {
  const entry = modelEntry(model);
  const latentDim = entry.latentDim ?? 0;
  const range = entry.outputRange ?? 'unit';
  const attacker = await loadModelFromDir(join('models', `feature-${feature}-a`));
  const judge = await loadModelFromDir(join('models', `feature-${feature}-b`));
  const original = await loadModelFromDir(join('models', model));
  const student = readModelBytes(cache.studentDir(key(model, feature)));
  const unlearned = await modelFromBytes(student.modelJson, student.weights);
  const n = 1000;
  const latents = sampleLatents(seedStream(seed, 4), n, latentDim);
  const out: AttackRow[] = [];
  for (const epsilon of [0.25, 0.5]) {
    for (const [name, g] of [
      ['original', original],
      ['unlearned', unlearned],
    ] as const) {
      const steps = 20;
      const r = await pgdAttack(g, range, attacker, judge, latents, latentDim, { epsilon, steps });
      const images = tf.tidy(() => {
        const z = tf.tensor2d(r.attacked, [n, latentDim]);
        const y = g.apply(z, { training: false }) as tf.Tensor;
        return (range === 'tanh' ? y.add(1).mul(0.5) : y).clipByValue(0, 1);
      });
      const attackedImages = (await images.data()) as Float32Array;
      images.dispose();
      const morpho = await featureLabels(attackedImages, n, ctx.thresholds, {
        feature,
        slantSide: 'left',
      });
      out.push({
        model: name,
        epsilon,
        steps,
        judgedBefore: r.tfrBefore,
        judgedAfter: r.tfrAfter,
        morphoAfter: morpho.labels.filter(Boolean).length / n,
      });
      log(
        `[attack] ${name} ε ${epsilon}: judge ${r.tfrBefore.toFixed(3)} → ${r.tfrAfter.toFixed(3)}`,
      );
    }
  }
  for (const m of [attacker, judge, original, unlearned]) m.dispose();
  return out;
}

const faces =
  faceModels.size === 0
    ? undefined
    : await runFaceExperiments({
        models: faceModels,
        groups: only,
        cache,
        sheetsDir: join(DOCS, 'results'),
        log,
        parallel,
        epochs: faceEpochs,
        evalSamples: faceSamples,
        seed,
        attackEpsilons,
        oracleSteps: faceOracleSteps,
        features: FEATURES,
      });

results.seconds = (performance.now() - started) / 1000;
// A partial run (--only, or --models without the MNIST pair) keeps the rest of the last report.
const mnistRan = MNIST_IDS.some((m) => MODELS.has(m));
if (!mnistRan && previous !== null) {
  const { backend: b, seed: s, evalSamples: n, oracleEpochs: o } = previous;
  Object.assign(results, { backend: b, seed: s, evalSamples: n, oracleEpochs: o });
}
for (const g of MNIST_GROUPS) {
  if ((!only.has(g) || !mnistRan) && previous !== null) {
    (results[g] as unknown[]) = previous[g] as unknown[];
  }
}
const mergedFaces = mergeFaceResults(faces, previous?.faces, { groups: only, models: faceModels });
if (hasFaceResults(mergedFaces)) results.faces = mergedFaces;
writeFileSync(join(DOCS, 'results.json'), JSON.stringify(results, null, 2));
writeFileSync(
  join(DOCS, 'results.md'),
  renderResults(results, new Set(readdirSync(join(DOCS, 'results')))),
);
if (results.front.length > 0) {
  writeFileSync(join(DOCS, 'results', 'front.svg'), frontSvg(frontPoints(results)));
}
ctx.classifier.dispose();
log(`Wrote ${join(DOCS, 'results.md')} in ${formatDuration(results.seconds)}.`);
