import { describe, expect, it } from 'vitest';
import { resolveOptions } from '../../src/lib/core/options';
import {
  faceOracleKey,
  faceRowSteps,
  faceRunKey,
  hasFaceResults,
  mergeFaceResults,
  parseFaceEpochs,
  parseFaceOracleSteps,
  poolSuffix,
  trainingMinutes,
  type FaceExperimentResults,
  type FaceOracleRow,
} from '../../src/cli/face-experiment-plan';
import { alphaTrend, lengthMeans, renderFaceResults } from '../../src/cli/face-results-report';
import { emptyResults, renderResults } from '../../src/cli/results-report';
import type { FaceAttribute, FaceGeneratorId, FaceRowResult } from '../../src/cli/unlearn-face-row';

/** A hand-made face row: TFRs and FIDs as given, the rest plausible. */
function row(
  model: FaceGeneratorId,
  feature: FaceAttribute,
  n: { orig: number; unl: number; fidO?: number; fidU?: number; auc?: number; alpha?: number },
): FaceRowResult {
  const options = resolveOptions({ alpha: n.alpha ?? 300, learningRate: 2e-4, epochs: 20 });
  return {
    model,
    feature,
    config: {
      model,
      feature,
      poolSize: 500,
      evalSamples: 1000,
      options,
      tagger: `feature-${feature}-a`,
      attack: null,
    },
    seconds: 700,
    trainSeconds: 400,
    stepsPerSecond: 0.4,
    backend: 'wasm',
    rocAuc: n.auc ?? 0.9,
    target: {
      threshold: 0.1,
      positives: 50,
      negatives: 450,
      norm: 1.2,
      flaggedTagged: 0.5,
      flaggedFresh: 0.48,
      tagAuc: 0.95,
    },
    targetFeatureRatio: { original: n.orig, unlearned: n.unl, floor: n.unl / 2 },
    isFaces: { original: 2.5, unlearned: 2.4 },
    fidFaces: { original: n.fidO ?? 10, unlearned: n.fidU ?? 10.5 },
    attack: null,
    taggedBy: 'feature-bangs-a (logit > 0)',
    measuredBy: 'feature-bangs-a (logit > 0)',
    recipe: '#recipe',
  };
}

/** A hand-made face oracle. */
const oracleRow = (model: FaceGeneratorId, feature: FaceAttribute, tfr: number): FaceOracleRow => ({
  model,
  feature,
  targetFeatureRatio: tfr,
  isFaces: 2.6,
  fidFaces: 11.25,
  steps: 300,
  batchSize: 32,
  trainImages: 54_000,
  removedImages: 6000,
  trainSeconds: 750,
});

const empty = (): FaceExperimentResults => ({
  epochs: 20,
  evalSamples: 1000,
  main: [],
  ablation: [],
  alpha: [],
  attack: [],
  failed: [],
});

/** The Markdown table row whose first cell is `name`, as its cells. */
function cells(md: string, name: string): string[] {
  const line = md.split('\n').find((l) => l.startsWith(`| ${name} |`));
  if (line === undefined) throw new Error(`no row "${name}" in:\n${md}`);
  return line
    .slice(2, -2)
    .split(' | ')
    .map((c) => c.trim());
}

