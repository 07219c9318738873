import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { resolveOptions, type UnlearnOptions } from '../../../src/lib/core/options';
import { sampleLatents } from '../../../src/lib/core/rng';
import { findTarget } from '../../../src/lib/train/unlearn/target';
import { RunControl, UnlearningSession } from '../../../src/lib/train/unlearn/session';
import { NonFiniteLossError, SessionStateError } from '../../../src/lib/train/unlearn/errors';
import { generateUnitImages } from '../../../src/lib/train/metrics';
import { stepSeed } from '../../../src/lib/train/loop';
import { TOY_LATENT_DIM, brightLabels, ratio, toyGenerator } from './toy-generator';

const DIM = TOY_LATENT_DIM;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

async function toySession(overrides: Partial<UnlearnOptions> = {}, poolSize = 96) {
  const options = resolveOptions({
    batchSize: 32,
    epochs: 2,
    learningRate: 1e-2,
    seed: 7,
    ...overrides,
  });
  const original = toyGenerator();
  const pool = sampleLatents(11, poolSize, DIM);
  const labels = brightLabels(await generateUnitImages(original, pool, poolSize, DIM, 'unit'));
  const target = findTarget(pool, DIM, labels, options);
  const session = await UnlearningSession.create({
    original,
    outputRange: 'unit',
    latentDim: DIM,
    target,
    pool,
    previewLatents: sampleLatents(12, 8, DIM),
    options,
  });
  return { session, target, pool, labels };
}

async function weightsOf(model: tf.LayersModel): Promise<Float32Array[]> {
  return Promise.all(model.getWeights().map(async (w) => (await w.data()) as Float32Array));
}

