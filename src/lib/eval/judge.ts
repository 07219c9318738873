/**
 * The one judge path (docs/method.md, "Evaluation"): the app and the CLI both call
 * {@link judge} with an engine and the same evaluation latents, so they report the same target
 * feature ratio, IS and FID (IS_mnist / FID_mnist, or IS_faces / FID_faces), out-of-sample
 * ROC-AUC, floor and attack. The engine generates and
 * classifies; the numbers are computed here, in plain arithmetic, without TF.js.
 */
import type { GaussianStatsValue } from '../core/fid';
import { projection } from '../core/target-vector';
import { rocAuc } from '../core/roc';
import { joinArrays } from '../core/arrays';
import type {
  ClassifierRole,
  GeneratorRole,
  QualityNetwork,
  UnlearningEngine,
} from '../engine/types';
import { digitHistogram, frechetDistanceOf, inceptionScoreOf, shareOf } from './scores';

/** Says which samples show the feature: the Morpho measure, a feature classifier, … */
export interface FeatureLabeler {
  /** In words, for reports: e.g. "Morpho-MNIST thickness above the 90th percentile". */
  readonly name: string;
  /** 1 where sample i of unitImages [count · H · W · C] shows the feature. */
  labels(
    unitImages: Float32Array,
    count: number,
    onProgress?: (done: number) => void,
  ): Promise<Uint8Array>;
}

/** What to judge, and with what. */
export interface JudgeSpec {
  engine: UnlearningEngine;
  /** The generators to score, e.g. ['original', 'student']. */
  roles: readonly GeneratorRole[];
  /** Evaluation latents [count · latentDim], from the run seed's `evaluation` stream. */
  latents: Float32Array;
  count: number;
  latentDim: number;
  /** What counts as the feature; null: no TFR (the page lets a person count instead). */
  labeler: FeatureLabeler | null;
  /**
   * IS and FID with the engine's quality classifier of `network` (`mnist`: IS_mnist / FID_mnist
   * and the digit histogram; `faces`: IS_faces / FID_faces) against `reference`, the feature
   * statistics of that data set's held-out images; null: skip.
   */
  quality: { network: QualityNetwork; reference: GaussianStatsValue } | null;
  /** The target, for the share it flags and the out-of-sample ROC-AUC of its projection. */
  target: { targetVector: Float32Array; threshold: number } | null;
  /** Also the TFR of the composite targets a perfect student would output (needs a session). */
  floor: boolean;
  /**
   * The PGD attack (Algorithm 1) from these latents, judged by the engine's h_b; η is
   * `stepSize` (default 2.5ε / steps); null: skip.
   */
  attack: { latents: Float32Array; epsilon: number; steps: number; stepSize?: number } | null;
  onProgress?: (text: string) => void;
}

/** The numbers of one generator on the evaluation samples. */
export interface GeneratorScores {
  which: GeneratorRole;
  /** Target feature ratio in [0, 1]; null without a labeler. */
  tfr: number | null;
  isMnist: { mean: number; std: number } | null;
  fidMnist: number | null;
  /** IS over the faces classifier's hair style / head wear head (docs/method.md). */
  isFaces: { mean: number; std: number } | null;
  /** FID on the faces classifier's features against the held-out faces. */
  fidFaces: number | null;
  /** Samples per digit class, by the MNIST classifier. */
  histogram: number[] | null;
  /** h_b's feature rate before and after the PGD attack. */
  attack: { before: number; after: number } | null;
}

/** A whole judgement. */
export interface Judgement {
  count: number;
  generators: GeneratorScores[];
  /** ROC-AUC of proj(z) on the evaluation latents against the original's labels (Table 5). */
  auc: number | null;
  /** Share of the evaluation latents the target flags (sim = 1). */
  flagged: number | null;
  /** TFR of the composite targets: the lowest a run with this target can reach. */
  floor: number | null;
  /** The labeler's name, or null. */
  measure: string | null;
}

/** Latents per generate call: the engine's own batch, so every caller batches alike. */
export const JUDGE_CHUNK = 250;

/** IS splits: 10, as in the paper's code, or one per sample for fewer than 10 samples. */
export function inceptionSplits(count: number): number {
  return Math.max(1, Math.min(10, count));
}

