/** The "Faces" part of docs/results.md: the paper's face tables (1, 2, 5, 6, 7) beside ours. */
import {
  FACE_ATTACK_EPSILONS,
  FACE_BATCH_SIZE,
  FACE_FOCUS,
  FACE_LENGTH_POOL,
  FACE_LENGTH_SEEDS,
  FACE_POOL_ALPHA,
  FACE_POOL_ROWS,
  FACE_POOL_SIZE,
  FACE_TABLE1_ROWS,
  faceRowSteps,
  PAPER_FACE_EPOCHS,
  trainingMinutes,
  type FaceExperimentResults,
} from './face-experiment-plan';
import { plannedSteps } from '../lib/train/unlearn/session';
import { check, f2, f3, pct, runCells, signedPct, table } from './report-format';
import type { FaceRowResult } from './unlearn-face-row';

/** The paper's row a face row stands beside (docs/method.md, Tables 1 and 5). */
interface PaperFaceRow {
  /** The paper's data set, generator and feature. */
  source: string;
  /** TFR original → unlearned, and the oracle's where the paper has one. */
  tfr: string;
  fid: string;
  /** Table 5's ROC-AUC; null where the paper gives none. */
  auc: number | null;
}

const FFHQ_FID = '~21 → 24–26';

/** The paper's face numbers, keyed `<model>-<feature>`. */
export const PAPER_FACE_ROWS: Readonly<Record<string, PaperFaceRow>> = {
  'proggan-faces-bangs': {
    source: 'CelebA, ProgGAN, Bang',
    tfr: '6.74 → 0.42 %, oracle 0.49 %',
    fid: '48.05 → 49.82',
    auc: 0.891,
  },
  'proggan-faces-beard': {
    source: 'CelebA, ProgGAN, Beard',
    tfr: '3.02 → 1.01 %, oracle 0.98 %',
    fid: '48.05 → 49.80',
    auc: 0.806,
  },
  'proggan-faces-hat': {
    source: 'FFHQ, StyleGAN, Hat',
    tfr: '2.10 → 0.12 % (no oracle)',
    fid: FFHQ_FID,
    auc: null,
  },
  'proggan-faces-glasses': {
    source: 'FFHQ, StyleGAN, Glasses',
    tfr: '6.16 → 0.19 % (no oracle)',
    fid: FFHQ_FID,
    auc: null,
  },
  'vae-faces-bangs': {
    source: 'CelebA, VDVAE, Bang',
    tfr: '3.36 → 0.28 %, oracle 0.21 %',
    fid: '82.92 → 85.21',
    auc: 0.84,
  },
  'vae-faces-beard': {
    source: 'CelebA, VDVAE, Beard',
    tfr: '7.22 → 2.41 %, oracle 1.09 %',
    fid: '82.92 → 86.15',
    auc: 0.834,
  },
};

/** Table 7 (ProgGAN, Bang): the unlearned TFR in % for α 1–5. */
export const PAPER_TABLE7_TFR: Readonly<Record<number, number>> = {
  1: 5.36,
  2: 1.08,
  3: 0.42,
  4: 0.21,
  5: 0.01,
};

/** Table 6 (ProgGAN, Bang): TFR % / IS / FID per ablation variant that has a paper row. */
const PAPER_TABLE6: Readonly<Record<string, string>> = {
  original: '6.74 % / 2.92 / 48.05',
  all: '0.42 % / 2.92 / 49.82',
  'no-percep': '0.38 % / 2.85 / 50.93',
};

const MODEL_NAMES: Readonly<Record<string, string>> = {
  'proggan-faces': 'ProgGAN',
  'vae-faces': 'VAE',
};

/** "ProgGAN, bangs". */
export const faceRowName = (r: { model: string; feature: string }): string =>
  `${MODEL_NAMES[r.model] ?? r.model}, ${r.feature}`;

const fidChange = (r: FaceRowResult): number => r.fidFaces.unlearned / r.fidFaces.original - 1;

/** Whether `r` is a run of `model`'s `feature` row. */
const isRow =
  ([model, feature]: readonly [string, string]) =>
  (r: { model: string; feature: string }): boolean =>
    r.model === model && r.feature === feature;

const isFocus = isRow(FACE_FOCUS);

/** The bars of ProgGAN bangs on the unlearned generator: TFR ≤ 1 %, FID within +10 %, AUC ≥ 0.85. */
const unlearnedBars = (r: FaceRowResult): string[] => [
  check(r.targetFeatureRatio.unlearned <= 0.01),
  check(fidChange(r) <= 0.1),
  check(r.rocAuc >= 0.85),
];

