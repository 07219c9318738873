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