async function generateAll(spec: JudgeSpec, which: GeneratorRole): Promise<Float32Array> {
  const { engine, latents, count, latentDim } = spec;
  const parts: Float32Array[] = [];
  for (let start = 0; start < count; start += JUDGE_CHUNK) {
    const end = Math.min(count, start + JUDGE_CHUNK);
    spec.onProgress?.(`generating ${start} / ${count}`);
    parts.push(await engine.generate(latents.subarray(start * latentDim, end * latentDim), which));
  }
  return joinArrays(parts, (n) => new Float32Array(n));
}

async function scoreGenerator(
  spec: JudgeSpec,
  which: GeneratorRole,
): Promise<{ scores: GeneratorScores; labels: Uint8Array | null }> {
  const { engine, count } = spec;
  const say = (text: string): void => spec.onProgress?.(`${which}: ${text}`);
  const images = await generateAll({ ...spec, onProgress: say }, which);
  let labels: Uint8Array | null = null;
  if (spec.labeler !== null) {
    say('measuring the feature');
    labels = await spec.labeler.labels(images, count, (done) =>
      say(`measuring ${done} / ${count}`),
    );
  }
  const scores: GeneratorScores = {
    which,
    tfr: labels === null ? null : shareOf(labels),
    isMnist: null,
    fidMnist: null,
    isFaces: null,
    fidFaces: null,
    histogram: null,
    attack: null,
  };
  if (spec.quality !== null) {
    const { network, reference } = spec.quality;
    say(network === 'mnist' ? 'classifying digits' : 'classifying faces');
    const outputs = await engine.qualityOutputs(network, images, count);
    const is = inceptionScoreOf(outputs, count, inceptionSplits(count));
    const fid =
      reference.mean.length === outputs.featureDim && count >= 2
        ? frechetDistanceOf(outputs, count, reference)
        : null;
    if (network === 'mnist') {
      scores.isMnist = is;
      scores.fidMnist = fid;
      scores.histogram = digitHistogram(outputs, count);
    } else {
      scores.isFaces = is;
      scores.fidFaces = fid;
    }
  }
  if (spec.attack !== null) {
    say(`PGD attack, ${spec.attack.steps} steps`);
    const { latents, epsilon, steps, stepSize } = spec.attack;
    const result = await engine.attack(which, latents, { epsilon, steps, stepSize });
    scores.attack = { before: result.tfrBefore, after: result.tfrAfter };
  }
  return { scores, labels };
}

/**
 * Scores each generator of `spec.roles` on the same evaluation latents: TFR by the labeler,
 * IS and FID, the digit histogram (MNIST) and the attack; then, from the original's labels,
 * the out-of-sample ROC-AUC of the target's projection, the share it flags, and the floor.
 */
export async function judge(spec: JudgeSpec): Promise<Judgement> {
  const generators: GeneratorScores[] = [];
  let originalLabels: Uint8Array | null = null;
  for (const which of spec.roles) {
    const { scores, labels } = await scoreGenerator(spec, which);
    generators.push(scores);
    if (which === 'original') originalLabels = labels;
  }
  let auc: number | null = null;
  let flagged: number | null = null;
  if (spec.target !== null) {
    const { targetVector, threshold } = spec.target;
    const proj = projection(spec.latents, spec.latentDim, targetVector);
    flagged = shareOf(Array.from(proj, (p) => (p >= threshold ? 1 : 0)));
    const shown = originalLabels === null ? 0 : shareOf(originalLabels);
    if (originalLabels !== null && shown > 0 && shown < 1) auc = rocAuc(proj, originalLabels);
  }
  let floor: number | null = null;
  if (spec.floor && spec.labeler !== null) {
    spec.onProgress?.('the floor: targets a perfect student would draw');
    const targets = await spec.engine.targets(spec.latents);
    floor = shareOf(await spec.labeler.labels(targets, spec.count));
  }
  return {
    count: spec.count,
    generators,
    auc,
    flagged,
    floor,
    measure: spec.labeler?.name ?? null,
  };
}

/** A one-logit classifier loaded in the engine as the labeler: the feature is shown where logit > 0. */
export function classifierLabeler(
  engine: UnlearningEngine,
  role: ClassifierRole,
  name: string,
): FeatureLabeler {
  return {
    name,
    labels: async (unitImages, count) => {
      const logits = await engine.classifierLogits(role, unitImages, count);
      return Uint8Array.from(logits, (v) => (v > 0 ? 1 : 0));
    },
  };
}