/** A tagged-pool run's columns, from its positives to its FID_faces, and their headers. */
const UNLEARNED_HEADERS = [
  'positives',
  'ROC-AUC',
  'TFR original → unlearned',
  'floor',
  'IS_faces',
  'FID_faces (change)',
];
const unlearnedCells = (r: FaceRowResult): string[] => [
  String(r.target.positives),
  f3(r.rocAuc),
  `${pct(r.targetFeatureRatio.original)} → ${pct(r.targetFeatureRatio.unlearned)}`,
  pct(r.targetFeatureRatio.floor),
  `${f3(r.isFaces.original)} → ${f3(r.isFaces.unlearned)}`,
  `${f2(r.fidFaces.original)} → ${f2(r.fidFaces.unlearned)} (${signedPct(fidChange(r))})`,
];

/** The α rows of Table 7 in order of α, and whether the unlearned TFR never rises with α. */
export function alphaTrend(faces: FaceExperimentResults): {
  rows: { alpha: number; result: FaceRowResult }[];
  falls: boolean;
} {
  const rows = [...faces.alpha].sort((a, b) => a.alpha - b.alpha);
  const falls = rows.every(
    (a, i) =>
      i === 0 ||
      a.result.targetFeatureRatio.unlearned <= rows[i - 1].result.targetFeatureRatio.unlearned,
  );
  return { rows, falls };
}

/** Median training rate of the face rows, steps per second; NaN without rows. */
function medianRate(rows: FaceRowResult[]): number {
  const rates = rows.map((r) => r.stepsPerSecond).sort((a, b) => a - b);
  if (rates.length === 0) return Number.NaN;
  const mid = Math.floor(rates.length / 2);
  return rates.length % 2 === 1 ? rates[mid] : (rates[mid - 1] + rates[mid]) / 2;
}

function allRows(faces: FaceExperimentResults): [string, FaceRowResult][] {
  return [
    ...faces.main.map((r): [string, FaceRowResult] => [faceRowName(r), r]),
    ...faces.ablation.map((a): [string, FaceRowResult] => [
      `${faceRowName(a.result)}, ${a.name}`,
      a.result,
    ]),
    ...faces.alpha.map((a): [string, FaceRowResult] => [
      `${faceRowName(a.result)}, α ${a.alpha}`,
      a.result,
    ]),
    ...(faces.pool ?? []).map((p): [string, FaceRowResult] => [
      `${faceRowName(p.result)}, ${p.poolSize.toLocaleString('en')} tagged, α ${p.result.config.options.alpha}`,
      p.result,
    ]),
    // The length group's run that is also the pool group's is listed once.
    ...(faces.length ?? [])
      .filter((l) => !(faces.pool ?? []).some((p) => p.result.recipe === l.result.recipe))
      .map((l): [string, FaceRowResult] => [
        `${faceRowName(l.result)}, ${l.result.config.poolSize.toLocaleString('en')} tagged, ` +
          `α ${l.result.config.options.alpha}, seed ${l.seed}`,
        l.result,
      ]),
  ];
}

/**
 * The Faces section's lines, to follow the MNIST report.
 * @param sheets file names in docs/results/: a before/after sheet no run wrote is left out.
 */
