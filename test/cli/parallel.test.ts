import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initNodeBackend } from '../../src/cli/tf-backend';
import { shardBounds, WorkerPool } from '../../src/cli/parallel/pool';
import { sampleLatents } from '../../src/lib/core/rng';
import {
  InProcessSource,
  type BatchPlan,
  type GradientSource,
  type ShardProgram,
  type TrainData,
} from '../../src/lib/train/data-parallel';
import { GanProgram, trainGan } from '../../src/lib/train/gan';
import { VaeProgram } from '../../src/lib/train/vae';
import { buildDcganDiscriminator, buildDcganGenerator } from '../../src/lib/models/dcgan';
import { buildVaeDecoder, buildVaeEncoder } from '../../src/lib/models/vae';
import { cloneModel } from '../../src/lib/models/clone';
import { toyImages, weightValues } from '../train/toy';
import { resolveOptions } from '../../src/lib/core/options';
import { findTarget } from '../../src/lib/train/unlearn/target';
import { UnlearningSession } from '../../src/lib/train/unlearn/session';
import { UnlearnProgram, unlearnProgramSpec } from '../../src/lib/train/unlearn/program';

const BATCH = 16;
const { images } = toyImages(64);
const data: TrainData = { images, labels: null, count: 64, shape: [28, 28, 1] };

beforeAll(async () => {
  await initNodeBackend('wasm');
});

/** Largest |a − b| relative to the largest |a| over a list of gradients. */
async function relativeGap(a: tf.Tensor[], b: tf.Tensor[]): Promise<number> {
  let gap = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    const [x, y] = await Promise.all([a[i].data(), b[i].data()]);
    for (let j = 0; j < x.length; j++) {
      gap = Math.max(gap, Math.abs(x[j] - y[j]));
      scale = Math.max(scale, Math.abs(x[j]));
    }
  }
  return gap / scale;
}

function plan(step: number, noiseDim: number): BatchPlan {
  return {
    step,
    size: BATCH,
    rows: Int32Array.from({ length: BATCH }, (_, i) => (i * 7 + step) % 64),
    noise: sampleLatents(100 + step, BATCH, noiseDim),
    noiseDim,
  };
}

/**
 * Redraws `model`'s weights from seeded normals with each weight's own spread (constant weights,
 * such as biases and norm scales, are kept), so that a test's run is the same on every run.
 */
async function reseed(model: tf.LayersModel, seed: number): Promise<void> {
  const values = await Promise.all(
    model.weights.map(async (w, i) => {
      const v = w.read();
      const sdTensor = tf.tidy(() => tf.moments(v).variance.sqrt());
      const sd = (await sdTensor.data())[0];
      sdTensor.dispose();
      return sd === 0 ? v.clone() : tf.randomNormal(v.shape, 0, sd, 'float32', seed + i);
    }),
  );
  model.setWeights(values);
  tf.dispose(values);
}

/** Every phase of one step from both sources: the gradients agree, and so do the losses. */
async function expectSameStep(
  program: ShardProgram,
  one: GradientSource,
  many: GradientSource,
  p: BatchPlan,
): Promise<void> {
  for (const phase of program.phases) {
    const a = await one.compute(phase, p);
    const b = await many.compute(phase, p);
    expect(await relativeGap(a.grads, b.grads)).toBeLessThan(1e-5);
    for (const [name, value] of Object.entries(a.losses)) {
      const single = typeof value === 'number' ? value : (await value.data())[0];
      expect(Math.abs(Number(b.losses[name]) - single)).toBeLessThan(
        1e-5 * Math.max(1, Math.abs(single)),
      );
    }
    tf.dispose([
      ...a.grads,
      ...b.grads,
      ...Object.values(a.losses).filter((v) => typeof v !== 'number'),
    ]);
  }
  one.endStep();
  many.endStep();
}

describe('shardBounds', () => {
  it('splits a batch evenly in whole groups and drops empty shards', () => {
    expect(shardBounds(64, 2, 4)).toEqual([
      [0, 32],
      [32, 64],
    ]);
    expect(shardBounds(52, 2, 4)).toEqual([
      [0, 28],
      [28, 52],
    ]);
    expect(shardBounds(10, 3, 1)).toEqual([
      [0, 4],
      [4, 7],
      [7, 10],
    ]);
    expect(shardBounds(3, 4, 4)).toEqual([[0, 3]]);
  });
});

