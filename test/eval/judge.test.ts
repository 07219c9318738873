import { describe, expect, it } from 'vitest';
import {
  classifierLabeler,
  inceptionSplits,
  judge,
  type JudgeSpec,
} from '../../src/lib/eval/judge';
import type { QualityNetwork, UnlearningEngine } from '../../src/lib/engine/types';

/**
 * A stand-in engine on 2-d latents and 1-pixel images: the original draws z₀, the student 0,
 * the MNIST classifier is certain of class (i mod 2), and a one-logit classifier reads the pixel.
 */
function stubEngine(calls: string[]): UnlearningEngine {
  const engine: Partial<UnlearningEngine> = {
    generate: async (latents, which = 'original') => {
      calls.push(`generate ${which} ${latents.length / 2}`);
      return Float32Array.from({ length: latents.length / 2 }, (_, i) =>
        which === 'original' ? latents[2 * i] : 0,
      );
    },
    qualityOutputs: async (_network, images, count) => {
      const probs = new Float32Array(count * 2);
      for (let i = 0; i < count; i++) probs[2 * i + (i % 2)] = 1;
      return { probs, classes: 2, features: Float32Array.from(images), featureDim: 1 };
    },
    classifierLogits: async (_role, images) => Float32Array.from(images, (v) => v - 0.5),
    targets: async (latents) => new Float32Array(latents.length / 2).fill(1),
  };
  return engine as UnlearningEngine;
}

describe('judge', () => {
  const count = 600;
  // z₀ = −3 … 3 evenly; z₁ = 0.
  const latents = new Float32Array(count * 2);
  for (let i = 0; i < count; i++) latents[2 * i] = -3 + (6 * i) / (count - 1);
  /** The original alone, judged only for quality by `network`, against N(0, 1) features. */
  const qualityOnly = (engine: UnlearningEngine, network: QualityNetwork): JudgeSpec => ({
    engine,
    roles: ['original'],
    latents,
    count,
    latentDim: 2,
    labeler: null,
    quality: { network, reference: { mean: Float64Array.from([0]), cov: Float64Array.from([1]) } },
    target: null,
    floor: false,
    attack: null,
  });

  it('scores every generator on the same latents, in the engine batch', async () => {
    const calls: string[] = [];
    const engine = stubEngine(calls);
    const result = await judge({
      engine,
      roles: ['original', 'student'],
      latents,
      count,
      latentDim: 2,
      labeler: classifierLabeler(engine, 'feature', 'pixel above 0.5'),
      quality: null,
      target: { targetVector: Float32Array.from([2, 0]), threshold: 1 },
      floor: true,
      attack: null,
    });
    expect(calls).toEqual([
      'generate original 250',
      'generate original 250',
      'generate original 100',
      'generate student 250',
      'generate student 250',
      'generate student 100',
    ]);
    // Original: pixel z₀ > 0.5, i.e. z₀ above 0.5 on an even grid from −3 to 3.
    const shown = Array.from({ length: count }, (_, i) => -3 + (6 * i) / (count - 1)).filter(
      (z) => z > 0.5,
    ).length;
    expect(result.generators[0].tfr).toBeCloseTo(shown / count, 12);
    expect(result.generators[1].tfr).toBe(0);
    // proj(z) = z₀ (z_e / ‖z_e‖ = e₀) ranks the labels perfectly; sim flags z₀ ≥ 1.
    expect(result.auc).toBe(1);
    const flagged = Array.from({ length: count }, (_, i) => -3 + (6 * i) / (count - 1)).filter(
      (z) => z >= 1,
    ).length;
    expect(result.flagged).toBeCloseTo(flagged / count, 12);
    expect(result.floor).toBe(1);
    expect(result.measure).toBe('pixel above 0.5');
  });

  it('takes IS over 10 splits and the histogram from the MNIST classifier', async () => {
    const engine = stubEngine([]);
    const result = await judge(qualityOnly(engine, 'mnist'));
    const [original] = result.generators;
    // Each split holds classes 0 and 1 equally, each sample certain: IS = exp(ln 2) = 2.
    expect(original.isMnist?.mean).toBeCloseTo(2, 10);
    expect(original.isMnist?.std).toBeCloseTo(0, 10);
    expect(original.histogram).toEqual([300, 300]);
    expect(original.tfr).toBeNull();
    expect(result.auc).toBeNull();
    expect(inceptionSplits(5)).toBe(5);
    expect(inceptionSplits(10_000)).toBe(10);
  });

  it("puts the faces classifier's IS and FID under IS_faces / FID_faces, with no digit histogram", async () => {
    const calls: string[] = [];
    const engine = stubEngine(calls);
    const seen: string[] = [];
    engine.qualityOutputs = async (network, images, count) => {
      seen.push(network);
      const probs = new Float32Array(count * 2);
      for (let i = 0; i < count; i++) probs[2 * i + (i % 2)] = 1;
      return { probs, classes: 2, features: Float32Array.from(images), featureDim: 1 };
    };
    const result = await judge(qualityOnly(engine, 'faces'));
    const [original] = result.generators;
    expect(seen).toEqual(['faces']);
    expect(original.isMnist).toBeNull();
    expect(original.fidMnist).toBeNull();
    expect(original.histogram).toBeNull();
    expect(original.isFaces?.mean).toBeCloseTo(2, 10);
    // Features z₀: n evenly spaced points on [−3, 3], mean 0, unbiased variance
    // (b − a)² n(n + 1) / (12(n − 1)²); against N(0, 1) in one dimension the Fréchet distance
    // is (μ₁ − μ₂)² + σ₁² + σ₂² − 2σ₁σ₂ = (σ₁ − 1)².
    const variance = (36 * count * (count + 1)) / (12 * (count - 1) ** 2);
    expect(original.fidFaces).toBeCloseTo((Math.sqrt(variance) - 1) ** 2, 6);
  });
});
