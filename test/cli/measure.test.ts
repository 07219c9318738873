import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/morpho-train-0-59.json', import.meta.url), 'utf8'),
) as { images: Record<string, number | string>[] };

/** Runs the CLI as `npm run measure` does (tsx), without npx's start-up cost. */
function measure(...args: string[]): ReturnType<typeof spawnSync> {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/measure.ts', ...args], {
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('npm run measure', () => {
  it('prints only a JSON array for --json, matching the independent fixture', () => {
    const run = measure('--split', 'train', '--indices', '0,1', '--json');
    expect(run.status).toBe(0);
    const rows = JSON.parse(run.stdout as string) as Record<string, number | string>[];
    expect(rows).toHaveLength(2);
    rows.forEach((row, i) => {
      const expected = fixture.images[i];
      expect(row.split).toBe('train');
      expect(row.index).toBe(i);
      for (const field of ['area', 'length', 'thickness', 'slant']) {
        const rel =
          Math.abs((row[field] as number) - (expected[field] as number)) /
          Math.abs(expected[field] as number);
        expect(rel).toBeLessThanOrEqual(1e-6);
      }
    });
  });

  it('exits 2 with a usage line on a bad split, index or flag', () => {
    for (const args of [
      ['--split', 'validation', '--indices', '0'],
      ['--indices', '1.5'],
      ['--indices', '-3'],
      ['--split', 'test', '--indices', '10000'],
      ['--frobnicate'],
    ]) {
      const run = measure(...args);
      expect(run.status, args.join(' ')).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(/usage: npm run measure/);
    }
  });
});
