/**
 * `npm run bench -- parallel`: training steps per second in this thread (1 worker) and split over
 * N worker threads (one per core), for the DCGAN step (batch 64), the VAE step (batch 128) and
 * the unlearning step of the shipped generators (Eq. 5 with MS-SSIM, batch 64), in one run on
 * wasm. Goal: N workers at least 1.8× one on 2 cores.
 *
 * Beside it, the machine's own ceiling: N independent copies of a DCGAN step on half the batch,
 * started at once on N threads with nothing shared, against one copy alone. When all cores are
 * busy each runs slower (shared caches, memory bandwidth, the host's scheduling), and no split of
 * a batch can gain more than those copies do. Each pool run also says where its steps went: the
 * workers' shards, the coordinator's gradient sum and weight write, and the optimizer.
 */
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { resolveOptions } from '../../lib/core/options';
import { sampleLatents } from '../../lib/core/rng';
import {
  InProcessSource,
  type BatchPlan,
  type ProgramSpec,
  type ShardProgram,
  type TrainData,
} from '../../lib/train/data-parallel';
import { GanProgram } from '../../lib/train/gan';
import { VaeProgram } from '../../lib/train/vae';
import { findTarget } from '../../lib/train/unlearn/target';
import { UnlearningSession } from '../../lib/train/unlearn/session';
import { UnlearnProgram, unlearnProgramSpec } from '../../lib/train/unlearn/program';
import { buildDcganDiscriminator, buildDcganGenerator } from '../../lib/models/dcgan';
import { buildVaeDecoder, buildVaeEncoder } from '../../lib/models/vae';
import { initNodeBackend } from '../tf-backend';
import { loadMnist } from '../mnist';
import { loadModelFromDir } from '../model-files';
import { modelEntry } from '../unlearn-row';
import { WorkerPool, type PoolTimes } from '../parallel/pool';
import { msPerStep, stepPlan, WARMUP } from './trainer-rate';
import { startTsWorker } from '../ts-worker';
import type { CeilingRequest } from './ceiling-worker';

export const title = 'Data-parallel training: steps/s on 1 and N worker threads (wasm)';

/**
 * Where one step on the pool spent its time (ms per step): `perStep` in all, and of it the pool's
 * account (PoolTimes); what is left is the coordinator's optimizer update and batch plan.
 */
function stepAccount(perStep: number, times: PoolTimes, steps: number): string {
  const ms = (total: number): string => (total / steps).toFixed(0);
  const rest = perStep - (times.workersMs + times.sumMs + times.writeMs) / steps;
  return (
    `  on the pool, per step: ${perStep.toFixed(0)} ms = waiting for the workers ` +
    `${ms(times.workersMs)} (each: reading the weights ${ms(times.readMs)}, its shard ` +
    `${ms(times.shardMs)}) + summing their gradients ${ms(times.sumMs)} + writing the weights ` +
    `${ms(times.writeMs)} + the optimizer and the rest ${rest.toFixed(0)}`
  );
}

/** A trainer's rate on one thread and on `workers` threads. */
async function trainerRates(
  makeProgram: () => ShardProgram,
  spec: ProgramSpec,
  data: TrainData,
  plan: (step: number) => BatchPlan,
  timed: number,
  workers: number,
): Promise<[number, number]> {
  const program = makeProgram();
  const one = 1000 / (await msPerStep(program, new InProcessSource(program), plan, timed));
  const pool = await WorkerPool.start(program, spec, data, { workers, backend: 'wasm' });
  try {
    const perStep = await msPerStep(program, pool, plan, timed, async () => {
      pool.takeTimes();
    });
    console.log(stepAccount(perStep, pool.takeTimes(), timed));
    return [one, 1000 / perStep];
  } finally {
    await pool.dispose();
    for (const m of Object.values(program.models)) m.dispose();
  }
}

async function unlearnRates(
  id: 'dcgan-mnist' | 'vae-mnist',
  timed: number,
  workers: number,
): Promise<[number, number]> {
  const entry = modelEntry(id);
  const latentDim = entry.latentDim ?? 0;
  const latents = sampleLatents(1, 500, latentDim);
  const tags = Uint8Array.from({ length: 500 }, (_, i) => (latents[i * latentDim] > 0.8 ? 1 : 0));
  const options = resolveOptions({ batchSize: 64 });
  const rates: number[] = [];
  for (const parallel of [false, true]) {
    const session = await UnlearningSession.create({
      original: await loadModelFromDir(join('models', id)),
      outputRange: entry.outputRange ?? 'unit',
      latentDim,
      target: findTarget(latents, latentDim, tags, options),
      pool: latents,
      previewLatents: sampleLatents(2, 8, latentDim),
      options,
    });
    const pool = parallel
      ? await WorkerPool.start(
          new UnlearnProgram(session),
          unlearnProgramSpec(session, latents),
          null,
          {
            workers,
            backend: 'wasm',
          },
        )
      : null;
    session.useGradientSource(pool);
    await session.run({ totalSteps: WARMUP, progressEvery: WARMUP });
    pool?.takeTimes();
    const start = performance.now();
    await session.run({ totalSteps: WARMUP + timed, progressEvery: timed });
    const perStep = (performance.now() - start) / timed;
    if (pool !== null) console.log(stepAccount(perStep, pool.takeTimes(), timed));
    rates.push(1000 / perStep);
    await pool?.dispose();
    session.dispose();
  }
  return [rates[0], rates[1]];
}

