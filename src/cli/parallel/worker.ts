/**
 * A worker thread of the training pool (pool.ts): rebuilds the coordinator's program from its
 * spec, model topologies and shared weights, then computes the gradients of its shard of each
 * phase into its shared gradient slot.
 */
import { parentPort } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { buildProgram } from '../../lib/train/programs';
import type { ShardProgram } from '../../lib/train/data-parallel';
import { initNodeBackend } from '../tf-backend';
import { readVariables, weightSlots, type WeightSlot } from './shared-weights';
import type { ComputeRequest, InitRequest, WorkerReply, WorkerRequest } from './protocol';

const port = parentPort;
if (port === null) throw new Error('parallel/worker.ts must run in a worker thread');

type ModelConfig = Parameters<typeof tf.models.modelFromJSON>[0];

interface State {
  program: ShardProgram;
  slots: Map<tf.Variable, WeightSlot>;
  weights: Float32Array;
  gradients: Float32Array;
}
let state: State | null = null;

async function init(req: InitRequest): Promise<void> {
  await initNodeBackend(req.backend);
  if (state !== null) {
    // A new program for the same workers (the next ProgGAN phase): free the old models.
    for (const model of Object.values(state.program.models)) model.dispose();
    state = null;
  }
  const models: Record<string, tf.LayersModel> = {};
  for (const [name, topology] of Object.entries(req.topologies)) {
    const config = { modelTopology: topology } as unknown as ModelConfig;
    models[name] = await tf.models.modelFromJSON(config);
  }
  // The weights first: a program may compute from them as it starts (a session renders its
  // targets f(z), f(ẑ) once).
  const { slots } = weightSlots(models);
  const weights = new Float32Array(req.weights);
  readVariables(weights, slots, slots.keys());
  const program = buildProgram(req.spec, models, req.data);
  state = { program, slots, weights, gradients: new Float32Array(req.gradients) };
}

async function compute(req: ComputeRequest): Promise<WorkerReply> {
  if (state === null) throw new Error('compute before init');
  const { program, slots, weights, gradients } = state;
  const started = performance.now();
  for (const phase of req.reload) readVariables(weights, slots, program.variables(phase));
  const read = performance.now();
  const { grads, losses } = program.gradients(req.phase, req.shard);
  try {
    let offset = 0;
    for (const grad of grads) {
      gradients.set((await grad.data()) as Float32Array, offset);
      offset += grad.size;
    }
    const names = Object.keys(losses);
    const values = await Promise.all(names.map(async (n) => (await losses[n].data())[0]));
    return {
      type: 'computed',
      losses: Object.fromEntries(names.map((n, i) => [n, values[i]])),
      readMs: read - started,
      shardMs: performance.now() - read,
    };
  } finally {
    tf.dispose([...grads, ...Object.values(losses)]);
  }
}

async function handle(req: WorkerRequest): Promise<WorkerReply | null> {
  switch (req.type) {
    case 'init':
      await init(req);
      return { type: 'ready' };
    case 'compute':
      return await compute(req);
    case 'end-step':
      state?.program.endStep();
      return null;
  }
}

// Requests are handled one after another, in the order they came.
let queue: Promise<void> = Promise.resolve();
port.on('message', (req: WorkerRequest) => {
  queue = queue.then(async () => {
    let reply: WorkerReply | null;
    try {
      reply = await handle(req);
    } catch (e) {
      reply = { type: 'failed', message: e instanceof Error ? (e.stack ?? e.message) : String(e) };
    }
    if (reply !== null) port.postMessage(reply);
  });
});
