import type { UnlearnOptions } from '../core/options';
import type { OutputRange } from '../models/image-range';
import type { ImageShape } from '../models/image-shape';
import type { GeneratorBytes, ModelJson } from '../models/bytes';

export type { GeneratorBytes, ModelJson };
import type { TargetDiagnostics } from '../train/unlearn/target';
import type { RunSummary, UnlearnCheckpoint, UnlearnProgress } from '../train/unlearn/session';
import type { ClassifierOutputs } from '../train/metrics';
import type { AttackOptions, AttackResult } from '../train/attack';
import type { BackendChoice, BackendName } from './backend-request';
import type { SelfTestResult } from './self-test';
import type { GeneratorReport } from '../models/inspect';

export type {
  GeneratorReport,
  AttackOptions,
  AttackResult,
  BackendChoice,
  BackendName,
  ClassifierOutputs,
  SelfTestResult,
  UnlearnCheckpoint,
};

/** Which generator: f, the session's g_θ, or a g_θ imported from a file. */
export type GeneratorRole = 'original' | 'student' | 'imported';

/**
 * The classifier that stands in for Inception: `mnist` (IS_mnist, FID_mnist) or `faces`
 * (IS_faces, FID_faces), with outputs `[logits, features, …]`.
 */
export type QualityNetwork = 'mnist' | 'faces';

/**
 * Which classifier: a quality classifier (IS and FID), the feature classifiers h_a / h_b of the
 * attack, or `feature`: the one that says what counts as the feature (a user's own, or a shipped
 * attribute classifier).
 */
export type ClassifierRole = QualityNetwork | 'featureA' | 'featureB' | 'feature';

/** A generator as bytes: what `models/<id>/` holds, or what the app keeps in IndexedDB. */
export interface GeneratorSource {
  id: string;
  /** Parsed model.json (TF.js layers format). */
  modelJson: ModelJson;
  /** The weights.bin bytes. */
  weights: ArrayBuffer;
  latentDim: number;
  outputRange: OutputRange;
}

/** What the engine read from a loaded generator. */
export interface GeneratorInfo {
  latentDim: number;
  /** One image of its output [H, W, C]. */
  imageShape: ImageShape;
  outputRange: OutputRange;
  /** Trainable and frozen weights, counted. */
  parameters: number;
}

export type { ImageShape };

/** Plain-data input for a new unlearning session (no tensors: it may cross postMessage). */
export interface SessionRequest {
  /** [N · latentDim] collected latents, the pool. */
  pool: Float32Array;
  /** [N] 1 = shows the feature. */
  isPositive: Uint8Array;
  /** [P · latentDim] fixed preview latents. */
  previewLatents: Float32Array;
  options: UnlearnOptions;
}

/** Before/after unitImages [P · H · W · C] of the preview latents and their sim flags [P]. */
export interface PreviewImages {
  original: Float32Array;
  student: Float32Array;
  flagged: Uint8Array;
}

export interface EngineInfo {
  backend: string;
  numTensors: number;
  numBytes: number;
}

/**
 * The one interface the UI and the CLI drive: in-process (Node, tests, the worker's inside) or
 * through a Web Worker. Only plain data crosses it: typed arrays, numbers, strings.
 */
export interface UnlearningEngine {
  info(): Promise<EngineInfo>;
  /**
   * Chooses the TF.js backend (`forced`, else the automatic order) where the engine runs and says
   * which and why; `unavailable` lists backends the page already knows are missing (a page
   * without navigator.gpu), with the reason. In Node it reports the backend the host set.
   */
  init(
    forced?: BackendName | null,
    unavailable?: Partial<Record<BackendName, string>>,
  ): Promise<BackendChoice>;
  /** Known-answer checks of the backend, then forward and gradient of the loaded generator. */
  selfTest(): Promise<SelfTestResult[]>;
  /**
   * Checks a user's generator (builds it, reads its latent size and image shape, its weights
   * and a few of its samples) and says what it is; keeps nothing loaded.
   *
   * @throws ModelCheckError with a plain reason.
   */
  inspectGenerator(bytes: GeneratorBytes): Promise<GeneratorReport>;
  /** Loads a user's feature classifier `[H, W, C] → logit` for the loaded generator's images. */
  loadFeatureClassifier(bytes: GeneratorBytes): Promise<void>;
  /** Loads a classifier (model.json + weights.bin bytes) for evaluation or the attack. */
  loadClassifier(role: ClassifierRole, bytes: GeneratorBytes): Promise<void>;
  /**
   * Softmax probabilities of the first head and penultimate features of unitImages
   * [count · H · W · C] under quality classifier `network`.
   */
  qualityOutputs(
    network: QualityNetwork,
    unitImages: Float32Array,
    count: number,
  ): Promise<ClassifierOutputs>;
  /** Logits [count] of a one-logit classifier (`[H, W, C] → logit`) on unitImages. */
  classifierLogits(
    role: ClassifierRole,
    unitImages: Float32Array,
    count: number,
  ): Promise<Float32Array>;
  /**
   * Loads a g_θ from a file to compare against f. Throws with a clear message when its latent
   * size or output shape differs from f's, or a weight is NaN or infinite.
   */
  loadImported(bytes: GeneratorBytes): Promise<void>;
  /** PGD attack (Algorithm 1) on `which` with h_a, judged by h_b, in batches of latents. */
  attack(
    which: GeneratorRole,
    latents: Float32Array,
    options: AttackOptions,
  ): Promise<AttackResult>;
  /** Student weights, Adam state and step of the session: plain data, to resume elsewhere. */
  checkpoint(): Promise<UnlearnCheckpoint>;
  /** Continues the session from a checkpoint (same generator and request). */
  restore(checkpoint: UnlearnCheckpoint): Promise<void>;
  /** Loads the generator f that sessions start from; replaces any earlier one. */
  loadGenerator(source: GeneratorSource): Promise<GeneratorInfo>;
  /** unitImages [n · H · W · C] of f (or the session's g_θ) for latents [n · latentDim]. */
  generate(latents: Float32Array, which?: GeneratorRole): Promise<Float32Array>;
  /**
   * The targets a perfect student would output, unitImages [n · H · W · C]: f(ẑ) where sim flags z,
   * f(z) elsewhere. Their TFR is the floor a run can reach with this target.
   */
  targets(latents: Float32Array): Promise<Float32Array>;
  /** z_e, t and diagnostics from tagged latents, without starting anything. */
  findTarget(
    latents: Float32Array,
    isPositive: Uint8Array,
    options: UnlearnOptions,
  ): Promise<TargetDiagnostics>;
  /** Starts a session (disposes an earlier one) and returns its target diagnostics. */
  startSession(request: SessionRequest): Promise<TargetDiagnostics>;
  /** Trains the session; progress arrives through `onProgress` every `progressEvery` steps. */
  run(
    opts: { totalSteps?: number; progressEvery?: number },
    onProgress?: (p: UnlearnProgress) => void,
  ): Promise<RunSummary>;
  pause(): Promise<void>;
  resume(): Promise<void>;
  stop(): Promise<void>;
  preview(): Promise<PreviewImages>;
  /** The student g_θ as model.json + weights.bin bytes. */
  exportStudent(): Promise<GeneratorBytes>;
  /** Disposes the session and the generator. */
  dispose(): Promise<void>;
}