describe('WorkerPool', { timeout: 180_000 }, () => {
  const pools: WorkerPool[] = [];
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.dispose()));
  });

  it('gives the DCGAN step on 2 workers the gradients of 1 worker on the same batch', async () => {
    const program = new GanProgram(buildDcganGenerator(), buildDcganDiscriminator(), data, 100);
    const pool = await WorkerPool.start(
      program,
      { kind: 'gan', config: { latentDim: 100 } },
      data,
      {
        workers: 2,
        backend: 'wasm',
      },
    );
    pools.push(pool);
    expect(pool.size).toBe(2);
    await expectSameStep(program, new InProcessSource(program), pool, plan(0, 100));
  });

  it('gives the VAE step on 2 workers the gradients of 1 worker on the same batch', async () => {
    const program = new VaeProgram(buildVaeEncoder(20), buildVaeDecoder(20), data);
    const pool = await WorkerPool.start(program, { kind: 'vae', config: {} }, data, {
      workers: 2,
      backend: 'wasm',
    });
    pools.push(pool);
    await expectSameStep(program, new InProcessSource(program), pool, plan(3, 20));
    // The pool keeps account of where its one step's time went, and starts a new account.
    const times = pool.takeTimes();
    expect(times.computes).toBe(1);
    expect(times.workersMs).toBeGreaterThan(0);
    expect(times.sumMs).toBeGreaterThan(0);
    expect(times.writeMs).toBe(0);
    // The workers' own time is part of the wait.
    expect(times.shardMs).toBeGreaterThan(0);
    expect(times.readMs + times.shardMs).toBeLessThanOrEqual(times.workersMs);
    await pool.updated(program.phases[0]);
    const next = pool.takeTimes();
    expect(next.computes).toBe(0);
    expect(next.writeMs).toBeGreaterThan(0);
  });

  it('gives an unlearning step (L1 + MS-SSIM) on 2 workers the gradients of 1 worker', async () => {
    const latents = sampleLatents(3, 60, 100);
    const tags = Uint8Array.from({ length: 60 }, (_, i) => (i % 5 === 0 ? 1 : 0));
    const options = resolveOptions({ batchSize: 32, epochs: 2, seed: 4 });
    const session = await UnlearningSession.create({
      original: buildDcganGenerator(),
      outputRange: 'tanh',
      latentDim: 100,
      target: findTarget(latents, 100, tags, options),
      pool: latents,
      previewLatents: sampleLatents(4, 8, 100),
      options,
    });
    const program = new UnlearnProgram(session);
    const pool = await WorkerPool.start(program, unlearnProgramSpec(session, latents), null, {
      workers: 2,
      backend: 'wasm',
    });
    pools.push(pool);
    const single = new InProcessSource(program);
    // Step 0 is a full batch of 32; step 1 the pool's last 28 latents.
    for (const step of [0, 1]) {
      const p = session.planStep(step);
      expect(p.size).toBe(step === 0 ? 32 : 28);
      await expectSameStep(program, single, pool, p);
    }
    session.dispose();
  });

  it('trains a GAN to the same weights on 2 workers as in one thread', async () => {
    const run = (parallel: boolean) => ({
      generator: buildDcganGenerator(),
      discriminator: buildDcganDiscriminator(),
      parallel,
    });
    const a = run(false);
    const b = run(true);
    // Seeded weights: where a gradient is near 0, float noise may flip an Adam step (below), and
    // how many such weights there are depends on the weights; the same ones every run.
    await reseed(a.generator, 11);
    await reseed(a.discriminator, 41);
    const initial = await weightValues(a.generator);
    // The same initial weights for both runs.
    b.generator.setWeights(a.generator.weights.map((w) => w.read()));
    b.discriminator.setWeights(a.discriminator.weights.map((w) => w.read()));
    const trained: number[][][] = [];
    for (const r of [a, b]) {
      const average = await cloneModel(r.generator);
      await trainGan(
        {
          generator: r.generator,
          discriminator: r.discriminator,
          generatorAverage: average,
          images,
          count: 64,
          config: { emaDecay: 0.9 },
        },
        {
          epochs: 1,
          batchSize: BATCH,
          seed: 5,
          maxSteps: 3,
          parallel: r.parallel
            ? (program, spec, d) =>
                WorkerPool.start(program, spec, d, { workers: 2, backend: 'wasm' })
            : undefined,
        },
      );
      trained.push([...(await weightValues(r.generator)), ...(await weightValues(average))]);
      average.dispose();
    }
    // Adam takes steps of about lr · sign(g): where a gradient is near 0 its float noise can
    // decide the sign, so a single weight may differ by up to 2·lr per step (3 steps, lr 2e-4);
    // on the whole the two runs must be the same run (the gradients themselves agree to 1e-5,
    // tests above).
    let gap = 0;
    let gapSum = 0;
    let movedSum = 0;
    let count = 0;
    trained[0].forEach((w, i) =>
      w.forEach((x, j) => {
        const d = Math.abs(x - trained[1][i][j]);
        gap = Math.max(gap, d);
        gapSum += d;
        if (i < initial.length) movedSum += Math.abs(x - initial[i][j]);
        count++;
      }),
    );
    expect(movedSum / count).toBeGreaterThan(1e-5);
    expect(gapSum).toBeLessThan(1e-3 * movedSum);
    expect(gap).toBeLessThan(3 * 2 * 2e-4);
    for (const m of [a.generator, a.discriminator, b.generator, b.discriminator]) m.dispose();
  });

  it('fails a step with the worker’s error instead of hanging', async () => {
    const program = new VaeProgram(buildVaeEncoder(4), buildVaeDecoder(4), data);
    const pool = await WorkerPool.start(program, { kind: 'vae', config: {} }, data, {
      workers: 2,
      backend: 'wasm',
    });
    pools.push(pool);
    const bad = { ...plan(0, 4), noise: new Float32Array(3) }; // too little noise for 16 rows
    await expect(pool.compute('vae', bad)).rejects.toThrow(/training worker \d failed/);
    // The pool is then unusable, and says so at once.
    await expect(pool.compute('vae', plan(0, 4))).rejects.toThrow(/training worker/);
  });

  it('fails a step when a worker dies', async () => {
    const program = new VaeProgram(buildVaeEncoder(4), buildVaeDecoder(4), data);
    const pool = await WorkerPool.start(program, { kind: 'vae', config: {} }, data, {
      workers: 2,
      backend: 'wasm',
    });
    pools.push(pool);
    const worker = (pool as unknown as { workers: { thread: { terminate(): Promise<number> } }[] })
      .workers[1];
    await worker.thread.terminate();
    await expect(pool.compute('vae', plan(0, 4))).rejects.toThrow(/training worker 2 exited/);
  });
});
