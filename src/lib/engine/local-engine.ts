import * as tf from '@tensorflow/tfjs';
import type { UnlearnOptions } from '../core/options';
import '../models/layers/index';
import { modelFromBytes, modelToBytes } from '../models/bytes';
import {
  classifierOutputs,
  generateUnitImages,
  oneLogitPerImage,
  type ClassifierOutputs,
} from '../train/metrics';
import { pgdAttack, type AttackOptions, type AttackResult } from '../train/attack';
import { generatorSelfTest, runSelfTest, type SelfTestResult } from './self-test';
import type { BackendChoice, BackendName } from './backend-request';
import { findTarget, type TargetDiagnostics } from '../train/unlearn/target';
import {
  RunControl,
  UnlearningSession,
  type RunSummary,
  type UnlearnCheckpoint,
  type UnlearnProgress,
} from '../train/unlearn/session';
import { SessionStateError } from '../train/unlearn/errors';
import { UnlearnProgram, unlearnProgramSpec } from '../train/unlearn/program';
import type { GradientSource, GradientSourceFactory } from '../train/data-parallel';
import { shapeText } from '../models/image-shape';
import {
  buildFeatureClassifier,
  buildUserModel,
  inspectGenerator,
  type GeneratorReport,
} from '../models/inspect';
import type {
  ClassifierRole,
  EngineInfo,
  GeneratorRole,
  GeneratorBytes,
  GeneratorInfo,
  GeneratorSource,
  ImageShape,
  PreviewImages,
  QualityNetwork,
  SessionRequest,
  UnlearningEngine,
} from './types';

/**
 * The image shape of a generator's single output [batch, H, W, C]: square, C = 1 or 3.
 *
 * @throws Error in plain words when the model draws something else.
 */
function outputImageShape(model: tf.LayersModel): ImageShape {
  const shape = model.outputs[0].shape;
  const [, h, w, c] = shape;
  if (
    model.outputs.length !== 1 ||
    shape.length !== 4 ||
    h === null ||
    w === null ||
    (c !== 1 && c !== 3)
  ) {
    throw new Error(
      `This generator does not draw images of height × width × 1 or 3 channels (its output is [${shape.slice(1).join(', ')}]).`,
    );
  }
  return { height: h, width: w, channels: c };
}

/** Latents per PGD batch in {@link LocalEngine.attack}. */
export const ATTACK_BATCH = 250;

/** Chooses and starts a TF.js backend; the worker injects the browser's (backend.ts). */
export type BackendChooser = (
  forced?: BackendName,
  unavailable?: Partial<Record<BackendName, string>>,
) => Promise<BackendChoice>;

/**
 * The engine in this thread: Node (CLI, tests) or inside the Web Worker. It owns the loaded
 * generator, the classifiers, an imported g_θ and at most one session. Without a
 * `chooseBackend`, the host must set the TF.js backend before use.
 */
export class LocalEngine implements UnlearningEngine {
  private readonly chooseBackend: BackendChooser | null;
  private readonly parallel: GradientSourceFactory | null;
  /** The workers the session's steps run on, when `parallel` was given. */
  private sessionSource: GradientSource | null = null;
  private readonly classifiers = new Map<ClassifierRole, tf.LayersModel>();
  private imported: tf.LayersModel | null = null;
  private source: GeneratorSource | null = null;
  private imageShape: ImageShape | null = null;
  private generator: tf.LayersModel | null = null;
  private session: UnlearningSession | null = null;
  private control: RunControl | null = null;
  private running: Promise<RunSummary> | null = null;
  /** True between the caller's pause() and resume(); a checkpoint's own hold leaves it false. */
  private pausedByUser = false;

  /**
   * @param options.parallel splits each unlearning step over workers (the Node CLI's pool);
   *   without it every step runs in this thread.
   */
  constructor(options: { chooseBackend?: BackendChooser; parallel?: GradientSourceFactory } = {}) {
    this.chooseBackend = options.chooseBackend ?? null;
    this.parallel = options.parallel ?? null;
  }

  async init(
    forced?: BackendName | null,
    unavailable?: Partial<Record<BackendName, string>>,
  ): Promise<BackendChoice> {
    if (this.chooseBackend !== null) return this.chooseBackend(forced ?? undefined, unavailable);
    await tf.ready();
    return {
      name: tf.getBackend() as BackendName,
      reasons: [],
      detail: 'set by the host',
      adapter: null,
      ms: 0,
    };
  }

  async selfTest(): Promise<SelfTestResult[]> {
    const results = await runSelfTest();
    if (this.generator !== null && this.source !== null) {
      results.push(await generatorSelfTest(this.generator, this.source.latentDim));
    }
    return results;
  }

  async inspectGenerator(bytes: GeneratorBytes): Promise<GeneratorReport> {
    return inspectGenerator(bytes);
  }

