import { cpSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { modelToBytes } from '../../../src/lib/models/bytes';
import type { ModelEntry, ModelIndex } from '../../../src/lib/models/manifest';
import { DIST_DIR } from './app';

/** The repository's shipped models/ folder: the real, trained weights. */
export const MODELS_DIR = fileURLToPath(new URL('../../../models/', import.meta.url));

/** Id of the fixture generator added next to the real models. */
export const TINY_DCGAN_ID = 'tiny-dcgan';

/** Latent size of the fixture generator (the DCGAN's). */
export const FIXTURE_LATENT_DIM = 100;

/**
 * A DCGAN-shaped generator small enough for SwiftShader: dense 100→7·7·16, BN, ReLU,
 * convT 16→8 k4 s2, BN, ReLU, convT 8→1 k4 s2, tanh. Random (seeded) weights. It has 9 trainable
 * weight tensors, as many as a DCGAN's layer list gives, which is what the generator self-test
 * on WebGPU once got wrong (more inputs to one kernel than WebGPU binds by default).
 */
function tinyGenerator(): tf.Sequential {
  const init = (k: number) => tf.initializers.glorotNormal({ seed: k });
  const g = tf.sequential({ name: 'tiny_generator' });
  g.add(
    tf.layers.dense({
      inputShape: [FIXTURE_LATENT_DIM],
      units: 7 * 7 * 16,
      kernelInitializer: init(1),
      name: 'fc',
    }),
  );
  g.add(tf.layers.batchNormalization({ name: 'fc_bn' }));
  g.add(tf.layers.reLU({ name: 'fc_relu' }));
  g.add(tf.layers.reshape({ targetShape: [7, 7, 16], name: 'to_map' }));
  g.add(
    tf.layers.conv2dTranspose({
      filters: 8,
      kernelSize: 4,
      strides: 2,
      padding: 'same',
      kernelInitializer: init(2),
      name: 'up1',
    }),
  );
  g.add(tf.layers.batchNormalization({ name: 'up1_bn' }));
  g.add(tf.layers.reLU({ name: 'up1_relu' }));
  g.add(
    tf.layers.conv2dTranspose({
      filters: 1,
      kernelSize: 4,
      strides: 2,
      padding: 'same',
      activation: 'tanh',
      useBias: false,
      kernelInitializer: init(3),
      name: 'up2',
    }),
  );
  return g;
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/**
 * The built site (dist/) copied to a temp dir, its models/ replaced by the repository's real
 * models/ (so a model trained since the last build is there too) plus the tiny fixture DCGAN
 * under {@link TINY_DCGAN_ID}, listed last in models/index.json.
 */
export async function makeTestSite(): Promise<{
  dir: string;
  index: ModelIndex;
  remove: () => void;
}> {
  await tf.setBackend('cpu');
  const dir = mkdtempSync(join(tmpdir(), 'playground-site-'));
  cpSync(DIST_DIR, dir, { recursive: true });
  rmSync(join(dir, 'models'), { recursive: true, force: true });
  cpSync(MODELS_DIR, join(dir, 'models'), { recursive: true });
  mkdirSync(join(dir, 'models', TINY_DCGAN_ID), { recursive: true });
  const model = tinyGenerator();
  const { modelJson, weights } = await modelToBytes(model);
  model.dispose();
  const json = new TextEncoder().encode(JSON.stringify(modelJson));
  const bin = new Uint8Array(weights);
  writeFileSync(join(dir, 'models', TINY_DCGAN_ID, 'model.json'), json);
  writeFileSync(join(dir, 'models', TINY_DCGAN_ID, 'weights.bin'), bin);
  const tiny: ModelEntry = {
    id: TINY_DCGAN_ID,
    kind: 'generator',
    architecture: 'test fixture: a tiny DCGAN with random weights',
    latentDim: FIXTURE_LATENT_DIM,
    outputRange: 'tanh',
    files: [
      { path: `${TINY_DCGAN_ID}/model.json`, sha256: sha256(json), size: json.length },
      { path: `${TINY_DCGAN_ID}/weights.bin`, sha256: sha256(bin), size: bin.length },
    ],
    command: 'test/e2e/helpers/fixture-site.ts',
    config: {},
    wallTimeSeconds: 0,
    metrics: {},
    createdAt: new Date(0).toISOString(),
  };
  const shipped = JSON.parse(readFileSync(join(MODELS_DIR, 'index.json'), 'utf8')) as ModelIndex;
  const index: ModelIndex = { ...shipped, models: [...shipped.models, tiny] };
  writeFileSync(join(dir, 'models', 'index.json'), JSON.stringify(index));
  return { dir, index, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
