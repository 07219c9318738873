/**
 * A worker thread of `npm run bench -- parallel`'s ceiling: it runs whole DCGAN steps on its own
 * (no pool, nothing shared) and reports milliseconds per step, so that several of them started at
 * once show how much the machine's cores slow each other when all are busy.
 */
import { parentPort } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { sampleLatents } from '../../lib/core/rng';
import { dataParallelStep, InProcessSource } from '../../lib/train/data-parallel';
import { GanProgram } from '../../lib/train/gan';
import { buildDcganDiscriminator, buildDcganGenerator } from '../../lib/models/dcgan';
import { initNodeBackend } from '../tf-backend';
import { loadMnist } from '../mnist';

/** What the bench asks: a batch size and how many steps to warm up and to time. */
export interface CeilingRequest {
  batch: number;
  warmup: number;
  timed: number;
}

const port = parentPort;
if (port === null) throw new Error('ceiling-worker.ts must run in a worker thread');

async function run({ batch, warmup, timed }: CeilingRequest): Promise<number> {
  await initNodeBackend('wasm');
  const train = await loadMnist('train');
  const data = {
    images: train.images,
    labels: null,
    count: train.count,
    shape: [28, 28, 1] as [number, number, number],
  };
  const program = new GanProgram(buildDcganGenerator(), buildDcganDiscriminator(), data, 100);
  const source = new InProcessSource(program);
  const optimizers = Object.fromEntries(program.phases.map((p) => [p, tf.train.adam(1e-4)]));
  const step = async (s: number): Promise<void> => {
    const plan = {
      step: s,
      size: batch,
      rows: Int32Array.from({ length: batch }, (_, i) => (s * batch + i) % train.count),
      noise: sampleLatents(s, batch, 100),
      noiseDim: 100,
    };
    const losses = await dataParallelStep(program, source, optimizers, plan);
    tf.dispose(Object.values(losses).filter((v): v is tf.Scalar => typeof v !== 'number'));
  };
  for (let s = 0; s < warmup; s++) await step(s);
  // Every copy starts timing together: the bench sends 'go' once all have warmed up.
  port?.postMessage({ type: 'warm' });
  await new Promise<void>((resolve) => port?.once('message', () => resolve()));
  const start = performance.now();
  for (let s = warmup; s < warmup + timed; s++) await step(s);
  return (performance.now() - start) / timed;
}

port.once('message', (req: CeilingRequest) => {
  run(req).then(
    (ms) => port.postMessage({ type: 'done', ms }),
    (e: unknown) => port.postMessage({ type: 'failed', message: String(e) }),
  );
});
