import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

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