export function renderFaceResults(
  faces: FaceExperimentResults,
  sheets?: ReadonlySet<string>,
): string[] {
  const steps = faceRowSteps(faces.epochs);
  const paperSteps = faceRowSteps(PAPER_FACE_EPOCHS);
  const rate = medianRate(allRows(faces).map(([, r]) => r));
  const out: string[] = [
    '',
    "# Faces: the paper's CelebA and FFHQ tables beside ours",
    '',
    'Made by `npm run experiments -- --models proggan-faces,vae-faces` on the shipped face models, ' +
      'trained on 32 px avatar faces whose attributes are exact (not CelebA or FFHQ, which cannot be ' +
      'fetched here), so compare relative numbers: TFR original → unlearned, quality kept, AUC, the α ' +
      `trend, the attack gap. ${faces.evalSamples.toLocaleString('en')} fresh samples per evaluation.`,
    '',
    `**Epochs: ${faces.epochs} per row (${steps} steps), not the paper's ${PAPER_FACE_EPOCHS} ` +
      `(${paperSteps} steps).** ` +
      (Number.isFinite(rate)
        ? `At the median ${rate.toFixed(2)} step/s measured here, ${PAPER_FACE_EPOCHS} epochs would ` +
          `take about ${trainingMinutes(PAPER_FACE_EPOCHS, rate).toFixed(0)} min of training per ` +
          'row on this 2-core CPU. '
        : '') +
      "Otherwise Table 4's CelebA settings: α 300, Adam lr 2e-4, " +
      `${FACE_POOL_SIZE} tagged latents, batch ${FACE_BATCH_SIZE} (the paper gives none), ` +
      '`pooled` threshold, `literal` shift.',
    '',
    'Protocol per row (`npm run -s unlearn -- --model M --feature F --json` runs one): ' +
      '`feature-<attribute>-a` tags the latents as the simulated person and measures the TFR ' +
      '(logit > 0). **IS_faces and FID_faces are computed with our own faces classifier** ' +
      '(`models/faces-classifier`), not Inception: compare them with the original, not with the ' +
      "paper's values. **Floor**: the TFR of the targets a perfect student would draw.",
    '',
    ...oracleLines(faces),
  ];
  if (faces.failed.length > 0) {
    out.push(
      '**Runs that stopped with an error** (left out of the tables below):',
      '',
      ...faces.failed.map((f) => `- \`${f.run}\`: ${f.reason}`),
      '',
    );
  }
  if (faces.main.length > 0) out.push(...table1(faces), ...table5(faces));
  if (faces.ablation.length > 0) out.push(...table6(faces));
  if (faces.alpha.length > 0) out.push(...table7(faces));
  if (faces.attack.length > 0) out.push(...table2(faces));
  if ((faces.pool?.length ?? 0) > 0) out.push(...poolTable(faces));
  if ((faces.length?.length ?? 0) > 0) out.push(...lengthTable(faces));
  out.push(...sheetLines(faces, sheets), ...runsTable(faces));
  return out;
}

/** What the oracle column of Table 1 is, and how each oracle was trained. */
function oracleLines(faces: FaceExperimentResults): string[] {
  const oracles = faces.oracle ?? [];
  if (oracles.length === 0) {
    return [
      '**No face oracle in this report**: `--only oracle` runs them (the shipped face generator ' +
        'fine-tuned without the positive faces).',
      '',
    ];
  }
  const [first] = oracles;
  return [
    `**Oracle**: the shipped generator fine-tuned on the training faces without the attribute, ` +
      `${first.steps} steps (the ProgGAN in batches of 32, the VAE of 128), where the paper ` +
      'fine-tunes ProgGAN for 96,000 iterations: a short fine-tune, so read the oracle as the ' +
      'direction the data pulls in, not its end point. The ProgGAN oracle starts from the shipped ' +
      'moving average and is judged by the moving average of its fine-tuning; its checkpoint ' +
      'stays in .cache/experiments/oracles/, so a larger `--face-oracle-steps` continues it. ' +
      oracles
        .map(
          (o) =>
            `${faceRowName(o)}: ${o.removedImages} faces removed, ${o.trainImages} kept, ` +
            `${o.steps} steps, ${o.trainSeconds.toFixed(0)} s.`,
        )
        .join(' '),
    '',
  ];
}

/**
 * A line naming Table 1's rows that are not in the report, and whether they stopped with an
 * error (listed above the table: e.g. a generator that draws no beards gives its tagger none).
 */
function missingRows(faces: FaceExperimentResults): string[] {
  const missing = FACE_TABLE1_ROWS.filter((row) => !faces.main.some(isRow(row))).map(([m, f]) => {
    const failed = faces.failed.some((x) => x.run.startsWith(`${m}-${f}-e`));
    return `${faceRowName({ model: m, feature: f })} (${failed ? 'stopped, see above' : 'not run'})`;
  });
  return missing.length === 0 ? [] : [`Not in this table: ${missing.join('; ')}.`, ''];
}