describe('face experiment plan', () => {
  it('keys a run by model, feature, variant, epochs, samples and a non-zero seed', () => {
    const s = { epochs: 20, evalSamples: 10_000, seed: 0 };
    expect(faceRunKey('proggan-faces', 'bangs', s)).toBe('proggan-faces-bangs-e20-n10000');
    expect(faceRunKey('proggan-faces', 'bangs', s, '-alpha2')).toBe(
      'proggan-faces-bangs-alpha2-e20-n10000',
    );
    expect(faceRunKey('vae-faces', 'beard', { ...s, seed: 3 })).toBe(
      'vae-faces-beard-e20-n10000-seed3',
    );
    expect(faceRunKey('proggan-faces', 'bangs', { ...s, epochs: 21 })).not.toBe(
      faceRunKey('proggan-faces', 'bangs', s),
    );
    // The pool and length groups name a tagged pool and an α the same way.
    expect(faceRunKey('proggan-faces', 'bangs', s, poolSuffix(2000, 3))).toBe(
      'proggan-faces-bangs-pool2000-alpha3-e20-n10000',
    );
    expect(poolSuffix(5000)).toBe('-pool5000');
  });

  it('keys an oracle by model, feature, steps, samples and a non-zero seed', () => {
    const s = { evalSamples: 2000, seed: 0 };
    expect(faceOracleKey('proggan-faces', 'bangs', 300, s)).toBe(
      'proggan-faces-bangs-oracle-s300-n2000',
    );
    expect(faceOracleKey('vae-faces', 'beard', 50, { ...s, seed: 2 })).toBe(
      'vae-faces-beard-oracle-s50-n2000-seed2',
    );
  });

  it('reads --face-oracle-steps as a whole number ≥ 1', () => {
    expect(parseFaceOracleSteps('600')).toBe(600);
    expect(parseFaceOracleSteps(undefined)).toBeGreaterThan(0);
    expect(() => parseFaceOracleSteps('0')).toThrow(/whole number/);
    expect(() => parseFaceOracleSteps('1e-3')).toThrow(/1e-3/);
  });

  it('keeps the oracles of a report made before the oracles, and replaces a model’s own', () => {
    const old = { ...empty(), main: [row('vae-faces', 'bangs', { orig: 0.1, unl: 0.02 })] };
    const now = { ...empty(), oracle: [oracleRow('proggan-faces', 'bangs', 0.004)] };
    const ran = { groups: new Set(['oracle']), models: new Set(['proggan-faces']) };
    const merged = mergeFaceResults(now, old, ran);
    expect(merged?.oracle?.map((o) => o.model)).toEqual(['proggan-faces']);
    expect(merged?.main).toHaveLength(1);
    const withVae = {
      ...old,
      oracle: [oracleRow('vae-faces', 'bangs', 0.001), oracleRow('proggan-faces', 'bangs', 0.02)],
    };
    const again = mergeFaceResults(now, withVae, ran);
    expect(again?.oracle?.map((o) => `${o.model} ${o.targetFeatureRatio}`)).toEqual([
      'proggan-faces 0.004',
      'vae-faces 0.001',
    ]);
    expect(hasFaceResults({ ...empty(), oracle: [oracleRow('vae-faces', 'beard', 0)] })).toBe(true);
  });

  it('counts steps as epochs × ⌈500 / 64⌉ and turns them into minutes', () => {
    expect(faceRowSteps(1)).toBe(8);
    expect(faceRowSteps(500)).toBe(4000);
    expect(faceRowSteps(3, { poolSize: 100, batchSize: 32 })).toBe(12);
    expect(trainingMinutes(500, 0.5)).toBeCloseTo(4000 / 0.5 / 60, 9);
    expect(trainingMinutes(12, 0.4)).toBeCloseTo(4, 9);
  });

  it('reads --face-epochs as a whole number ≥ 1', () => {
    expect(parseFaceEpochs('12')).toBe(12);
    expect(parseFaceEpochs(undefined)).toBeGreaterThan(0);
    expect(() => parseFaceEpochs('0')).toThrow(/whole number/);
    expect(() => parseFaceEpochs('2.5')).toThrow(/whole number/);
    expect(() => parseFaceEpochs('many')).toThrow(/many/);
  });

  it('keeps the last report for the groups and models a run left out', () => {
    const before = {
      ...empty(),
      main: [row('vae-faces', 'bangs', { orig: 0.1, unl: 0.02 })],
      alpha: [{ alpha: 1, result: row('proggan-faces', 'bangs', { orig: 0.1, unl: 0.05 }) }],
    };
    const now = { ...empty(), main: [row('proggan-faces', 'beard', { orig: 0.1, unl: 0.01 })] };
    const merged = mergeFaceResults(now, before, {
      groups: new Set(['main']),
      models: new Set(['proggan-faces']),
    });
    expect(merged?.main.map((r) => `${r.model}-${r.feature}`)).toEqual([
      'proggan-faces-beard',
      'vae-faces-bangs',
    ]);
    expect(merged?.alpha).toHaveLength(1);
    // The same model again replaces its rows; other epochs drop the old report.
    const again = mergeFaceResults(now, before, {
      groups: new Set(['main']),
      models: new Set(['vae-faces', 'proggan-faces']),
    });
    expect(again?.main).toHaveLength(1);
    expect(
      mergeFaceResults({ ...now, epochs: 21 }, before, {
        groups: new Set(['main']),
        models: new Set(['proggan-faces']),
      })?.main,
    ).toHaveLength(1);
    expect(mergeFaceResults(undefined, before, { groups: new Set(), models: new Set() })).toBe(
      before,
    );
  });
});

