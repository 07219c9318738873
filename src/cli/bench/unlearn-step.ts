/**
 * `npm run bench -- unlearn-step`: unlearning steps per second (Eq. 5 with MS-SSIM, Adam, batch
 * 64, pool mode) of the shipped DCGAN and VAE on the wasm and cpu backends, side by side in one
 * process. The webgpu figure comes from the browser benchmark (`npm run bench -- app`).
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { resolveOptions } from '../../lib/core/options';
import { sampleLatents } from '../../lib/core/rng';
import { findTarget } from '../../lib/train/unlearn/target';
import { UnlearningSession } from '../../lib/train/unlearn/session';
import { initNodeBackend } from '../tf-backend';
import { loadModelFromDir } from '../model-files';
import { modelEntry } from '../unlearn-row';

export const title = 'Unlearning steps/s at batch 64 (DCGAN, VAE) on wasm and cpu';

const POOL = 500;

async function stepsPerSecond(
  id: 'dcgan-mnist' | 'vae-mnist',
  warmup: number,
  timed: number,
): Promise<number> {
  const entry = modelEntry(id);
  const latentDim = entry.latentDim ?? 0;
  const original = await loadModelFromDir(join('models', id));
  const pool = sampleLatents(1, POOL, latentDim);
  // A synthetic tag set: latents whose first coordinate exceeds 0.8 (about 20 %) show the feature.
  const tags = Uint8Array.from({ length: POOL }, (_, i) => (pool[i * latentDim] > 0.8 ? 1 : 0));
  const options = resolveOptions({ batchSize: 64 });
  const session = await UnlearningSession.create({
    original,
    outputRange: entry.outputRange ?? 'unit',
    latentDim,
    target: findTarget(pool, latentDim, tags, options),
    pool,
    previewLatents: sampleLatents(2, 8, latentDim),
    options,
  });
  await session.run({ totalSteps: warmup, progressEvery: warmup });
  const start = performance.now();
  await session.run({ totalSteps: warmup + timed, progressEvery: timed });
  const rate = timed / ((performance.now() - start) / 1000);
  session.dispose();
  return rate;
}

export async function bench(): Promise<void> {
  console.log(
    `load average before: ${loadavg()
      .map((v) => v.toFixed(2))
      .join(' ')}`,
  );
  const rows: string[][] = [];
  for (const backend of ['wasm', 'cpu'] as const) {
    await initNodeBackend(backend);
    for (const id of ['vae-mnist', 'dcgan-mnist'] as const) {
      // The cpu backend is slow for convolutions: time fewer of its steps.
      const slow = backend === 'cpu' && id === 'dcgan-mnist';
      const rate = await stepsPerSecond(id, slow ? 0 : 3, slow ? 1 : 20);
      const fullRow = 1600 / rate;
      rows.push([
        backend,
        id,
        rate.toFixed(2),
        (1000 / rate).toFixed(0),
        `${(fullRow / 60).toFixed(1)} min`,
      ]);
      console.log(`${backend} ${id}: ${rate.toFixed(2)} steps/s`);
    }
  }
  console.log('\n| backend | model | steps/s | ms/step | 1,600 steps (one MNIST row) |');
  console.log('|---|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
  console.log(
    `load average after: ${loadavg()
      .map((v) => v.toFixed(2))
      .join(' ')}`,
  );
  console.log(`tensors alive: ${tf.memory().numTensors}`);
}