describe('UnlearningSession', () => {
  it('starts with g_θ = f, so the first step has L_recon = 0 and L_unlearn from f alone', async () => {
    const { session, target, pool } = await toySession({ batchSize: 96, epochs: 1 });
    // Independent reference for the first batch: the whole pool, computed from f directly.
    const original = session.originalModel;
    const expected = tf.tidy(() => {
      const z = tf.tensor2d(pool, [96, DIM]);
      const zE = tf.tensor1d(target.targetVector);
      const norm = zE.norm();
      const proj = z
        .matMul(zE.reshape([DIM, 1]))
        .reshape([96])
        .div(norm);
      const sim = proj.greaterEqual(target.threshold).toFloat();
      // literal shift, margin 0: ẑ = z − (proj − t)·z_e
      const zHat = z.sub(
        proj
          .sub(target.threshold)
          .reshape([96, 1])
          .mul(zE.reshape([1, DIM])),
      );
      const fz = original.predict(z) as tf.Tensor;
      const fzHat = original.predict(zHat) as tf.Tensor;
      const l1 = fz.sub(fzHat).abs().mean([1, 2, 3]);
      return l1.mul(sim).mean();
    });
    const unlearnExpected = (await expected.data())[0];
    expected.dispose();
    const scalars = session.trainStep();
    const recon = (await scalars.recon.data())[0];
    const unlearn = (await scalars.unlearn.data())[0];
    tf.dispose(Object.values(scalars));
    expect(recon).toBe(0);
    expect(unlearnExpected).toBeGreaterThan(0.01);
    expect(unlearn).toBeCloseTo(unlearnExpected, 5);
    session.dispose();
  });

  it('with only L_recon switched on, g_θ = f has zero gradient and its weights stay put', async () => {
    const { session } = await toySession({
      terms: { recon: true, unlearn: false, percep: false },
    });
    const before = await weightsOf(session.studentModel);
    await session.run({ totalSteps: 3 });
    const after = await weightsOf(session.studentModel);
    after.forEach((w, i) => expect(Array.from(w)).toEqual(Array.from(before[i])));
    session.dispose();
  });

  it('trains the student and never changes the frozen original', async () => {
    const { session } = await toySession();
    const f0 = await weightsOf(session.originalModel);
    const g0 = await weightsOf(session.studentModel);
    await session.run({ totalSteps: 3 });
    const f1 = await weightsOf(session.originalModel);
    const g1 = await weightsOf(session.studentModel);
    f1.forEach((w, i) => expect(Array.from(w)).toEqual(Array.from(f0[i])));
    expect(Array.from(g1[0])).not.toEqual(Array.from(g0[0]));
    session.dispose();
  });

  it('leaks no tensors across many steps, and dispose frees everything it owns', async () => {
    const baseline = tf.memory().numTensors;
    const { session } = await toySession();
    await session.run({ totalSteps: 2, progressEvery: 1 });
    const afterBurnIn = tf.memory().numTensors;
    await session.run({ totalSteps: 22, progressEvery: 5 });
    await session.preview();
    expect(tf.memory().numTensors).toBe(afterBurnIn);
    session.dispose();
    session.dispose();
    expect(tf.memory().numTensors).toBe(baseline);
  });

  it('lowers the feature ratio of a tiny generator in a short run', async () => {
    const { session } = await toySession({ epochs: 40, learningRate: 2e-2 }, 128);
    const fresh = sampleLatents(99, 400, DIM);
    const before = ratio(brightLabels(await session.generate('original', fresh)));
    await session.run();
    const after = ratio(brightLabels(await session.generate('student', fresh)));
    expect(before).toBeGreaterThan(0.15);
    expect(after).toBeLessThan(before / 2);
    session.dispose();
  }, 180_000);

  it('pauses, resumes and stops between steps', async () => {
    const { session } = await toySession({ epochs: 100 });
    const control = new RunControl();
    const steps: number[] = [];
    const running = session.run({
      progressEvery: 1,
      control,
      onProgress: (p) => {
        steps.push(p.step);
        if (p.step === 2) control.pause();
      },
    });
    await vi.waitFor(() => expect(steps).toContain(2), { timeout: 30_000 });
    expect(control.isPaused).toBe(true);
    // Paused: however long we wait, no step runs.
    await new Promise((r) => setTimeout(r, 200));
    expect(session.step).toBe(2);
    control.resume();
    await new Promise((r) => setTimeout(r, 50));
    control.stop();
    const summary = await running;
    expect(summary.stopped).toBe(true);
    expect(summary.steps).toBeGreaterThan(2);
    expect(summary.steps).toBeLessThan(session.plannedSteps);
    expect(steps.slice(0, 2)).toEqual([1, 2]);
    session.dispose();
  });

  it('resumes from a checkpoint to exactly the weights of an uninterrupted run', async () => {
    const a = await toySession();
    await a.session.run({ totalSteps: 2 });
    const checkpoint = await a.session.checkpoint();
    await a.session.run({ totalSteps: 5 });
    const straight = await weightsOf(a.session.studentModel);
    a.session.dispose();

    const b = await toySession();
    await b.session.restore(checkpoint);
    expect(b.session.step).toBe(2);
    await b.session.run({ totalSteps: 5 });
    const resumed = await weightsOf(b.session.studentModel);
    resumed.forEach((w, i) => {
      for (let j = 0; j < w.length; j += 97) expect(w[j]).toBeCloseTo(straight[i][j], 6);
    });
    b.session.dispose();
  });

  it('stops with NonFiniteLossError when the loss turns NaN', async () => {
    const options = resolveOptions({ batchSize: 8, epochs: 1 });
    const pool = sampleLatents(3, 8, DIM);
    pool[5] = Number.NaN;
    const session = await UnlearningSession.create({
      original: toyGenerator(),
      outputRange: 'unit',
      latentDim: DIM,
      target: { targetVector: Float32Array.from([1, 0, 0, 0]), threshold: 0 },
      pool,
      previewLatents: sampleLatents(4, 2, DIM),
      options,
    });
    await expect(session.run({ progressEvery: 1 })).rejects.toBeInstanceOf(NonFiniteLossError);
    session.dispose();
  });

  it('refuses to work after dispose', async () => {
    const { session } = await toySession();
    session.dispose();
    expect(() => session.trainStep()).toThrow(SessionStateError);
    await expect(session.preview()).rejects.toBeInstanceOf(SessionStateError);
  });

  it('in fresh mode draws new latents each step, reproducibly from the seed', async () => {
    const steps = 4;
    const a = await toySession({ latents: 'fresh' });
    const flagged: number[] = [];
    await a.session.run({
      totalSteps: steps,
      progressEvery: 1,
      onProgress: (p) => void flagged.push(p.losses.flagged),
    });
    // Independent of the session: the batch of step k is z ~ N(0, I) drawn from stepSeed(seed, k).
    const expected: number[] = [];
    for (let k = 0; k < steps; k++) {
      const z = sampleLatents(stepSeed(a.session.options.seed, k), 32, DIM);
      const sim = await a.session.flags(z);
      expected.push(sim.reduce((s, v) => s + v, 0) / 32);
    }
    // The expected batches differ from step to step, so one batch reused would not match.
    expect(new Set(expected).size).toBeGreaterThan(1);
    expect(flagged).toEqual(expected);

    const b = await toySession({ latents: 'fresh' });
    const pool = await toySession({ latents: 'pool' });
    await b.session.run({ totalSteps: steps });
    await pool.session.run({ totalSteps: steps });
    const wa = await weightsOf(a.session.studentModel);
    const wb = await weightsOf(b.session.studentModel);
    const wPool = await weightsOf(pool.session.studentModel);
    expect(Array.from(wa[0])).toEqual(Array.from(wb[0]));
    expect(Array.from(wa[0])).not.toEqual(Array.from(wPool[0]));
    for (const s of [a, b, pool]) s.session.dispose();
  });
});
