import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { modelFromBytes, type GeneratorBytes } from '../../src/lib/models/bytes';
import { buildUserModel, inspectGenerator } from '../../src/lib/models/inspect';

function fixture(name: string): GeneratorBytes {
  const dir = fileURLToPath(new URL(`../fixtures/foreign/${name}/`, import.meta.url));
  const w = readFileSync(`${dir}weights.bin`);
  return {
    modelJson: JSON.parse(readFileSync(`${dir}model.json`, 'utf8')),
    weights: w.buffer.slice(w.byteOffset, w.byteOffset + w.byteLength),
  };
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('a user generator, as TF.js reads it', () => {
  it('reads latent size, image shape and output range of each foreign fixture', async () => {
    const rgb = await inspectGenerator(fixture('rgb32-tanh'));
    expect(rgb).toEqual({
      latentDim: 16,
      imageShape: { height: 32, width: 32, channels: 3 },
      parameters: 19_355,
      lastActivation: 'tanh',
      outputRange: 'tanh',
    });
    const grey = await inspectGenerator(fixture('grey28-sigmoid'));
    expect([grey.latentDim, grey.imageShape.height, grey.imageShape.channels]).toEqual([8, 28, 1]);
    expect(grey.outputRange).toBe('unit');
    const linear = await inspectGenerator(fixture('grey16-linear'));
    expect(linear.lastActivation).toBe('linear');
    expect(linear.outputRange).toBeNull();
  });

  it('builds a model that draws what TF.js draws from the same files', async () => {
    const bytes = fixture('rgb32-tanh');
    const ours = await buildUserModel(bytes);
    const stock = await modelFromBytes(bytes.modelJson, bytes.weights);
    const z = tf.randomNormal([3, 16], 0, 1, 'float32', 1);
    const a = await (ours.predict(z) as tf.Tensor).data();
    const b = await (stock.predict(z) as tf.Tensor).data();
    expect(Array.from(a)).toEqual(Array.from(b));
    tf.dispose(z);
    ours.dispose();
    stock.dispose();
  });
});