type CeilingReply =
  { type: 'warm' } | { type: 'done'; ms: number } | { type: 'failed'; message: string };

/** Milliseconds per step of `copies` independent DCGAN steps (batch `batch`) run at once. */
async function independentCopies(copies: number, batch: number): Promise<number[]> {
  const threads = Array.from({ length: copies }, () =>
    startTsWorker(new URL('./ceiling-worker.ts', import.meta.url)),
  );
  try {
    let warm = 0;
    const done = threads.map(
      (thread) =>
        new Promise<number>((resolve, reject) => {
          thread.on('error', reject);
          thread.on('message', (reply: CeilingReply) => {
            if (reply.type === 'failed') reject(new Error(reply.message));
            else if (reply.type === 'done') resolve(reply.ms);
            else if (++warm === copies) for (const t of threads) t.postMessage('go');
          });
        }),
    );
    const request: CeilingRequest = { batch, timed: 10 };
    for (const thread of threads) thread.postMessage(request);
    return await Promise.all(done);
  } finally {
    await Promise.all(threads.map((t) => t.terminate()));
  }
}

/**
 * The most `workers` threads can gain on this machine: `workers` × (one copy's speed when all run
 * at once) / (its speed alone), for the DCGAN step on half of batch 64.
 */
async function machineCeiling(workers: number): Promise<number> {
  const batch = Math.ceil(64 / workers);
  const [alone] = await independentCopies(1, batch);
  const together = await independentCopies(workers, batch);
  const mean = together.reduce((a, b) => a + b, 0) / together.length;
  console.log(
    `ceiling: DCGAN step on batch ${batch}: ${alone.toFixed(0)} ms alone, ` +
      `${together.map((ms) => ms.toFixed(0)).join(' and ')} ms with ${workers} copies at once`,
  );
  return (workers * alone) / mean;
}

export async function bench(): Promise<void> {
  const workers = availableParallelism();
  const load = (): string =>
    loadavg()
      .map((v) => v.toFixed(2))
      .join(' ');
  console.log(`${workers} cores; load average before: ${load()}`);
  await initNodeBackend('wasm');
  const train = await loadMnist('train');
  const data: TrainData = {
    images: train.images,
    labels: null,
    count: train.count,
    shape: [28, 28, 1],
  };
  const results: [string, [number, number]][] = [];

  results.push([
    'DCGAN step (G then D), batch 64',
    await trainerRates(
      () => new GanProgram(buildDcganGenerator(), buildDcganDiscriminator(), data, 100),
      { kind: 'gan', config: { latentDim: 100 } },
      data,
      (step) => stepPlan(step, 64, train.count, 100),
      10,
      workers,
    ),
  ]);
  console.log(
    `${results[results.length - 1][0]}: ${results[results.length - 1][1].map((r) => r.toFixed(2)).join(' → ')} steps/s`,
  );
  results.push([
    'VAE step, batch 128',
    await trainerRates(
      () => new VaeProgram(buildVaeEncoder(20), buildVaeDecoder(20), data),
      { kind: 'vae', config: {} },
      data,
      (step) => stepPlan(step, 128, train.count, 20),
      40,
      workers,
    ),
  ]);
  console.log(
    `${results[results.length - 1][0]}: ${results[results.length - 1][1].map((r) => r.toFixed(2)).join(' → ')} steps/s`,
  );
  for (const id of ['dcgan-mnist', 'vae-mnist'] as const) {
    results.push([
      `unlearning step, ${id}, batch 64`,
      await unlearnRates(id, id === 'vae-mnist' ? 40 : 15, workers),
    ]);
    console.log(
      `${results[results.length - 1][0]}: ${results[results.length - 1][1].map((r) => r.toFixed(2)).join(' → ')} steps/s`,
    );
  }

  console.log(`\n| step | 1 worker (steps/s) | ${workers} workers (steps/s) | speed-up |`);
  console.log('|---|---|---|---|');
  for (const [name, [one, many]] of results) {
    console.log(
      `| ${name} | ${one.toFixed(2)} | ${many.toFixed(2)} | ${(many / one).toFixed(2)}× |`,
    );
  }
  if (workers > 1) {
    const ceiling = await machineCeiling(workers);
    console.log(
      `| machine ceiling: ${workers} independent copies at once vs one alone | | | ${ceiling.toFixed(2)}× |`,
    );
  }
  console.log(`load average after: ${load()}`);
}
