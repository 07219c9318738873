import { MessageChannel } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalEngine } from '../../src/lib/engine/local-engine';
import { serveEngine } from '../../src/lib/engine/worker-handler';
import { EngineError, WorkerEngine } from '../../src/lib/engine/worker-client';
import type { MessageEndpoint } from '../../src/lib/engine/worker-protocol';
import { modelToBytes } from '../../src/lib/models/bytes';
import { resolveOptions } from '../../src/lib/core/options';
import { sampleLatents } from '../../src/lib/core/rng';
import type { UnlearnProgress } from '../../src/lib/train/unlearn/session';
import { TOY_LATENT_DIM, brightLabels, toyGenerator } from '../train/unlearn/toy-generator';

const DIM = TOY_LATENT_DIM;
let channel: MessageChannel;
let client: WorkerEngine;
let stopServing: () => void;

beforeAll(async () => {
  await tf.setBackend('cpu');
  channel = new MessageChannel();
  // Node's MessagePort is an EventTarget with the browser's message API: the same code as a Worker.
  stopServing = serveEngine(new LocalEngine(), channel.port1 as unknown as MessageEndpoint);
  client = new WorkerEngine(channel.port2 as unknown as MessageEndpoint);
});

afterAll(async () => {
  await client.dispose();
  stopServing();
  channel.port1.close();
  channel.port2.close();
});

describe('WorkerEngine over a message port', () => {
  it('reports errors from the other side with their type and message', async () => {
    const call = client.preview();
    await expect(call).rejects.toBeInstanceOf(EngineError);
    await expect(call).rejects.toMatchObject({ name: 'SessionStateError' });
  });

  it('refuses a weights file that does not fit its model.json', async () => {
    const model = toyGenerator();
    const { modelJson, weights } = await modelToBytes(model);
    model.dispose();
    const call = client.loadGenerator({
      id: 'toy',
      modelJson,
      weights: weights.slice(0, weights.byteLength - 4),
      latentDim: DIM,
      outputRange: 'unit',
    });
    await expect(call).rejects.toThrow(/weights file holds/);
  });

  it('loads a generator, generates, runs a session with progress, and exports g_θ', async () => {
    const model = toyGenerator();
    const { modelJson, weights } = await modelToBytes(model);
    const pool = sampleLatents(5, 64, DIM);
    const direct = (await (
      model.predict(tf.tensor2d(pool, [64, DIM])) as tf.Tensor
    ).data()) as Float32Array;
    model.dispose();

    await client.loadGenerator({
      id: 'toy',
      modelJson,
      weights,
      latentDim: DIM,
      outputRange: 'unit',
    });
    const images = await client.generate(pool);
    expect(images.length).toBe(64 * 784);
    for (let i = 0; i < images.length; i += 101) expect(images[i]).toBeCloseTo(direct[i], 6);

    const options = resolveOptions({ batchSize: 16, epochs: 2, learningRate: 1e-2, seed: 1 });
    const diagnostics = await client.startSession({
      pool,
      isPositive: brightLabels(images),
      previewLatents: sampleLatents(6, 4, DIM),
      options,
    });
    expect(diagnostics.positives + diagnostics.negatives).toBe(64);

    const progress: UnlearnProgress[] = [];
    const summary = await client.run({ progressEvery: 2 }, (p) => progress.push(p));
    expect(summary.steps).toBe(8);
    expect(progress.map((p) => p.step)).toEqual([2, 4, 6, 8]);
    expect(progress.every((p) => Number.isFinite(p.losses.total))).toBe(true);

    const preview = await client.preview();
    expect(preview.original.length).toBe(4 * 784);
    expect(preview.flagged.length).toBe(4);

    const exported = await client.exportStudent();
    expect(exported.weights.byteLength).toBe(weights.byteLength);
    expect(new Float32Array(exported.weights)).not.toEqual(new Float32Array(weights));
  });
});
