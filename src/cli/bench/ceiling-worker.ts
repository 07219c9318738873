/**
 * A worker thread of `npm run bench -- parallel`'s ceiling: it runs whole DCGAN steps on its own
 * (no pool, nothing shared) and reports milliseconds per step, so that several of them started at
 * once show how much the machine's cores slow each other when all are busy.
 */
import { parentPort } from 'node:worker_threads';
import { InProcessSource, type BatchPlan } from '../../lib/train/data-parallel';
import { GanProgram } from '../../lib/train/gan';
import { buildDcganDiscriminator, buildDcganGenerator } from '../../lib/models/dcgan';
import { initNodeBackend } from '../tf-backend';
import { loadMnist } from '../mnist';
import { msPerStep, stepPlan } from './trainer-rate';

/** What the bench asks: a batch size and how many steps to time (after trainer-rate's warm-up). */
export interface CeilingRequest {
  batch: number;
  timed: number;
}

const port = parentPort;
if (port === null) throw new Error('ceiling-worker.ts must run in a worker thread');

async function run({ batch, timed }: CeilingRequest): Promise<number> {
  await initNodeBackend('wasm');
  const train = await loadMnist('train');
  const data = {
    images: train.images,
    labels: null,
    count: train.count,
    shape: [28, 28, 1] as [number, number, number],
  };
  const program = new GanProgram(buildDcganGenerator(), buildDcganDiscriminator(), data, 100);
  // Every copy starts timing together: the bench sends 'go' once all have warmed up.
  const warm = (): Promise<void> => {
    port?.postMessage({ type: 'warm' });
    return new Promise<void>((resolve) => port?.once('message', () => resolve()));
  };
  const plan = (step: number): BatchPlan => stepPlan(step, batch, train.count, 100);
  return msPerStep(program, new InProcessSource(program), plan, timed, warm);
}

port.once('message', (req: CeilingRequest) => {
  run(req).then(
    (ms) => port.postMessage({ type: 'done', ms }),
    (e: unknown) => port.postMessage({ type: 'failed', message: String(e) }),
  );
});
