import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { projectLatents, similarityMask, translateLatents } from '../../src/lib/core/translate';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const SQRT5 = Math.sqrt(5);

async function values(t: tf.Tensor): Promise<number[]> {
  const v = Array.from(await t.data());
  t.dispose();
  return v;
}

function expectClose(actual: number[], expected: number[], digits = 5): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, i) => expect(a).toBeCloseTo(expected[i], digits));
}

describe('projectLatents and similarityMask (Eq. 1)', () => {
  it('projects onto z_e / ‖z_e‖ and flags proj ≥ t', async () => {
    const z = tf.tensor2d([3, 4, 0, 0, -1, 2, 2, -1], [4, 2]);
    const zE = tf.tensor1d([1, 2]);
    // proj = 11/√5 ≈ 4.919, 0, 3/√5 ≈ 1.342, 0.
    expectClose(await values(projectLatents(z, zE)), [11 / SQRT5, 0, 3 / SQRT5, 0]);
    expect(await values(similarityMask(z, zE, 3 / SQRT5 - 1e-4))).toEqual([1, 0, 1, 0]);
    expect(await values(similarityMask(z, zE, 2))).toEqual([1, 0, 0, 0]);
    // ≥, not >: a latent on the threshold is flagged.
    expect(await values(similarityMask(z, zE, 0))).toEqual([1, 1, 1, 1]);
    tf.dispose([z, zE]);
  });

  it('refuses mismatched shapes', () => {
    const z = tf.zeros([2, 3]) as tf.Tensor2D;
    const zE = tf.ones([2]) as tf.Tensor1D;
    expect(() => similarityMask(z, zE, 0)).toThrow(/z_e/);
    tf.dispose([z, zE]);
  });
});

describe('translateLatents', () => {
  const zData = [3, 4, 0, 0];
  const t = 1;

  it('literal: ẑ = z − (proj(z) − t)·z_e, as printed', async () => {
    const z = tf.tensor2d(zData, [2, 2]);
    const zE = tf.tensor1d([1, 2]);
    const c0 = 11 / SQRT5 - t; // 3.9193…
    const c1 = 0 - t;
    const zHat = await values(translateLatents(z, zE, t, { shift: 'literal', margin: 0 }));
    expectClose(zHat, [3 - c0, 4 - 2 * c0, 0 - c1, 0 - 2 * c1]);
    tf.dispose([z, zE]);
  });

  it('unit: ẑ lands exactly on the threshold, or m below it with a margin', async () => {
    const z = tf.tensor2d(zData, [2, 2]);
    const zE = tf.tensor1d([1, 2]);
    const onT = translateLatents(z, zE, t, { shift: 'unit', margin: 0 });
    expectClose(await values(projectLatents(onT, zE)), [t, t]);
    const past = translateLatents(z, zE, t, { shift: 'unit', margin: 0.5 });
    expectClose(await values(projectLatents(past, zE)), [t - 0.5, t - 0.5]);
    // By hand for row 0: ẑ = (3, 4) − (11/√5 − 1)·(1, 2)/√5.
    const c = (11 / SQRT5 - 1) / SQRT5;
    expectClose((await values(onT)).slice(0, 2), [3 - c, 4 - 2 * c]);
    tf.dispose([z, zE, onT, past]);
  });

  it('moves only along z_e in 3-D: the orthogonal part is kept', async () => {
    // z_e = (0, 0, 2); z = (1, −2, 5): proj = 5; unit shift to t = 1 gives (1, −2, 1); literal
    // subtracts (5 − 1)·(0, 0, 2) = (0, 0, 8).
    const z = tf.tensor2d([1, -2, 5], [1, 3]);
    const zE = tf.tensor1d([0, 0, 2]);
    expectClose(await values(translateLatents(z, zE, 1, { shift: 'unit', margin: 0 })), [1, -2, 1]);
    expectClose(
      await values(translateLatents(z, zE, 1, { shift: 'literal', margin: 0 })),
      [1, -2, -3],
    );
    expectClose(
      await values(translateLatents(z, zE, 1, { shift: 'literal', margin: 0.25 })),
      [1, -2, -3.5],
    );
    tf.dispose([z, zE]);
  });

  it('refuses a negative margin and a non-finite threshold', () => {
    const z = tf.zeros([1, 2]) as tf.Tensor2D;
    const zE = tf.ones([2]) as tf.Tensor1D;
    expect(() => translateLatents(z, zE, 0, { shift: 'unit', margin: -1 })).toThrow(/margin/);
    expect(() => translateLatents(z, zE, Number.NaN, { shift: 'unit', margin: 0 })).toThrow();
    tf.dispose([z, zE]);
  });

  it('leaks no tensors', () => {
    const z = tf.randomNormal([8, 5], 0, 1, 'float32', 3) as tf.Tensor2D;
    const zE = tf.randomNormal([5], 0, 1, 'float32', 4) as tf.Tensor1D;
    const run = () => {
      const outs = [
        projectLatents(z, zE),
        similarityMask(z, zE, 0.2),
        translateLatents(z, zE, 0.2, { shift: 'literal', margin: 0 }),
        translateLatents(z, zE, 0.2, { shift: 'unit', margin: 0.1 }),
      ];
      tf.dispose(outs);
    };
    run();
    const before = tf.memory().numTensors;
    run();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([z, zE]);
  });
});