  async loadFeatureClassifier(bytes: GeneratorBytes): Promise<void> {
    const model = await buildFeatureClassifier(bytes, this.requireImageShape());
    this.classifiers.get('feature')?.dispose();
    this.classifiers.set('feature', model);
  }

  async loadClassifier(role: ClassifierRole, bytes: GeneratorBytes): Promise<void> {
    const model = await modelFromBytes(bytes.modelJson, bytes.weights);
    this.classifiers.get(role)?.dispose();
    this.classifiers.set(role, model);
  }

  async qualityOutputs(
    network: QualityNetwork,
    unitImages: Float32Array,
    count: number,
  ): Promise<ClassifierOutputs> {
    return classifierOutputs(this.requireClassifier(network), unitImages, count, 500);
  }

  async classifierLogits(
    role: ClassifierRole,
    unitImages: Float32Array,
    count: number,
  ): Promise<Float32Array> {
    return oneLogitPerImage(this.requireClassifier(role), unitImages, count, 250);
  }

  async loadImported(bytes: GeneratorBytes): Promise<void> {
    const { source } = this.requireGenerator();
    const model = await buildUserModel(bytes);
    try {
      const inDim = model.inputs[0].shape[1];
      const outShape = model.outputs[0].shape.slice(1).join('×');
      if (inDim !== source.latentDim) {
        throw new Error(
          `The imported generator takes latents of size ${inDim}; ${source.id} takes ${source.latentDim}.`,
        );
      }
      const baseShape = shapeText(this.requireImageShape());
      if (outShape !== baseShape) {
        throw new Error(`The imported generator draws ${outShape} images, not ${baseShape}.`);
      }
      for (const w of model.weights) {
        const values = await w.read().data();
        if (!values.every(Number.isFinite)) {
          throw new Error(`The imported weights hold NaN or infinite values (in ${w.name}).`);
        }
      }
    } catch (e) {
      model.dispose();
      throw e;
    }
    this.imported?.dispose();
    this.imported = model;
  }

  /**
   * PGD runs on at most {@link ATTACK_BATCH} latents at a time (every latent moves on its own,
   * so batching changes nothing but memory: 10,000 face latents at once would not fit); the
   * shares before and after are the batches' shares weighted by their sizes.
   */
  async attack(
    which: GeneratorRole,
    latents: Float32Array,
    options: AttackOptions,
  ): Promise<AttackResult> {
    const { source } = this.requireGenerator();
    const { latentDim } = source;
    const count = latents.length / latentDim;
    const attacked = new Float32Array(latents.length);
    let before = 0;
    let after = 0;
    for (let start = 0; start < count; start += ATTACK_BATCH) {
      const n = Math.min(ATTACK_BATCH, count - start);
      const part = await pgdAttack(
        this.model(which),
        source.outputRange,
        this.requireClassifier('featureA'),
        this.requireClassifier('featureB'),
        latents.subarray(start * latentDim, (start + n) * latentDim),
        latentDim,
        options,
      );
      attacked.set(part.attacked, start * latentDim);
      before += part.tfrBefore * n;
      after += part.tfrAfter * n;
    }
    return {
      attacked,
      tfrBefore: count === 0 ? 0 : before / count,
      tfrAfter: count === 0 ? 0 : after / count,
    };
  }

  /**
   * Between two steps of a running session (the run waits at its gate meanwhile), so the weights
   * and Adam's moments come from the same step and their reads do not queue behind more steps.
   */
  async checkpoint(): Promise<UnlearnCheckpoint> {
    const session = this.requireSession();
    return this.betweenSteps(() => session.checkpoint());
  }

  /** Runs `read` with the current run held at its gate, then lets it go on (unless paused). */
  private async betweenSteps<T>(read: () => Promise<T>): Promise<T> {
    const control = this.control;
    if (control === null || control.isPaused) return read();
    control.pause();
    try {
      return await read();
    } finally {
      if (!this.pausedByUser) control.resume();
    }
  }

  async restore(checkpoint: UnlearnCheckpoint): Promise<void> {
    await this.requireSession().restore(checkpoint);
  }

  async info(): Promise<EngineInfo> {
    const memory = tf.memory();
    return { backend: tf.getBackend(), numTensors: memory.numTensors, numBytes: memory.numBytes };
  }

  async loadGenerator(source: GeneratorSource): Promise<GeneratorInfo> {
    const model = await modelFromBytes(source.modelJson, source.weights);
    const inputShape = model.inputs[0].shape;
    let imageShape: ImageShape;
    try {
      if (inputShape[1] !== source.latentDim) {
        throw new Error(
          `Model ${source.id} takes latents of size ${inputShape[1]}, its manifest says ${source.latentDim}.`,
        );
      }
      imageShape = outputImageShape(model);
    } catch (e) {
      model.dispose();
      throw e;
    }
    await this.disposeSession();
    this.generator?.dispose();
    this.generator = model;
    this.source = source;
    this.imageShape = imageShape;
    return {
      latentDim: source.latentDim,
      imageShape,
      outputRange: source.outputRange,
      parameters: model.countParams(),
    };
  }

