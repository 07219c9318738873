import type { UnlearningEngine, GeneratorRole } from '../../lib/engine/types';
import { frechetDistance, gaussianStats, type GaussianStatsValue } from '../../lib/core/fid';
import { inceptionScore } from '../../lib/core/inception-score';
import { featureRatio, type FeatureChoice, type MorphoClient } from '../workers/morpho-client';

/** The numbers of one generator on the judge's samples. */
export interface Judgement {
  which: GeneratorRole;
  /** Target feature ratio by the Morpho measure, in [0, 1]. */
  tfr: number;
  isMnist: number | null;
  fidMnist: number | null;
  /** Samples per digit class, by the mnist-classifier. */
  histogram: number[] | null;
  /** h_b's feature rate before and after the PGD attack (Algorithm 1). */
  attack: { before: number; after: number } | null;
}

export interface JudgeInput {
  engine: UnlearningEngine;
  morpho: MorphoClient;
  which: GeneratorRole;
  latents: Float32Array;
  count: number;
  feature: FeatureChoice;
  withMnist: boolean;
  reference: GaussianStatsValue | null;
  attack: { epsilon: number; steps: number } | null;
}

const CHUNK = 50;

/** Generates `count` samples in chunks (so progress shows), measures and scores them. */
export async function judgeGenerator(
  input: JudgeInput,
  onProgress: (text: string) => void,
): Promise<Judgement> {
  const { engine, count, latents } = input;
  const dim = latents.length / count;
  const images = new Float32Array(count * 784);
  for (let start = 0; start < count; start += CHUNK) {
    const end = Math.min(count, start + CHUNK);
    onProgress(`generating ${start} / ${count}`);
    images.set(
      await engine.generate(latents.subarray(start * dim, end * dim), input.which),
      start * 784,
    );
  }
  const measures = await input.morpho.measure(images, count, (done) =>
    onProgress(`measuring ${done} / ${count}`),
  );
  const tfr = featureRatio(measures, count, input.feature);
  let isMnist: number | null = null;
  let fidMnist: number | null = null;
  let histogram: number[] | null = null;
  if (input.withMnist) {
    onProgress('classifying digits');
    const out = await engine.mnistOutputs(images, count);
    isMnist = inceptionScore(
      out.probs,
      count,
      out.classes,
      Math.min(10, Math.max(1, Math.floor(count / 50))),
    ).mean;
    histogram = new Array<number>(out.classes).fill(0);
    for (let i = 0; i < count; i++) {
      let best = 0;
      for (let c = 1; c < out.classes; c++) {
        if (out.probs[i * out.classes + c] > out.probs[i * out.classes + best]) best = c;
      }
      histogram[best]++;
    }
    if (input.reference !== null && input.reference.mean.length === out.featureDim) {
      fidMnist = frechetDistance(
        gaussianStats(out.features, count, out.featureDim),
        input.reference,
      );
    }
  }
  let attack: Judgement['attack'] = null;
  if (input.attack !== null) {
    onProgress(`PGD attack, ${input.attack.steps} steps`);
    const n = Math.min(count, 100);
    const result = await engine.attack(input.which, latents.slice(0, n * dim), input.attack);
    attack = { before: result.tfrBefore, after: result.tfrAfter };
  }
  return { which: input.which, tfr, isMnist, fidMnist, histogram, attack };
}