describe('renderFaceResults', () => {
  const faces: FaceExperimentResults = {
    ...empty(),
    main: [
      row('proggan-faces', 'bangs', { orig: 0.08, unl: 0.006, fidO: 10, fidU: 10.5, auc: 0.91 }),
      row('vae-faces', 'beard', { orig: 0.12, unl: 0.03, fidO: 20, fidU: 25, auc: 0.8 }),
    ],
    alpha: [3, 1, 2].map((alpha) => ({
      alpha,
      result: row('proggan-faces', 'bangs', { orig: 0.08, unl: 0.06 / alpha, alpha }),
    })),
    attack: [
      {
        generator: 'original',
        epsilon: 0.1,
        steps: 50,
        stepSize: 0.02,
        samples: 1000,
        before: 0.08,
        after: 0.3,
      },
      {
        generator: 'unlearned',
        epsilon: 1,
        steps: 50,
        stepSize: 0.02,
        samples: 1000,
        before: 0.006,
        after: 0.04,
      },
    ],
  };
  const md = renderFaceResults(faces).join('\n');

  it("puts each Table 1 row beside the paper's row", () => {
    const c = cells(md, 'ProgGAN, bangs');
    expect(c[1]).toBe('CelebA, ProgGAN, Bang');
    expect(c.slice(2, 5)).toEqual(['8.00 %', '0.60 %', '0.30 %']);
    expect(c[5]).toBe('–');
    expect(c[6]).toBe('6.74 → 0.42 %, oracle 0.49 %');
    expect(c[8]).toBe('10.00 → 10.50 (+5.0 %)');
    expect(cells(md, 'VAE, beard')[8]).toBe('20.00 → 25.00 (+25.0 %)');
    expect(md).toContain('**No face oracle in this report**');
  });

  it('puts an oracle beside its row, and says how it was trained', () => {
    const withOracle = renderFaceResults({
      ...faces,
      oracle: [oracleRow('proggan-faces', 'bangs', 0.004)],
    }).join('\n');
    const c = cells(withOracle, 'ProgGAN, bangs');
    expect(c[5]).toBe('0.40 %');
    expect(c[7]).toBe('2.500 → 2.400 (2.600)');
    expect(c[8]).toBe('10.00 → 10.50 (+5.0 %), 11.25');
    expect(cells(withOracle, 'VAE, beard')[5]).toBe('–');
    expect(withOracle).toContain(
      'ProgGAN, bangs: 6000 faces removed, 54000 kept, 300 steps, 750 s.',
    );
    expect(withOracle).not.toContain('No face oracle');
  });

  it('gives Table 5 our AUC and the paper’s', () => {
    const t5 = md.slice(md.indexOf('Table 5'));
    expect(cells(t5, 'ProgGAN, bangs').slice(1, 3)).toEqual(['0.910', '0.891']);
    expect(cells(t5, 'VAE, beard').slice(1, 3)).toEqual(['0.800', '0.834']);
  });

  it('checks the bar of ProgGAN bangs', () => {
    const bar = md.slice(md.indexOf('### The bar'));
    expect(cells(bar, 'ProgGAN, bangs').slice(1)).toEqual(['✅', '✅', '✅', '✅']);
  });

  it('sorts α and says whether the TFR falls as α rises', () => {
    const t7 = md.slice(md.indexOf('Table 7'));
    expect(cells(t7, '1').slice(1, 2)).toEqual(['6.00 %']);
    expect(cells(t7, '1')[4]).toBe('5.36 %');
    expect(t7).toContain('TFR falls as α rises (α 1–3): ✅ yes');
    const rising = {
      ...faces,
      alpha: [1, 2].map((alpha) => ({
        alpha,
        result: row('proggan-faces', 'bangs', { orig: 0.08, unl: 0.01 * alpha, alpha }),
      })),
    };
    expect(alphaTrend(rising).falls).toBe(false);
    expect(renderFaceResults(rising).join('\n')).toContain('❌ no');
  });

  it('reports both ε of the attack and the epochs against the paper’s 500', () => {
    expect(md).toContain('| 0.1 | original | 8.00 % | 30.00 % |');
    expect(md).toContain('| 1 | unlearned | 0.60 % | 4.00 % |');
    expect(md).toContain('both ε are meant to be run: 0.1 and 1.');
    const half = renderFaceResults({ ...faces, attack: faces.attack.slice(0, 1) }).join('\n');
    expect(half).toContain('ε 1 not yet (`--attack-epsilons 1`).');
    expect(md).toContain("**Epochs: 20 per row (160 steps), not the paper's 500 (4000 steps).**");
    // 4,000 steps at the median 0.4 step/s.
    expect(md).toContain('about 167 min of training per row');
  });

  it('puts the larger tagged pools beside the main rows, by model, size and α, with their bars', () => {
    const at = (
      model: FaceGeneratorId,
      poolSize: number,
      alpha: number,
      n: Parameters<typeof row>[2],
    ) => ({ poolSize, result: row(model, 'bangs', { ...n, alpha }) });
    const withPool = {
      ...faces,
      main: [...faces.main, row('vae-faces', 'bangs', { orig: 0.06, unl: 0.006, auc: 0.8 })],
      pool: [
        at('proggan-faces', 5000, 3, { orig: 0.03, unl: 0.004, fidO: 10, fidU: 10.8, auc: 0.9 }),
        at('vae-faces', 2000, 300, { orig: 0.06, unl: 0.004, auc: 0.87 }),
        at('proggan-faces', 5000, 300, { orig: 0.03, unl: 0.004, fidO: 10, fidU: 12, auc: 0.9 }),
        at('proggan-faces', 2000, 300, { orig: 0.03, unl: 0.02, fidO: 10, fidU: 10.5, auc: 0.7 }),
      ],
    };
    const out = renderFaceResults(withPool).join('\n');
    const start = out.indexOf('## Faces: how many tagged latents');
    const section = out.slice(start, out.indexOf('\n## ', start + 1));
    const lines = section
      .split('\n')
      .filter((l) => /^\| (ProgGAN|VAE), bangs \| [\d,]+ \|/.test(l));
    // Each model's main row (and the ProgGAN's Table 7 run at α 3) leads its larger pools.
    expect(lines.map((l) => l.split(' | ').slice(0, 3).join(' ').slice(2))).toEqual([
      'ProgGAN, bangs 500 300',
      'ProgGAN, bangs 500 3',
      'ProgGAN, bangs 2,000 300',
      'ProgGAN, bangs 5,000 300',
      'ProgGAN, bangs 5,000 3',
      'VAE, bangs 500 300',
      'VAE, bangs 2,000 300',
    ]);
    // 5,000 at α 300: AUC 0.9 ✓, TFR 0.4 % ✓, FID +20 % ✗; at α 3 FID +8 % ✓.
    expect(lines[3].split(' | ').slice(-3)).toEqual(['✅', '✅', '❌ |']);
    expect(lines[4].split(' | ').slice(-3)).toEqual(['✅', '✅', '✅ |']);
    expect(lines[2]).toContain('| 3.00 % → 2.00 % |');
    expect(out).toContain('| ProgGAN, bangs, 5,000 tagged, α 3 |');
    expect(md).not.toContain('how many tagged latents');
    // A run without the pool group keeps the last report's pools.
    const merged = mergeFaceResults(faces, withPool, {
      groups: new Set(['main']),
      models: new Set(['proggan-faces']),
    });
    expect(merged?.pool).toHaveLength(4);
    expect(hasFaceResults({ ...empty(), pool: withPool.pool })).toBe(true);
  });

  it('sorts the longer fine-tunes by steps and seed, averages each length, lists each run once', () => {
    const run = (steps: number, seed: number, unl: number, fidU: number) => {
      const r = row('proggan-faces', 'bangs', { orig: 0.03, unl, fidO: 100, fidU, alpha: 3 });
      const options = { ...r.config.options, steps, seed };
      const result = {
        ...r,
        config: { ...r.config, poolSize: 2000, options },
        recipe: `#recipe&steps=${steps}&seed=${seed}`,
      };
      return { steps, seed, result };
    };
    const length = [
      run(400, 1, 0.004, 115),
      run(96, 1, 0.0, 133),
      run(400, 0, 0.002, 105),
      run(96, 0, 0.004, 112),
    ];
    // The 96-step run on seed 0 is also the pool group's.
    const withLength = { ...faces, pool: [{ poolSize: 2000, result: length[3].result }], length };
    expect(lengthMeans(withLength)).toEqual([
      { steps: 96, runs: 2, fidChange: expect.closeTo(0.225, 9), tfr: expect.closeTo(0.002, 9) },
      { steps: 400, runs: 2, fidChange: expect.closeTo(0.1, 9), tfr: expect.closeTo(0.003, 9) },
    ]);
    const out = renderFaceResults(withLength).join('\n');
    const start = out.indexOf('## Faces: how long to fine-tune');
    expect(start).toBeGreaterThan(-1);
    const section = out.slice(start, out.indexOf('\n## ', start + 1));
    const runs = section.split('\n').filter((l) => /^\| \d+ \| \d \| /.test(l) && l.includes('→'));
    expect(runs.map((l) => l.split(' | ').slice(0, 2).join(' '))).toEqual([
      '| 96 0',
      '| 96 1',
      '| 400 0',
      '| 400 1',
    ]);
    // 400 steps, seed 0: TFR 0.2 % ✓, FID +5 % ✓; 96 steps, seed 1: FID +33 % ✗.
    expect(runs[2]).toContain('| 100.00 → 105.00 (+5.0 %) | ✅ | ✅ |');
    expect(runs[1]).toContain('(+33.0 %) | ✅ | ❌ |');
    expect(section).toContain('| 400 | 2 | 0.30 % | +10.0 % |');
    expect(section).toContain(
      'The lowest mean FID_faces change: 400 steps (+10.0 %, unlearned TFR 0.30 %).',
    );
    const runsTable = out.slice(out.indexOf('## Faces: runs'));
    expect(runsTable.match(/ProgGAN, bangs, 2,000 tagged, α 3/g)).toHaveLength(4);
    expect(runsTable).toContain('| ProgGAN, bangs, 2,000 tagged, α 3, seed 1 |');
    // A run without the length group keeps the last report's runs.
    const merged = mergeFaceResults(faces, withLength, {
      groups: new Set(['main']),
      models: new Set(['proggan-faces']),
    });
    expect(merged?.length).toHaveLength(4);
    expect(hasFaceResults({ ...empty(), length })).toBe(true);
  });

  it('shows a value a cached result holds as null (NaN before JSON) as not measured', () => {
    const r = row('vae-faces', 'bangs', { orig: 0, unl: 0 });
    const cachedJson = JSON.parse(JSON.stringify({ ...r, rocAuc: Number.NaN })) as FaceRowResult;
    expect(cachedJson.rocAuc).toBeNull();
    const t5 = renderFaceResults({ ...empty(), main: [cachedJson] }).join('\n');
    expect(cells(t5.slice(t5.indexOf('Table 5')), 'VAE, bangs')[1]).toBe('–');
  });

  it('lists the runs that stopped with an error', () => {
    const failed = [{ run: 'proggan-faces-glasses-e12-n10000', reason: 'tagged none' }];
    const text = renderFaceResults({ ...empty(), failed }).join('\n');
    expect(text).toContain('- `proggan-faces-glasses-e12-n10000`: tagged none');
    expect(hasFaceResults({ ...empty(), failed })).toBe(true);
    expect(md).not.toContain('stopped with an error');
  });

  it("names Table 1's rows that are not in it, and why when a run stopped", () => {
    const failed = [{ run: 'proggan-faces-beard-e20-n1000', reason: 'no positives' }];
    const text = renderFaceResults({ ...faces, failed }).join('\n');
    expect(text).toContain(
      'Not in this table: ProgGAN, beard (stopped, see above); ProgGAN, hat (not run); ' +
        'ProgGAN, glasses (not run); VAE, bangs (not run).',
    );
  });

  it('links only the before/after sheets that exist', () => {
    const sheets = new Set(['proggan-faces-bangs-before.png', 'proggan-faces-bangs-after.png']);
    const linked = renderFaceResults(faces, sheets).join('\n');
    expect(linked).toContain('![after](results/proggan-faces-bangs-after.png)');
    expect(linked).not.toContain('vae-faces-beard-after.png');
  });
});

describe('renderResults with faces', () => {
  const mnist = emptyResults({
    backend: 'wasm',
    seed: 0,
    evalSamples: 1000,
    oracleEpochs: { vae: 1, dcgan: 1 },
  });

  it('adds the Faces section only when there are face results', () => {
    const plain = renderResults(mnist);
    expect(plain).not.toContain('# Faces');
    expect(renderResults({ ...mnist, faces: empty() })).toBe(plain);
    expect(hasFaceResults(empty())).toBe(false);
    const withFaces = renderResults({
      ...mnist,
      faces: { ...empty(), main: [row('proggan-faces', 'hat', { orig: 0.03, unl: 0.001 })] },
    });
    expect(withFaces.startsWith(plain)).toBe(true);
    expect(withFaces).toContain('# Faces');
    expect(cells(withFaces, 'ProgGAN, hat')[6]).toBe('2.10 → 0.12 % (no oracle)');
  });
});
