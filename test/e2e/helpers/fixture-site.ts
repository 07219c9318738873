import { cpSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { modelToBytes } from '../../../src/lib/models/bytes';
import { DIST_DIR } from './app';

/** Latent size of the fixture generator (the DCGAN's). */
export const FIXTURE_LATENT_DIM = 100;

/**
 * A DCGAN-shaped generator small enough for SwiftShader: dense 100→7·7·16, BN, ReLU,
 * convT 16→8 k4 s2, BN, ReLU, convT 8→1 k4 s2, tanh. Random (seeded) weights: the tests check
 * the app's plumbing, not image quality.
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

/** The built site (dist/) copied to a temp dir, with models/ holding one tiny generator. */
export async function makeFixtureSite(): Promise<{ dir: string; remove: () => void }> {
  await tf.setBackend('cpu');
  const dir = mkdtempSync(join(tmpdir(), 'playground-site-'));
  cpSync(DIST_DIR, dir, { recursive: true });
  rmSync(join(dir, 'models'), { recursive: true, force: true });
  mkdirSync(join(dir, 'models', 'dcgan-mnist'), { recursive: true });
  const model = tinyGenerator();
  const { modelJson, weights } = await modelToBytes(model);
  model.dispose();
  const json = new TextEncoder().encode(JSON.stringify(modelJson));
  const bin = new Uint8Array(weights);
  writeFileSync(join(dir, 'models', 'dcgan-mnist', 'model.json'), json);
  writeFileSync(join(dir, 'models', 'dcgan-mnist', 'weights.bin'), bin);
  const index = {
    version: 1,
    models: [
      {
        id: 'dcgan-mnist',
        kind: 'generator',
        architecture: 'test fixture: a tiny DCGAN with random weights',
        latentDim: FIXTURE_LATENT_DIM,
        outputRange: 'tanh',
        files: [
          { path: 'dcgan-mnist/model.json', sha256: sha256(json), size: json.length },
          { path: 'dcgan-mnist/weights.bin', sha256: sha256(bin), size: bin.length },
        ],
        command: 'test/e2e/helpers/fixture-site.ts',
        config: {},
        wallTimeSeconds: 0,
        metrics: {},
        createdAt: new Date(0).toISOString(),
      },
    ],
  };
  writeFileSync(join(dir, 'models', 'index.json'), JSON.stringify(index));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