function table1(faces: FaceExperimentResults): string[] {
  const bar = faces.main.filter(isFocus);
  const oracleOf = (r: FaceRowResult) =>
    faces.oracle?.find((o) => o.model === r.model && o.feature === r.feature);
  return [
    '## Faces, Table 1: target feature ratio and quality',
    '',
    table(
      [
        'row',
        "paper's row",
        'TFR original',
        'TFR unlearned',
        'floor',
        'TFR oracle',
        'paper TFR',
        'IS_faces orig → unl. (oracle)',
        'FID_faces orig → unl. (change), oracle',
        'paper FID',
        'train s',
      ],
      faces.main.map((r) => {
        const p = PAPER_FACE_ROWS[`${r.model}-${r.feature}`];
        const o = oracleOf(r);
        return [
          faceRowName(r),
          p?.source ?? '–',
          pct(r.targetFeatureRatio.original),
          pct(r.targetFeatureRatio.unlearned),
          pct(r.targetFeatureRatio.floor),
          o === undefined ? '–' : pct(o.targetFeatureRatio),
          p?.tfr ?? '–',
          `${f3(r.isFaces.original)} → ${f3(r.isFaces.unlearned)}` +
            (o === undefined ? '' : ` (${f3(o.isFaces)})`),
          `${f2(r.fidFaces.original)} → ${f2(r.fidFaces.unlearned)} (${signedPct(fidChange(r))})` +
            (o === undefined ? '' : `, ${f2(o.fidFaces)}`),
          p?.fid ?? '–',
          r.trainSeconds.toFixed(0),
        ];
      }),
    ),
    '',
    ...missingRows(faces),
    ...(bar.length === 0
      ? []
      : [
          '### The bar (ProgGAN, bangs; paper 6.74 → 0.42 %, FID 48.05 → 49.82)',
          '',
          table(
            ['row', 'TFR orig in 5–15 %', 'TFR unl. ≤ 1 %', 'FID_faces within +10 %', 'AUC ≥ 0.85'],
            bar.map((r) => [
              faceRowName(r),
              check(r.targetFeatureRatio.original >= 0.05 && r.targetFeatureRatio.original <= 0.15),
              ...unlearnedBars(r),
            ]),
          ),
          '',
        ]),
  ];
}

function table5(faces: FaceExperimentResults): string[] {
  return [
    '## Faces, Table 5: ROC-AUC of the projection as a feature detector',
    '',
    table(
      ['row', 'ours', 'paper', `positives / ${FACE_POOL_SIZE} tagged`, 'sim flags (fresh)'],
      faces.main.map((r) => {
        const p = PAPER_FACE_ROWS[`${r.model}-${r.feature}`];
        return [
          faceRowName(r),
          f3(r.rocAuc),
          p?.auc === null || p === undefined ? '–' : f3(p.auc),
          String(r.target.positives),
          pct(r.target.flaggedFresh),
        ];
      }),
    ),
    '',
  ];
}

function table6(faces: FaceExperimentResults): string[] {
  const main = faces.main.find(isFocus);
  const score = (r: FaceRowResult, which: 'original' | 'unlearned'): string[] => [
    pct(r.targetFeatureRatio[which]),
    f3(r.isFaces[which]),
    f2(r.fidFaces[which]),
  ];
  const rows: string[][] = [
    ...(main === undefined
      ? []
      : [
          ['original (not unlearned)', ...score(main, 'original'), PAPER_TABLE6.original],
          ['all three (Eq. 5)', ...score(main, 'unlearned'), PAPER_TABLE6.all],
        ]),
    ...faces.ablation.map((a) => [
      `without ${a.name.replace('no-', 'L_')}`,
      ...score(a.result, 'unlearned'),
      PAPER_TABLE6[a.name] ?? '–',
    ]),
  ];
  return [
    '## Faces, Table 6: ablation of the loss terms (ProgGAN, bangs)',
    '',
    table(['terms', 'TFR unlearned', 'IS_faces', 'FID_faces', 'paper TFR / IS / FID'], rows),
    '',
    "The paper's other rows: L_unlearn alone 0.08 % / 2.89 / 52.48; oracle 0.49 % / 2.91 / 51.37.",
    '',
  ];
}

