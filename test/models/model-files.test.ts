import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { decode } from 'fast-png';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCheckpointDir, saveCheckpointDir } from '../../src/cli/checkpoint-files';
import { loadModelFromDir, saveModelToDir } from '../../src/cli/model-files';
import { encodeGreyPng } from '../../src/cli/png';
import { buildMnistClassifier } from '../../src/lib/models/classifier';
import { buildDcganGenerator } from '../../src/lib/models/dcgan';
import { sha256Hex } from '../../src/lib/models/manifest';
import { captureCheckpoint } from '../../src/lib/train/checkpoint';

const dir = mkdtempSync(join(tmpdir(), 'model-files-'));

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('model folders (model.json + weights.bin)', () => {
  it('round-trip a generator with BatchNorm: same outputs, hashes of the written bytes', async () => {
    const g = buildDcganGenerator();
    const files = await saveModelToDir(g, join(dir, 'gen'));
    expect(files.map((f) => f.name)).toEqual(['model.json', 'weights.bin']);
    for (const f of files) {
      const bytes = readFileSync(join(dir, 'gen', f.name));
      expect(f.size).toBe(bytes.byteLength);
      expect(f.sha256).toBe(await sha256Hex(bytes));
    }
    // float32 weights: 4 bytes per parameter, BatchNorm statistics included.
    expect(files[1].size).toBe(4 * g.countParams()); // BatchNorm statistics are counted too
    const json = JSON.parse(readFileSync(join(dir, 'gen', 'model.json'), 'utf8')) as {
      weightsManifest: { paths: string[] }[];
    };
    expect(json.weightsManifest[0].paths).toEqual(['./weights.bin']);

    const loaded = await loadModelFromDir(join(dir, 'gen'));
    const z = tf.randomNormal([3, 100], 0, 1, 'float32', 4);
    const a = g.predict(z) as tf.Tensor;
    const b = loaded.predict(z) as tf.Tensor;
    expect(loaded.layers.map((l) => l.name)).toEqual(g.layers.map((l) => l.name));
    expect(tf.max(tf.abs(a.sub(b))).arraySync()).toBe(0);
    tf.dispose([z, a, b]);
    g.dispose();
    loaded.dispose();
  });

  it('round-trip a two-output classifier', async () => {
    const m = buildMnistClassifier();
    await saveModelToDir(m, join(dir, 'cls'));
    const loaded = await loadModelFromDir(join(dir, 'cls'));
    const out = loaded.predict(tf.zeros([1, 28, 28, 1])) as tf.Tensor[];
    expect(out.map((t) => t.shape)).toEqual([
      [1, 10],
      [1, 128],
    ]);
    tf.dispose(out);
    m.dispose();
    loaded.dispose();
  });
});

describe('checkpoint folders', () => {
  it('round-trip weights, optimizer state and config', async () => {
    const m = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 1 })] });
    const opt = tf.train.adam(0.1);
    tf.tidy(() => {
      opt.minimize(() => (m.apply(tf.ones([1, 2])) as tf.Tensor).sum() as tf.Scalar);
    });
    const ckpt = await captureCheckpoint(5, 7, 3.5, { m }, { m: opt });
    saveCheckpointDir(join(dir, 'ckpt'), ckpt, { seed: 3 });
    saveCheckpointDir(join(dir, 'ckpt'), ckpt, { seed: 4 }); // replaces the first
    const back = loadCheckpointDir(join(dir, 'ckpt'));
    expect(back?.config).toEqual({ seed: 4 });
    expect(back?.checkpoint).toMatchObject({ globalStep: 5, stepsPerEpoch: 7, elapsedSeconds: 3.5 });
    for (const group of ['models', 'optimizers'] as const) {
      const a = ckpt[group].m;
      const b = back?.checkpoint[group].m;
      expect(b?.specs).toEqual(a.specs);
      expect(Array.from(new Uint8Array(b?.data ?? new ArrayBuffer(0)))).toEqual(Array.from(new Uint8Array(a.data)));
    }
    expect(loadCheckpointDir(join(dir, 'none'))).toBeNull();
    opt.dispose();
    m.dispose();
  });
});

describe('encodeGreyPng', () => {
  it('writes 8-bit greyscale that decodes to the same pixels', () => {
    const pixels = Float32Array.from([0, 0.5, 1, 2, -1, 0.25]);
    const png = decode(encodeGreyPng({ pixels, width: 3, height: 2 }));
    expect([png.width, png.height, png.channels, png.depth]).toEqual([3, 2, 1, 8]);
    expect(Array.from(png.data)).toEqual([0, 128, 255, 255, 0, 64]);
  });
});
