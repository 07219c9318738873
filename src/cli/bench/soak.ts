/**
 * `npm run bench -- soak`: 10,000 unlearning steps of the shipped VAE through the engine
 * (LocalEngine, wasm, Node), with the TF.js tensor count, TF.js's bytes and the JS heap sampled
 * every 500 steps: all flat after warm-up means no step leaks. About 20 minutes on one core;
 * run only when named.
 */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { resolveOptions } from '../../lib/core/options';
import { streamLatents } from '../../lib/core/seed-streams';
import { LocalEngine } from '../../lib/engine/local-engine';
import { initNodeBackend } from '../tf-backend';
import { modelEntry, readModelBytes } from '../unlearn-row';

export const title = '10,000 unlearning steps through the engine (VAE, wasm): tensors and heap';
/** Twenty minutes: only with `npm run bench -- soak`. */
export const onlyWhenNamed = true;

const STEPS = 10_000;
const EVERY = 500;
const POOL = 500;

interface Sample {
  step: number;
  tensors: number;
  tfMb: number;
  heapMb: number;
  seconds: number;
}

export async function bench(): Promise<void> {
  await initNodeBackend('wasm');
  const entry = modelEntry('vae-mnist');
  const latentDim = entry.latentDim ?? 20;
  const engine = new LocalEngine();
  await engine.loadGenerator({
    id: entry.id,
    ...readModelBytes(join('models', 'vae-mnist')),
    latentDim,
    outputRange: entry.outputRange ?? 'unit',
  });
  const options = resolveOptions({ batchSize: 64, steps: STEPS, seed: 1 });
  const pool = streamLatents(options.seed, 'tagGrid', POOL, latentDim);
  // A synthetic tag set: latents whose first coordinate exceeds 0.8 (about 20 %) show the feature.
  const isPositive = Uint8Array.from({ length: POOL }, (_, i) =>
    pool[i * latentDim] > 0.8 ? 1 : 0,
  );
  await engine.startSession({
    pool,
    isPositive,
    previewLatents: streamLatents(options.seed, 'preview', 8, latentDim),
    options,
  });
  const samples: Sample[] = [];
  const start = performance.now();
  const sample = (step: number): void => {
    globalThis.gc?.();
    const memory = tf.memory();
    samples.push({
      step,
      tensors: memory.numTensors,
      tfMb: memory.numBytes / 2 ** 20,
      heapMb: process.memoryUsage().heapUsed / 2 ** 20,
      seconds: (performance.now() - start) / 1000,
    });
    const s = samples[samples.length - 1];
    console.log(
      `step ${String(step).padStart(5)}: ${s.tensors} tensors, ${s.tfMb.toFixed(2)} MB in TF.js, heap ${s.heapMb.toFixed(1)} MB, ${s.seconds.toFixed(0)} s`,
    );
  };
  sample(0);
  const summary = await engine.run({ totalSteps: STEPS, progressEvery: EVERY }, (p) =>
    sample(p.step),
  );
  await engine.dispose();

  const warm = samples.filter((s) => s.step >= 1000);
  const range = (key: keyof Sample): number =>
    Math.max(...warm.map((s) => s[key])) - Math.min(...warm.map((s) => s[key]));
  const first = warm[0];
  const last = warm[warm.length - 1];
  const heapPerK = ((last.heapMb - first.heapMb) / (last.step - first.step)) * 1000;
  console.log(
    '\n| steps | tensors (min–max) | TF.js MB (min–max) | heap MB (min–max) | heap drift |',
  );
  console.log('|---|---|---|---|---|');
  const fmt = (key: keyof Sample, digits: number): string =>
    `${Math.min(...warm.map((s) => s[key])).toFixed(digits)}–${Math.max(...warm.map((s) => s[key])).toFixed(digits)}`;
  console.log(
    `| ${first.step}–${last.step} (${summary.steps} run, ${(summary.steps / last.seconds).toFixed(1)} steps/s) | ${fmt('tensors', 0)} | ${fmt('tfMb', 3)} | ${fmt('heapMb', 1)} | ${heapPerK.toFixed(3)} MB per 1,000 steps |`,
  );
  console.log(
    `Flat after warm-up (step 1,000 on): tensors ${range('tensors') === 0 ? 'yes' : `NO (range ${range('tensors')})`}, ` +
      `TF.js memory ${range('tfMb') === 0 ? 'yes' : `NO (range ${range('tfMb').toFixed(3)} MB)`}, ` +
      `heap range ${range('heapMb').toFixed(1)} MB.`,
  );
}