  async generate(latents: Float32Array, which: GeneratorRole = 'original'): Promise<Float32Array> {
    if (which === 'student') return this.requireSession().generate('student', latents);
    const { source } = this.requireGenerator();
    const count = latents.length / source.latentDim;
    return generateUnitImages(
      this.model(which),
      latents,
      count,
      source.latentDim,
      source.outputRange,
      250,
    );
  }

  async targets(latents: Float32Array): Promise<Float32Array> {
    return this.requireSession().compositeTargets(latents);
  }

  async findTarget(
    latents: Float32Array,
    isPositive: Uint8Array,
    options: UnlearnOptions,
  ): Promise<TargetDiagnostics> {
    const { source } = this.requireGenerator();
    return findTarget(latents, source.latentDim, isPositive, options);
  }

  async startSession(request: SessionRequest): Promise<TargetDiagnostics> {
    const { source } = this.requireGenerator();
    const diagnostics = findTarget(
      request.pool,
      source.latentDim,
      request.isPositive,
      request.options,
    );
    await this.disposeSession();
    // The session owns and disposes its f, so it gets a copy loaded from the same bytes.
    const original = await modelFromBytes(source.modelJson, source.weights);
    this.session = await UnlearningSession.create({
      original,
      outputRange: source.outputRange,
      latentDim: source.latentDim,
      target: diagnostics,
      pool: request.pool,
      previewLatents: request.previewLatents,
      options: request.options,
    });
    if (this.parallel !== null) {
      const program = new UnlearnProgram(this.session);
      this.sessionSource = await this.parallel(
        program,
        unlearnProgramSpec(this.session, request.pool),
        null,
      );
      this.session.useGradientSource(this.sessionSource);
    }
    return diagnostics;
  }

  async run(
    opts: { totalSteps?: number; progressEvery?: number },
    onProgress?: (p: UnlearnProgress) => void,
  ): Promise<RunSummary> {
    const session = this.requireSession();
    if (this.running !== null) throw new SessionStateError('A run is already going.');
    this.control = new RunControl();
    this.pausedByUser = false;
    this.running = session.run({ ...opts, onProgress, control: this.control });
    try {
      return await this.running;
    } finally {
      this.control = null;
      this.running = null;
    }
  }

  async pause(): Promise<void> {
    this.pausedByUser = true;
    this.control?.pause();
  }

  async resume(): Promise<void> {
    this.pausedByUser = false;
    this.control?.resume();
  }

  async stop(): Promise<void> {
    this.control?.stop();
  }

  async preview(): Promise<PreviewImages> {
    const session = this.requireSession();
    return this.betweenSteps(() => session.preview());
  }

  async exportStudent(): Promise<GeneratorBytes> {
    return modelToBytes(this.requireSession().studentModel);
  }

  async dispose(): Promise<void> {
    await this.disposeSession();
    this.generator?.dispose();
    this.generator = null;
    this.source = null;
    this.imported?.dispose();
    this.imported = null;
    for (const model of this.classifiers.values()) model.dispose();
    this.classifiers.clear();
  }

  /** The model behind a role, borrowed. */
  private model(which: GeneratorRole): tf.LayersModel {
    if (which === 'student') return this.requireSession().studentModel;
    if (which === 'imported') {
      if (this.imported === null) throw new SessionStateError('No generator was imported.');
      return this.imported;
    }
    return this.requireGenerator().generator;
  }

  private requireClassifier(role: ClassifierRole): tf.LayersModel {
    const model = this.classifiers.get(role);
    if (model === undefined) {
      throw new SessionStateError(`The ${role} classifier is not loaded (is it in models/?).`);
    }
    return model;
  }

  /** Stops a run in progress, waits for it to settle, then frees the session. */
  private async disposeSession(): Promise<void> {
    this.control?.stop();
    await this.running?.catch(() => undefined);
    await this.sessionSource?.dispose();
    this.sessionSource = null;
    this.session?.dispose();
    this.session = null;
  }

  private requireGenerator(): { generator: tf.LayersModel; source: GeneratorSource } {
    if (this.generator === null || this.source === null) {
      throw new SessionStateError('No generator is loaded yet: load a model first.');
    }
    return { generator: this.generator, source: this.source };
  }

  private requireImageShape(): ImageShape {
    if (this.imageShape === null) throw new SessionStateError('No generator is loaded yet.');
    return this.imageShape;
  }

  private requireSession(): UnlearningSession {
    if (this.session === null) {
      throw new SessionStateError('No unlearning session: tag samples and start one first.');
    }
    return this.session;
  }
}
