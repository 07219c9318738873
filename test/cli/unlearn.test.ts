import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTinyFaceModels } from '../fixtures/faces/tiny-faces';

function unlearn(args: string[]) {
  return spawnSync('npx', ['tsx', 'src/cli/unlearn.ts', ...args], {
    encoding: 'utf8',
    timeout: 240_000,
  });
}

describe('npm run unlearn', () => {
  it('runs a tiny version of the paper protocol and prints exactly one JSON object', () => {
    const run = unlearn([
      '--model',
      'vae-mnist',
      '--feature',
      'thickness',
      '--steps',
      '3',
      '--pool',
      '200',
      '--samples',
      '300',
      '--workers',
      '2',
      '--json',
    ]);
    expect(run.status, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as Record<string, unknown> & {
      targetFeatureRatio: { original: number; unlearned: number };
      isMnist: { original: number; unlearned: number };
      fidMnist: { original: number; unlearned: number };
      rocAuc: number;
      config: { options: { alpha: number; steps: number } };
    };
    expect(Object.keys(result)).toEqual(
      expect.arrayContaining(['model', 'feature', 'config', 'seconds', 'backend', 'rocAuc']),
    );
    expect(result.model).toBe('vae-mnist');
    expect(result.backend).toBe('wasm');
    expect(result.config.options.alpha).toBe(3);
    expect(result.config.options.steps).toBe(3);
    for (const v of Object.values(result.targetFeatureRatio)) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
    }
    expect(result.isMnist.original).toBeGreaterThan(1);
    expect(result.isMnist.original).toBeLessThanOrEqual(10);
    expect(result.fidMnist.original).toBeGreaterThan(0);
    expect(result.rocAuc).toBeGreaterThan(0.5);
  }, 240_000);

  it('prints a recipe link that replays the run bit for bit on the same backend', () => {
    const first = unlearn([
      '--model',
      'vae-mnist',
      '--feature',
      'slant',
      '--steps',
      '4',
      '--pool',
      '150',
      '--samples',
      '200',
      '--seed',
      '5',
      '--json',
    ]);
    expect(first.status, first.stderr).toBe(0);
    const run = JSON.parse(first.stdout) as { recipe: string; targetFeatureRatio: object };
    expect(run.recipe).toMatch(/^http:\/\/127\.0\.0\.1:5173\/#recipe&v=2&model=vae-mnist&n=150&/);
    expect(run.recipe).toContain('&seed=5&');
    expect(run.recipe).toContain('&eval=200&');

    const again = unlearn(['--recipe', run.recipe, '--json']);
    expect(again.status, again.stderr).toBe(0);
    const replay = JSON.parse(again.stdout) as {
      replay: { reproduced: boolean; checks: { name: string; identical: boolean }[] };
      targetFeatureRatio: object;
    };
    expect(replay.replay.reproduced).toBe(true);
    expect(replay.replay.checks.map((c) => c.name)).toEqual([
      'threshold',
      'targetVector',
      'tfr',
      'isMnist',
      'fidMnist',
    ]);
    for (const check of replay.replay.checks) expect(check.identical, check.name).toBe(true);
    expect(replay.targetFeatureRatio).toEqual(run.targetFeatureRatio);

    const mixed = unlearn(['--recipe', run.recipe, '--alpha', '2']);
    expect(mixed.status).toBe(2);
    expect(mixed.stderr).toMatch(/leave out --alpha/);
    const broken = unlearn(['--recipe', '#recipe&v=2&model=vae-mnist&n=500&steps=3&tags=9,2']);
    expect(broken.status).toBe(2);
    expect(broken.stderr).toMatch(/This recipe link is malformed: "tags"/);
  }, 240_000);

  it('rejects a bad flag with exit code 2 and a usage line', () => {
    const run = unlearn(['--model', 'stylegan', '--feature', 'thickness']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/--model must be one of dcgan-mnist, vae-mnist/);
    expect(run.stderr).toMatch(/Usage:/);
  });

  it('rejects an option out of range with the field named', () => {
    const run = unlearn(['--model', 'vae-mnist', '--feature', 'slant', '--alpha', '-1']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/alpha/);
  });
});

describe('npm run unlearn on a face model', () => {
  let dir = '';
  beforeAll(async () => {
    await tf.setBackend('cpu');
    dir = mkdtempSync(join(tmpdir(), 'tiny-faces-'));
    const models = await writeTinyFaceModels(dir);
    writeFileSync(join(dir, 'index.json'), JSON.stringify({ version: 1, models }));
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const faces = (args: string[]) =>
    unlearn(['--model', 'proggan-faces', '--feature', 'bangs', '--models-dir', dir, ...args]);

  it('prints the MNIST JSON shape with IS_faces, FID_faces and the attack, and replays', () => {
    const args = ['--epochs', '2', '--pool', '200', '--samples', '300', '--workers', '1'];
    const run = faces([...args, '--attack-samples', '60', '--attack-steps', '3', '--json']);
    expect(run.status, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as Record<string, unknown> & {
      config: { options: { alpha: number; learningRate: number; epochs: number }; tagger: string };
      targetFeatureRatio: { original: number; unlearned: number; floor: number };
      isFaces: { original: number; unlearned: number };
      fidFaces: { original: number; unlearned: number };
      attack: { samples: number; epsilon: number; steps: number; stepSize: number } & Record<
        'original' | 'unlearned',
        { before: number; after: number }
      >;
      rocAuc: number;
      recipe: string;
    };
    expect(Object.keys(result)).toEqual([
      'model',
      'feature',
      'config',
      'seconds',
      'backend',
      'rocAuc',
      'targetFeatureRatio',
      'isFaces',
      'fidFaces',
      'attack',
      'recipe',
      'replay',
      'details',
    ]);
    // Table 4's CelebA settings, with the epochs asked for.
    expect(result.config.options).toMatchObject({ alpha: 300, learningRate: 2e-4, epochs: 2 });
    expect(result.config.tagger).toBe('feature-bangs-a');
    // feature-bangs-a of the fixture calls the reddest 15 % of the generator's samples bangs.
    expect(result.targetFeatureRatio.original).toBeGreaterThan(0.05);
    expect(result.targetFeatureRatio.original).toBeLessThan(0.3);
    expect(result.rocAuc).toBeGreaterThan(0.6);
    // The fixture's faces classifier: 4 classes, reference statistics of the original's samples.
    expect(result.isFaces.original).toBeGreaterThan(1.2);
    expect(result.isFaces.original).toBeLessThanOrEqual(4);
    expect(result.fidFaces.original).toBeGreaterThanOrEqual(0);
    expect(result.fidFaces.original).toBeLessThan(1);
    expect(result.attack).toMatchObject({ samples: 60, epsilon: 0.1, steps: 3, stepSize: 0.02 });
    for (const side of [result.attack.original, result.attack.unlearned]) {
      for (const v of [side.before, side.after]) expect(v).toBeGreaterThanOrEqual(0);
      for (const v of [side.before, side.after]) expect(v).toBeLessThanOrEqual(1);
    }
    expect(result.recipe).toContain('&feature=bangs&');

    const again = unlearn(['--recipe', result.recipe, '--models-dir', dir, ...args.slice(2)]);
    const replay = JSON.parse(
      unlearn([
        ...['--recipe', result.recipe, '--models-dir', dir, '--workers', '1', '--json'],
        ...['--attack-samples', '0'],
      ]).stdout,
    ) as {
      replay: { reproduced: boolean; checks: { name: string; identical: boolean }[] };
      attack: unknown;
    };
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/leave out --pool/);
    expect(replay.attack).toBeNull();
    expect(replay.replay.checks.map((c) => c.name)).toEqual([
      'threshold',
      'targetVector',
      'tfr',
      'isFaces',
      'fidFaces',
    ]);
    for (const check of replay.replay.checks) expect(check.identical, check.name).toBe(true);
  }, 240_000);

  it('refuses flags of the other data set, and says when a model is missing', () => {
    const side = faces(['--slant-side', 'left']);
    expect(side.status).toBe(2);
    expect(side.stderr).toMatch(/--slant-side is for the MNIST slant only/);
    const tagger = unlearn(['--model', 'vae-mnist', '--feature', 'slant', '--tagger', 'x']);
    expect(tagger.status).toBe(2);
    expect(tagger.stderr).toMatch(/--tagger is for the face models only/);
    const missing = faces(['--tagger', 'feature-bangs-z', '--steps', '1', '--json']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/feature-bangs-z is missing: run npm run train/);
    expect(missing.stdout).toBe('');
  }, 120_000);
});
