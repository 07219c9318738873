import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { saveCheckpointDir } from '../../src/cli/checkpoint-files';
import { oracleResumePoint, selectRows } from '../../src/cli/oracle';
import type { TrainCheckpoint } from '../../src/lib/train/checkpoint';

describe('oracleResumePoint', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
    vi.restoreAllMocks();
  });
  const recipe = {
    model: 'dcgan-mnist',
    feature: 'slant',
    seed: 0,
    batchSize: 64,
    weightsSha256: 'ab',
  };
  const checkpointAt = (globalStep: number): TrainCheckpoint => ({
    globalStep,
    stepsPerEpoch: 10,
    elapsedSeconds: 12.5,
    models: { generator: { specs: [], data: new ArrayBuffer(0) } },
    optimizers: {},
  });
  const saved = (globalStep: number, config = recipe): string => {
    const root = mkdtempSync(join(tmpdir(), 'oracle-ckpt-'));
    dirs.push(root);
    const dir = join(root, 'dcgan-mnist-slant');
    saveCheckpointDir(dir, checkpointAt(globalStep), config);
    return dir;
  };

  it('resumes from a checkpoint of the same recipe, and from one a longer run can extend', () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const dir = saved(30);
    expect(oracleResumePoint(dir, recipe, 30, 'x')?.globalStep).toBe(30);
    const more = oracleResumePoint(dir, recipe, 100, 'x');
    expect(more?.globalStep).toBe(30);
    expect(more?.elapsedSeconds).toBe(12.5);
  });

  it('starts over when there is none, the recipe differs, or it is past the steps asked for', () => {
    const lines: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((l: string) => void lines.push(l));
    const empty = mkdtempSync(join(tmpdir(), 'oracle-ckpt-'));
    dirs.push(empty);
    expect(oracleResumePoint(join(empty, 'none'), recipe, 100, 'x')).toBeUndefined();
    const other = saved(30, { ...recipe, weightsSha256: 'cd' });
    expect(oracleResumePoint(other, recipe, 100, 'x')).toBeUndefined();
    expect(lines.at(-1)).toMatch(/another weightsSha256/);
    const past = saved(300);
    expect(oracleResumePoint(past, recipe, 100, 'x')).toBeUndefined();
    expect(lines.at(-1)).toMatch(/past the 100 steps/);
  });
});

describe('selectRows', () => {
  it('copies the rows asked for, in their order', () => {
    const images = Uint8Array.from([1, 2, 3, 4, 5, 6]);
    expect([...selectRows(images, 2, [2, 0])]).toEqual([5, 6, 1, 2]);
    expect(selectRows(images, 2, [])).toHaveLength(0);
  });
});