function table7(faces: FaceExperimentResults): string[] {
  const { rows, falls } = alphaTrend(faces);
  const main = faces.main.find(isFocus);
  const line = (name: string, r: FaceRowResult, paper: string): string[] => [
    name,
    pct(r.targetFeatureRatio.unlearned),
    f3(r.isFaces.unlearned),
    f2(r.fidFaces.unlearned),
    paper,
  ];
  const tfrs = rows.map((a) => `${pct(a.result.targetFeatureRatio.unlearned)} (α ${a.alpha})`);
  return [
    '## Faces, Table 7: the weight α (ProgGAN, bangs)',
    '',
    table(
      ['α', 'TFR unlearned', 'IS_faces', 'FID_faces', 'paper TFR'],
      [
        ...rows.map((a) => {
          const p = PAPER_TABLE7_TFR[a.alpha];
          return line(String(a.alpha), a.result, p === undefined ? '–' : `${p.toFixed(2)} %`);
        }),
        ...(main === undefined
          ? []
          : [line(`${main.config.options.alpha} (Table 4, the main row)`, main, '0.42 %')]),
      ],
    ),
    '',
    rows.length > 1
      ? `TFR falls as α rises (α ${rows[0].alpha}–${rows[rows.length - 1].alpha}): ` +
        `${check(falls)} ${falls ? 'yes' : 'no'}: ${tfrs.join(', ')}. ` +
        "The paper's falls from 5.36 % to 0.01 %, with FID 48.41 → 50.57."
      : 'TFR falls as α rises: needs at least two α rows.',
    '',
    "Table 4 gives α 300 for CelebA while Table 7 sweeps 1–5: both cannot be Eq. 5's α on one " +
      'loss scale. Our main rows use 300 (Table 4); this table sweeps 1–5 as Table 7 does.',
    '',
  ];
}

function table2(faces: FaceExperimentResults): string[] {
  const first = faces.attack[0];
  const missing = FACE_ATTACK_EPSILONS.filter((e) => !faces.attack.some((a) => a.epsilon === e));
  return [
    '## Faces, Table 2: PGD attack (Algorithm 1) on ProgGAN, bangs',
    '',
    `h_a = \`feature-bangs-a\` steers z inside an L∞ ball of radius ε, ${first.steps} steps of ` +
      `η ${first.stepSize}, from ${first.samples.toLocaleString('en')} latents (the paper: 10,000); ` +
      '`feature-bangs-b` (another seed) judges. The paper writes "maximum perturbation 0.1, i.e. ' +
      `‖z̃ − z‖∞ ≤ 1", so both ε are meant to be run: ${FACE_ATTACK_EPSILONS.join(' and ')}` +
      (missing.length === 0
        ? '.'
        : `; ε ${missing.join(' and ')} not yet (\`--attack-epsilons ${missing.join(',')}\`).`),
    '',
    table(
      ['ε', 'generator', 'h_b: bangs before', 'after attack'],
      faces.attack.map((a) => [String(a.epsilon), a.generator, pct(a.before), pct(a.after)]),
    ),
    '',
  ];
}

/**
 * The bangs rows with the paper's 500 tagged latents (the main row, and the ProgGAN's Table 7
 * run at FACE_POOL_ALPHA) and with the larger pools of `--only pool`.
 */
function poolTable(faces: FaceExperimentResults): string[] {
  const alphaOf = (r: FaceRowResult): number => r.config.options.alpha;
  const pools = faces.pool ?? [];
  const rows = FACE_POOL_ROWS.flatMap((row) => {
    const ofRow = pools.filter((p) => isRow(row)(p.result));
    if (ofRow.length === 0) return [];
    const main = faces.main.find(isRow(row));
    const mainAtAlpha = faces.alpha.find(
      (a) => a.alpha === FACE_POOL_ALPHA && isRow(row)(a.result),
    )?.result;
    return [
      ...[main, mainAtAlpha].flatMap((r) =>
        r === undefined ? [] : [{ poolSize: FACE_POOL_SIZE, result: r }],
      ),
      ...ofRow,
    ].sort((a, b) => a.poolSize - b.poolSize || alphaOf(b.result) - alphaOf(a.result));
  });
  const steps = faceRowSteps(faces.epochs);
  return [
    '## Faces: how many tagged latents the direction needs (bangs)',
    '',
    `The paper tags ${FACE_POOL_SIZE} CelebA latents, about 34 of them with bangs (6.74 %); the ` +
      `ProgGAN here draws bangs in about 3 % of its samples, so its ${FACE_POOL_SIZE} tagged latents ` +
      `hold about 10, and z_e (the mean difference) is mostly noise. The bangs rows with more ` +
      `latents tagged by the simulated person, trained for the same ${steps} steps, at Table 4's α ` +
      `and at Table 7's α ${FACE_POOL_ALPHA} (whose TFR on ProgGAN, 0.42 %, is the one Table 1 ` +
      'prints for that row) (`npm run experiments -- --only pool --models proggan-faces,vae-faces ' +
      '--features bangs`):',
    '',
    table(
      ['row', 'tagged', 'α', ...UNLEARNED_HEADERS, 'AUC ≥ 0.85', 'TFR ≤ 1 %', 'FID within +10 %'],
      rows.map(({ poolSize, result: r }) => {
        const [tfr, fid, auc] = unlearnedBars(r);
        return [
          faceRowName(r),
          poolSize.toLocaleString('en'),
          String(alphaOf(r)),
          ...unlearnedCells(r),
          auc,
          tfr,
          fid,
        ];
      }),
    ),
    '',
  ];
}

