import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTACK_BATCH, LocalEngine } from '../../src/lib/engine/local-engine';
import { modelToBytes } from '../../src/lib/models/bytes';
import { sampleLatents } from '../../src/lib/core/rng';
import { pgdAttack } from '../../src/lib/train/attack';
import { BRIGHT, TOY_LATENT_DIM, toyGenerator } from '../train/unlearn/toy-generator';

/** h: unitImages [b, 28, 28, 1] → logit (mean pixel − `bias`) · 10: "bright". */
function brightnessClassifier(bias: number): tf.LayersModel {
  const m = tf.sequential();
  m.add(tf.layers.globalAveragePooling2d({ inputShape: [28, 28, 1] }));
  m.add(tf.layers.dense({ units: 1 }));
  const weights = [tf.tensor2d([10], [1, 1]), tf.tensor1d([-10 * bias])];
  m.setWeights(weights);
  tf.dispose(weights);
  return m;
}

describe('the engine attack', () => {
  const engine = new LocalEngine();
  const generator = toyGenerator();
  const attacker = brightnessClassifier(BRIGHT);
  const judge = brightnessClassifier(BRIGHT + 0.02);

  beforeAll(async () => {
    await tf.setBackend('cpu');
    const { modelJson, weights } = await modelToBytes(generator);
    await engine.loadGenerator({
      id: 'toy',
      modelJson,
      weights,
      latentDim: TOY_LATENT_DIM,
      outputRange: 'unit',
    });
    await engine.loadClassifier('featureA', await modelToBytes(attacker));
    await engine.loadClassifier('featureB', await modelToBytes(judge));
  });

  afterAll(async () => {
    await engine.dispose();
    for (const model of [generator, attacker, judge]) model.dispose();
  });

  it('runs in batches and finds what one PGD over all latents finds', async () => {
    const count = ATTACK_BATCH + 37;
    const latents = sampleLatents(9, count, TOY_LATENT_DIM);
    const options = { epsilon: 0.3, steps: 4 };
    const whole = await pgdAttack(
      generator,
      'unit',
      attacker,
      judge,
      latents,
      TOY_LATENT_DIM,
      options,
    );
    const before = tf.memory().numTensors;
    const batched = await engine.attack('original', latents, options);
    expect(tf.memory().numTensors).toBe(before);
    expect(batched.attacked.length).toBe(latents.length);
    for (let i = 0; i < latents.length; i++) {
      expect(batched.attacked[i]).toBeCloseTo(whole.attacked[i], 5);
    }
    // Shares are counts / n: the same counts give the same shares up to float32 rounding.
    expect(batched.tfrBefore).toBeCloseTo(whole.tfrBefore, 6);
    expect(batched.tfrAfter).toBeCloseTo(whole.tfrAfter, 6);
    // The attack makes the judge see the feature more often, or the test proves nothing.
    expect(whole.tfrAfter).toBeGreaterThan(whole.tfrBefore);
  });
});