/** Per number of steps: its runs' mean FID_faces change and mean unlearned TFR, shortest first. */
export function lengthMeans(
  faces: FaceExperimentResults,
): { steps: number; runs: number; fidChange: number; tfr: number }[] {
  const runs = faces.length ?? [];
  const steps = [...new Set(runs.map((r) => r.steps))].sort((a, b) => a - b);
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  return steps.map((n) => {
    const of = runs.filter((r) => r.steps === n).map((r) => r.result);
    return {
      steps: n,
      runs: of.length,
      fidChange: mean(of.map(fidChange)),
      tfr: mean(of.map((r) => r.targetFeatureRatio.unlearned)),
    };
  });
}

/** The length group's runs by steps and seed, and the means per number of steps. */
function lengthTable(faces: FaceExperimentResults): string[] {
  const runs = [...(faces.length ?? [])].sort((a, b) => a.steps - b.steps || a.seed - b.seed);
  const means = lengthMeans(faces);
  const best = means.reduce((a, b) => (b.fidChange < a.fidChange ? b : a));
  return [
    `## Faces: how long to fine-tune, on ${FACE_LENGTH_SEEDS} seeds (ProgGAN, bangs, ${FACE_LENGTH_POOL.toLocaleString('en')} tagged, α ${FACE_POOL_ALPHA})`,
    '',
    `The pool group's run at α ${FACE_POOL_ALPHA}, trained for more steps, each on ${FACE_LENGTH_SEEDS} seeds (a ` +
      'seed draws its own tagged grid, training order and evaluation samples), to tell what ' +
      'the length of the fine-tune does to FID_faces from the spread between seeds ' +
      '(`npm run experiments -- --only length --models proggan-faces --features bangs`):',
    '',
    table(
      ['steps', 'seed', ...UNLEARNED_HEADERS, 'TFR ≤ 1 %', 'FID within +10 %'],
      runs.map(({ steps, seed, result: r }) => {
        const [tfr, fid] = unlearnedBars(r);
        return [String(steps), String(seed), ...unlearnedCells(r), tfr, fid];
      }),
    ),
    '',
    table(
      ['steps', 'runs', 'mean unlearned TFR', 'mean FID_faces change'],
      means.map((m) => [String(m.steps), String(m.runs), pct(m.tfr), signedPct(m.fidChange)]),
    ),
    '',
    `The lowest mean FID_faces change: ${best.steps} steps (${signedPct(best.fidChange)}, ` +
      `unlearned TFR ${pct(best.tfr)}).`,
    '',
  ];
}

function sheetLines(faces: FaceExperimentResults, sheets?: ReadonlySet<string>): string[] {
  const shown = faces.main.filter(
    (r) => sheets === undefined || sheets.has(`${r.model}-${r.feature}-after.png`),
  );
  if (shown.length === 0) return [];
  return [
    '## Faces: before and after, the same latents',
    '',
    ...shown.flatMap((r) => {
      const k = `${r.model}-${r.feature}`;
      return [
        `**${faceRowName(r)}**: before | after`,
        '',
        `![before](results/${k}-before.png) ![after](results/${k}-after.png)`,
        '',
      ];
    }),
  ];
}

function runsTable(faces: FaceExperimentResults): string[] {
  const rows = allRows(faces);
  if (rows.length === 0) return [];
  return [
    '## Faces: runs',
    '',
    table(
      ['run', 'epochs', 'steps', 'train s', 'step/s', 'total s'],
      rows.map(([name, r]) => [
        name,
        String(r.config.options.epochs),
        String(plannedSteps(r.config.options, r.config.poolSize)),
        ...runCells(r, 2),
      ]),
    ),
    '',
    'Commands: `npm run experiments -- --models proggan-faces,vae-faces --face-epochs E` (all face ' +
      'groups; cached runs are reused), `--only main,attack` (a subset), ' +
      '`npm run -s unlearn -- --model proggan-faces --feature bangs --json` (one row).',
    '',
  ];
}
