import type { ModelEntry, ModelIndex } from '../../lib/models/manifest';
import type { ModelJson } from '../../lib/models/bytes';
import type { WorkerEngine } from '../../lib/engine/worker-client';
import type {
  BackendChoice,
  BackendName,
  GeneratorBytes,
  PreviewImages,
  SelfTestResult,
  UnlearnCheckpoint,
} from '../../lib/engine/types';
import { backendRequestFromSearch } from '../../lib/engine/backend-request';
import type { TargetDiagnostics } from '../../lib/train/unlearn/target';
import type { StepLosses, UnlearnProgress } from '../../lib/train/unlearn/session';
import {
  DEFAULT_UNLEARN_OPTIONS,
  resolveOptions,
  withOption,
  type OptionKey,
  type OptionValue,
  type UnlearnOptions,
} from '../../lib/core/options';
import { projection } from '../../lib/core/target-vector';
import { rocAuc } from '../../lib/core/roc';
import { streamLatents } from '../../lib/core/seed-streams';
import { startEngineWorker } from './engine-host';
import { TagBoard } from './tag-board.svelte';
import {
  deleteCachedFiles,
  listCachedFiles,
  loadModelFiles,
  loadModelIndex,
  type CachedFile,
  type DownloadProgress,
} from './model-files';
import {
  MorphoClient,
  featureFlags,
  featureRatio,
  type FeatureChoice,
} from '../workers/morpho-client';
import { taggedIndices, tagsFromIndices } from '../logic/tag-selection';
import {
  formatRecipe,
  isRecipeHash,
  parseRecipe,
  reproduced,
  type Recipe,
} from '../../lib/core/recipe';
import { packContainer, unpackContainer, type ContainerManifest } from '../logic/container';
import { getState, setState } from './storage';
import { judgeGenerator, type Judgement } from './judge';

/** App version written into exports. */
export const APP_VERSION = '0.1.0';

/** Where the page is in the flow. */
export type Stage = 'starting' | 'choose' | 'loading' | 'warming' | 'ready' | 'failed';

/** Number of fixed latents in the live before/after grids. */
export const PREVIEW_COUNT = 32;

/** Presets: the features of the paper's MNIST experiments. */
export const PRESETS: Readonly<Record<string, FeatureChoice & { label: string }>> = {
  thick: { feature: 'thickness', slantSide: 'left', label: 'thick strokes' },
  left: { feature: 'slant', slantSide: 'left', label: 'left slant' },
};

/** One point of the loss curves. */
export interface LossPoint extends StepLosses {
  step: number;
}

/** A run's live state. */
export interface RunView {
  status: 'idle' | 'starting' | 'running' | 'paused' | 'stopped' | 'done' | 'failed';
  step: number;
  totalSteps: number;
  stepsPerSecond: number;
  etaSeconds: number;
  history: LossPoint[];
  /** TFR of the preview's student images, by step. */
  tfr: { step: number; value: number }[];
}

/** What a person can do after a failure of the engine mid-run. */
export interface Recovery {
  message: string;
  checkpointStep: number;
  backends: BackendName[];
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The whole playground: engine worker, model, tags, target, run, judgement, share. Components read
 * its $state fields (plain numbers and typed arrays) and call its methods.
 */
export class Playground {
  stage: Stage = $state('starting');
  /** True once a backend runs and passed (or finished) its known-answer self-test. */
  engineReady = $state(false);
  status = $state('Starting the engine…');
  error: string | null = $state(null);
  warning: string | null = $state(null);
  forced: BackendName | null = $state(null);
  backend: BackendChoice | null = $state.raw(null);
  selfTest: SelfTestResult[] = $state.raw([]);

  index: ModelIndex | null = $state.raw(null);
  offline = $state(false);
  modelId: string | null = $state(null);
  download: DownloadProgress | null = $state.raw(null);
  cached: CachedFile[] = $state.raw([]);

  readonly tags = new TagBoard();
  feature: keyof typeof PRESETS = $state('thick');
  tagging = $state<string | null>(null);

  options: UnlearnOptions = $state.raw(resolveOptions({ batchSize: 8, steps: 30 }));
  target: TargetDiagnostics | null = $state.raw(null);
  targetError: string | null = $state(null);
  morphoAuc: number | null = $state(null);
  /** Why there is no Morpho AUC, once it was tried; null while computing or when there is one. */
  morphoAucNote: string | null = $state(null);
  walk: Float32Array | null = $state.raw(null);

  run: RunView = $state.raw(idleRun());
  preview: PreviewImages | null = $state.raw(null);
  recovery: Recovery | null = $state.raw(null);
  /** Step of the last checkpoint the page holds (g_θ + Adam state), to resume after a crash. */
  checkpointStep: number | null = $state(null);
  /** After a recovery: the backend the run moved to and the checkpoint step it resumed from. */
  resumed: { backend: BackendName; step: number } | null = $state.raw(null);

  judgeCount = $state(200);
  judgeProgress = $state('');
  judged: { original: Judgement; student: Judgement | null; imported: Judgement | null } | null =
    $state.raw(null);
  attackEpsilon = $state(0.3);
  attackSteps = $state(5);

  imported: ContainerManifest | null = $state.raw(null);
  importedImages: Float32Array | null = $state.raw(null);
  importError: string | null = $state(null);
  recipe: Recipe | null = $state.raw(null);
  recipeError: string | null = $state(null);
  replayVerdict: string | null = $state(null);
  exportUrl: string | null = $state(null);

  private engine: WorkerEngine | null = null;
  private terminate: (() => void) | null = null;
  private crash: ((message: string) => void) | null = null;
  // Not reactive on purpose: raw model bytes, never drawn.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private files = new Map<string, ArrayBuffer>();
  private readonly morpho = new MorphoClient();
  private lastRequest: { pool: Float32Array; isPositive: Uint8Array } | null = null;
  private lastCheckpoint: UnlearnCheckpoint | null = null;
  private reports = 0;

  readonly entry = $derived(this.index?.models.find((m) => m.id === this.modelId) ?? null);
  readonly generators = $derived(this.index?.models.filter((m) => m.kind === 'generator') ?? []);

  /** The preview's fixed latents [PREVIEW_COUNT · latentDim]: a seed apart from the grid. */
  previewLatents(): Float32Array {
    return streamLatents(this.tags.seed, 'preview', PREVIEW_COUNT, this.tags.latentDim);
  }

  /** Reads `?backend=` and the recipe hash, starts the worker, loads the model list. */
  async start(search: string, hash: string): Promise<void> {
    const request = backendRequestFromSearch(search);
    if (request.kind === 'invalid') this.warning = request.message;
    this.forced = request.kind === 'forced' ? request.name : null;
    if (isRecipeHash(hash)) {
      try {
        this.recipe = parseRecipe(hash);
      } catch (error) {
        this.recipeError = errorText(error);
      }
    }
    const saved = await getState<Partial<UnlearnOptions>>('options');
    if (saved !== undefined && this.recipe === null) {
      try {
        this.options = resolveOptions(saved);
      } catch {
        // Saved settings from an older version: keep the defaults.
      }
    }
    if (this.recipe !== null) this.options = this.recipe.options;

    try {
      await this.startEngine(this.forced);
      this.status = 'Loading the model list…';
      try {
        const { index, offline } = await loadModelIndex();
        this.index = index;
        this.offline = offline;
      } catch (error) {
        this.stage = 'choose';
        this.status = 'No models to load.';
        this.warning = errorText(error);
        return;
      }
      await this.refreshCache();
      const wanted = this.recipe?.model ?? (await getState<string>('model'));
      const pick = this.generators.find((m) => m.id === wanted) ?? null;
      if (this.recipe !== null && pick === null) {
        this.recipeError = `The recipe asks for model "${this.recipe.model}", which this site does not ship.`;
      }
      if (
        pick !== null &&
        (this.recipe !== null || this.cached.some((f) => f.path.startsWith(`${pick.id}/`)))
      ) {
        await this.loadModel(pick.id);
      } else {
        this.stage = 'choose';
        this.status =
          this.generators.length === 0 ? 'No generator is shipped in models/.' : 'Pick a model.';
      }
    } catch (error) {
      this.fail(errorText(error));
    }
  }

  private async startEngine(forced: BackendName | null): Promise<void> {
    this.terminate?.();
    const { engine, terminate, crash } = startEngineWorker((message) => this.onCrash(message));
    this.engine = engine;
    this.terminate = terminate;
    this.crash = crash;
    this.stage = 'starting';
    this.status = 'Choosing a backend inside the engine worker…';
    // A page without navigator.gpu has none in its workers either; say so in the page's words.
    const pageGpu = (navigator as { gpu?: unknown }).gpu;
    const unavailable: Partial<Record<BackendName, string>> =
      pageGpu === undefined
        ? { webgpu: 'navigator.gpu is missing (needs a secure context and a browser with WebGPU)' }
        : {};
    this.backend = await engine.init(forced, unavailable);
    this.status = `Self-test of ${this.backend.name}…`;
    this.selfTest = await engine.selfTest();
    this.engineReady = true;
  }

  private requireEngine(): WorkerEngine {
    if (this.engine === null) throw new Error('The engine is not started.');
    return this.engine;
  }

  private fail(message: string): void {
    this.error = message;
    this.stage = 'failed';
    this.status = 'Something went wrong; see the message below.';
  }

  async refreshCache(): Promise<void> {
    this.cached = await listCachedFiles().catch(() => []);
  }

  async deleteCache(prefix: string): Promise<void> {
    await deleteCachedFiles(prefix);
    await this.refreshCache();
  }

  /** Downloads (or reads from IndexedDB) the model, loads it into the engine, runs the self-test. */
  async loadModel(id: string): Promise<void> {
    const entry = this.generators.find((m) => m.id === id);
    if (entry === undefined) return;
    this.error = null;
    this.modelId = id;
    this.stage = 'loading';
    this.status = `Loading ${id}…`;
    try {
      this.files = await loadModelFiles(
        entry,
        (p) => (this.download = p),
        (w) => (this.warning = w),
      );
      await this.refreshCache();
      await setState('model', id, 'the model choice').catch(() => undefined);
      this.stage = 'warming';
      this.status = `Preparing the ${this.backend?.name ?? ''} backend: self-test of ${id} (forward and gradient)…`;
      const engine = this.requireEngine();
      await engine.loadGenerator(this.source(entry));
      this.selfTest = await engine.selfTest();
      if (!this.selfTest.every((r) => r.ok)) {
        this.warning = `The ${this.backend?.name} backend failed part of its self-test; results may be wrong. Try another backend.`;
      }
      await this.loadClassifiers(entry);
      const seed = this.options.seed;
      const count = this.recipe?.count ?? 500;
      await this.tags.open(id, entry.latentDim ?? 0, seed, count);
      if (this.recipe !== null) this.tags.setAll(tagsFromIndices(this.recipe.tags, count), false);
      await this.showPage(0);
      this.stage = 'ready';
      this.status = `${id} is ready on ${this.backend?.name}. Tag the samples that show the feature.`;
    } catch (error) {
      this.fail(errorText(error));
    }
  }

  private source(entry: ModelEntry): {
    id: string;
    modelJson: ModelJson;
    weights: ArrayBuffer;
    latentDim: number;
    outputRange: 'tanh' | 'unit';
  } {
    const bytes = this.bytesOf(entry);
    return {
      id: entry.id,
      ...bytes,
      latentDim: entry.latentDim ?? 0,
      outputRange: entry.outputRange ?? 'tanh',
    };
  }

  private bytesOf(entry: ModelEntry): GeneratorBytes {
    const jsonFile = entry.files.find((f) => f.path.endsWith('model.json'));
    const binFile = entry.files.find((f) => f.path.endsWith('.bin'));
    const json = jsonFile && this.files.get(jsonFile.path);
    const weights = binFile && this.files.get(binFile.path);
    if (json === undefined || weights === undefined) {
      throw new Error(`${entry.id} lacks model.json or weights.bin in models/index.json.`);
    }
    return { modelJson: JSON.parse(new TextDecoder().decode(json)) as ModelJson, weights };
  }

  /** Loads the judge's classifiers when the site ships them; missing ones only hide a metric. */
  private async loadClassifiers(generator: ModelEntry): Promise<void> {
    void generator;
    const feature = PRESETS[this.feature].feature;
    const wanted: [string, 'mnist' | 'featureA' | 'featureB'][] = [
      ['mnist-classifier', 'mnist'],
      [`feature-${feature}-a`, 'featureA'],
      [`feature-${feature}-b`, 'featureB'],
    ];
    for (const [id, role] of wanted) {
      const entry = this.index?.models.find((m) => m.id === id);
      if (entry === undefined) continue;
      try {
        const files = await loadModelFiles(
          entry,
          () => undefined,
          (w) => (this.warning = w),
        );
        for (const [k, v] of files) this.files.set(k, v);
        await this.requireEngine().loadClassifier(role, this.bytesOf(entry));
      } catch (error) {
        this.warning = `${id} could not be loaded (${errorText(error)}); the metrics that need it are hidden.`;
      }
    }
  }

  hasClassifier(id: string): boolean {
    return this.index?.models.some((m) => m.id === id) ?? false;
  }

  async showPage(page: number): Promise<void> {
    this.tags.goToPage(page);
    const { pageStart, pageCount } = this.tags;
    this.tags.pageImages = null;
    this.tags.pageImages = await this.requireEngine().generate(
      this.tags.latents(pageStart, pageCount),
    );
  }

  /** "Tag for me": the Morpho-MNIST measure plays a person and tags every sample of the grid. */
  async tagForMe(): Promise<void> {
    const engine = this.requireEngine();
    const count = this.tags.count;
    this.tagging = `Generating ${count} samples…`;
    try {
      const images = await engine.generate(this.tags.allLatents());
      const measures = await this.morpho.measure(images, count, (done) => {
        this.tagging = `Measuring with Morpho-MNIST: ${done} / ${count}…`;
      });
      this.tags.setAll(featureFlags(measures, count, PRESETS[this.feature]), true);
    } catch (error) {
      this.error = errorText(error);
    } finally {
      this.tagging = null;
    }
  }

  /** z_e, t and their diagnostics, ROC-AUC against the Morpho measure, and a latent walk. */
  async inspect(): Promise<void> {
    const engine = this.requireEngine();
    this.targetError = null;
    this.target = null;
    this.walk = null;
    this.morphoAuc = null;
    this.morphoAucNote = null;
    const latents = this.tags.allLatents();
    try {
      this.target = await engine.findTarget(latents, this.tags.tags, this.options);
    } catch (error) {
      this.targetError = `${errorText(error)} Your tags are kept; tag some more and try again.`;
      return;
    }
    const dim = this.tags.latentDim;
    const zE = this.target.targetVector;
    const norm = Math.hypot(...zE);
    const steps = [-3, -2, -1, 0, 1, 2, 3];
    const base = this.previewLatents().slice(0, dim);
    const walk = new Float32Array(steps.length * dim);
    steps.forEach((k, i) => {
      for (let d = 0; d < dim; d++) walk[i * dim + d] = base[d] + (k * zE[d]) / norm;
    });
    this.walk = await engine.generate(walk);
    const images = await engine.generate(latents);
    const measures = await this.morpho.measure(images, this.tags.count);
    const flags = featureFlags(measures, this.tags.count, PRESETS[this.feature]);
    const shown = flags.reduce((a, b) => a + b, 0);
    if (shown === 0 || shown === flags.length) {
      this.morphoAucNote = `n/a: the measure finds the feature in ${shown} of ${flags.length} samples`;
    } else {
      this.morphoAuc = rocAuc(projection(latents, dim, zE), flags);
    }
  }

  /** Warnings about the tag set before unlearning. */
  tagWarnings(): string[] {
    const n = this.tags.tagged;
    const out: string[] = [];
    if (n === 0) out.push('No sample is tagged: tag the ones that show the feature first.');
    else if (n === this.tags.count)
      out.push('Every sample is tagged: leave the ones without the feature untagged.');
    else if (n < 10)
      out.push(`Only ${n} samples are tagged; z_e from so few is noisy (aim for 20 or more).`);
    else if (this.tags.count - n < 10)
      out.push(`Only ${this.tags.count - n} samples are untagged; the negatives are too few.`);
    return out;
  }

  setOption(key: OptionKey, value: OptionValue): void {
    try {
      this.options = withOption(this.options, key, value);
      void setState('options', this.options, 'your settings').catch(() => undefined);
    } catch (error) {
      this.error = errorText(error);
    }
  }

  /** Switches the run seed: the grid (with its own saved tags), previews and evaluation follow. */
  async setSeed(seed: number): Promise<void> {
    this.setOption('seed', seed);
    if (this.options.seed !== seed || this.modelId === null) return;
    await this.tags.open(this.modelId, this.tags.latentDim, seed, this.tags.count);
    await this.showPage(0);
  }

  resetOptions(): void {
    this.options = {
      ...DEFAULT_UNLEARN_OPTIONS,
      terms: { ...DEFAULT_UNLEARN_OPTIONS.terms },
      seed: this.options.seed,
    };
  }

  /** Starts a session from the tags and trains it, with live progress and previews. */
  async unlearn(): Promise<void> {
    const engine = this.requireEngine();
    this.error = null;
    this.recovery = null;
    this.resumed = null;
    this.run = { ...idleRun(), status: 'starting' };
    try {
      const pool = this.tags.allLatents();
      const isPositive = this.tags.tags.slice();
      this.lastRequest = { pool, isPositive };
      this.target = await engine.startSession({
        pool,
        isPositive,
        previewLatents: this.previewLatents(),
        options: this.options,
      });
      this.preview = await engine.preview();
      this.keepCheckpoint(await engine.checkpoint());
      await this.train();
    } catch (error) {
      this.run = { ...this.run, status: 'failed' };
      this.error = `${errorText(error)} Your tags and settings are kept.`;
    }
  }

  private async train(): Promise<void> {
    const engine = this.requireEngine();
    const totalSteps =
      this.options.steps ??
      this.options.epochs * Math.ceil(this.tags.count / this.options.batchSize);
    this.run = { ...this.run, status: 'running', totalSteps };
    const every = Math.max(1, Math.min(10, Math.floor(totalSteps / 20)));
    this.reports = 0;
    try {
      const summary = await engine.run({ totalSteps, progressEvery: every }, (p) =>
        this.onProgress(p),
      );
      this.flushProgress();
      this.preview = await engine.preview();
      this.keepCheckpoint(await engine.checkpoint());
      await this.updateRunningTfr(summary.steps);
      this.run = { ...this.run, status: summary.stopped ? 'stopped' : 'done', step: summary.steps };
      this.status = summary.stopped
        ? `Stopped at step ${summary.steps}; the unlearned weights so far are kept.`
        : `Unlearning finished after ${summary.steps} steps.`;
    } catch (error) {
      this.flushProgress();
      this.run = { ...this.run, status: 'failed' };
      this.offerRecovery(errorText(error));
    }
  }

  /** Progress reports not yet drawn; applied together once per animation frame. */
  private pendingProgress: UnlearnProgress[] = [];
  private progressFrame: number | null = null;

  /**
   * Queues a progress report. The worker may report every step; updating $state (run view, loss
   * curves, status) once per animation frame keeps the main thread free to draw.
   */
  private onProgress(p: UnlearnProgress): void {
    this.pendingProgress.push(p);
    if (this.progressFrame === null) {
      this.progressFrame = requestAnimationFrame(() => this.flushProgress());
    }
  }

  /** Applies the queued progress reports in one $state update. */
  private flushProgress(): void {
    if (this.progressFrame !== null) cancelAnimationFrame(this.progressFrame);
    this.progressFrame = null;
    const reports = this.pendingProgress;
    this.pendingProgress = [];
    const p = reports.at(-1);
    if (p === undefined) return;
    const remaining = p.totalSteps - p.step;
    this.run = {
      ...this.run,
      step: p.step,
      totalSteps: p.totalSteps,
      stepsPerSecond: p.stepsPerSecond,
      etaSeconds: p.stepsPerSecond > 0 ? remaining / p.stepsPerSecond : 0,
      history: [...this.run.history, ...reports.map((r) => ({ step: r.step, ...r.losses }))],
    };
    this.status = `Unlearning: step ${p.step} of ${p.totalSteps}.`;
    const before = this.reports;
    this.reports += reports.length;
    if (Math.floor(this.reports / 3) > Math.floor(before / 3)) void this.refreshPreview(p.step);
  }

  private refreshing = false;

  private async refreshPreview(step: number): Promise<void> {
    if (this.refreshing) return;
    this.refreshing = true;
    try {
      const engine = this.requireEngine();
      this.preview = await engine.preview();
      this.keepCheckpoint(await engine.checkpoint());
      await this.updateRunningTfr(step);
    } catch {
      // A preview may race the end of the run; the final preview follows.
    } finally {
      this.refreshing = false;
    }
  }

  private async updateRunningTfr(step: number): Promise<void> {
    if (this.preview === null) return;
    const measures = await this.morpho.measure(this.preview.student, PREVIEW_COUNT);
    const value = featureRatio(measures, PREVIEW_COUNT, PRESETS[this.feature]);
    this.run = {
      ...this.run,
      tfr: [...this.run.tfr.filter((t) => t.step !== step), { step, value }],
    };
  }

  async pause(): Promise<void> {
    await this.engine?.pause();
    this.run = { ...this.run, status: 'paused' };
    const checkpoint = await this.engine?.checkpoint().catch(() => null);
    if (checkpoint) this.keepCheckpoint(checkpoint);
  }

  async resume(): Promise<void> {
    await this.engine?.resume();
    this.run = { ...this.run, status: 'running' };
  }

  async stop(): Promise<void> {
    await this.engine?.stop();
  }

  /** Continues the current session's run (after a stop) up to its planned steps. */
  async continueRun(): Promise<void> {
    this.error = null;
    await this.train();
  }

  private onCrash(message: string): void {
    if (this.run.status === 'running' || this.run.status === 'paused') this.offerRecovery(message);
    else this.fail(`${message} Reload the page, or pick another backend.`);
  }

  private offerRecovery(message: string): void {
    const others = (['webgpu', 'webgl', 'wasm', 'cpu'] as BackendName[]).filter(
      (b) => b !== this.backend?.name,
    );
    this.recovery = {
      message: `${message} The GPU device may have been lost.`,
      checkpointStep: this.lastCheckpoint?.step ?? 0,
      backends: others,
    };
  }

  /** Keeps `checkpoint` on the page, where it outlives the engine worker. */
  private keepCheckpoint(checkpoint: UnlearnCheckpoint): void {
    this.lastCheckpoint = checkpoint;
    this.checkpointStep = checkpoint.step;
  }

  /**
   * Test hook: kills the engine worker the way a lost GPU device (or the GPU process dying) does,
   * so the recovery path can be exercised without a real device loss.
   */
  simulateDeviceLoss(): void {
    this.crash?.('The engine worker stopped: GPUDevice was lost (simulated).');
  }

  /**
   * Restarts the engine on `backend`, loads f again, rebuilds the session from the same tags and
   * settings, restores the last checkpoint (g_θ's weights, Adam's moments, the step) and trains on
   * to the planned steps. The tags, settings and loss curve up to the checkpoint are kept.
   */
  async recover(backend: BackendName): Promise<void> {
    const entry = this.entry;
    if (entry === null || this.lastRequest === null) return;
    const checkpoint = this.lastCheckpoint;
    const step = checkpoint?.step ?? 0;
    this.recovery = null;
    this.error = null;
    this.run = {
      ...this.run,
      status: 'starting',
      step,
      history: this.run.history.filter((h) => h.step <= step),
      tfr: this.run.tfr.filter((t) => t.step <= step),
    };
    try {
      await this.startEngine(backend);
      const engine = this.requireEngine();
      this.stage = 'warming';
      this.status = `Loading ${entry.id} on ${backend} and restoring step ${step}…`;
      await engine.loadGenerator(this.source(entry));
      await this.loadClassifiers(entry);
      await engine.startSession({
        ...this.lastRequest,
        previewLatents: this.previewLatents(),
        options: this.options,
      });
      if (checkpoint !== null) await engine.restore(checkpoint);
      this.preview = await engine.preview();
      this.resumed = { backend, step };
      this.stage = 'ready';
      await this.train();
    } catch (error) {
      this.run = { ...this.run, status: 'failed' };
      this.stage = 'ready';
      this.offerRecovery(`Continuing on ${backend} failed: ${errorText(error)}`);
    }
  }

  /** TFR (Morpho), IS_mnist, FID_mnist, digit histogram and the attack, original vs unlearned. */
  async judge(): Promise<void> {
    const engine = this.requireEngine();
    const n = Math.max(8, Math.min(10_000, Math.round(this.judgeCount)));
    const latents = streamLatents(this.tags.seed, 'evaluation', n, this.tags.latentDim);
    const common = {
      engine,
      morpho: this.morpho,
      latents,
      count: n,
      feature: PRESETS[this.feature],
      attack: this.hasClassifier(`feature-${PRESETS[this.feature].feature}-b`)
        ? { epsilon: this.attackEpsilon, steps: this.attackSteps }
        : null,
      withMnist: this.hasClassifier('mnist-classifier'),
      reference: await this.referenceStats(),
    };
    try {
      const original = await judgeGenerator(
        { ...common, which: 'original' },
        (s) => (this.judgeProgress = `Original: ${s}`),
      );
      let student: Judgement | null = null;
      if (this.run.step > 0) {
        student = await judgeGenerator(
          { ...common, which: 'student' },
          (s) => (this.judgeProgress = `Unlearned: ${s}`),
        );
      }
      let imported: Judgement | null = null;
      if (this.imported !== null) {
        imported = await judgeGenerator(
          { ...common, which: 'imported' },
          (s) => (this.judgeProgress = `Imported: ${s}`),
        );
      }
      this.judged = { original, student, imported };
      this.judgeProgress = `Judged on ${n} samples.`;
      if (this.recipe !== null && student !== null && this.recipe.expect.tfr !== undefined) {
        const ok = reproduced(this.recipe.expect.tfr, student.tfr, 0.05);
        this.replayVerdict = ok
          ? `Reproduced: TFR ${(student.tfr * 100).toFixed(1)} % vs the recipe's ${(this.recipe.expect.tfr * 100).toFixed(1)} % (tolerance 5 points).`
          : `Not reproduced: TFR ${(student.tfr * 100).toFixed(1)} % vs the recipe's ${(this.recipe.expect.tfr * 100).toFixed(1)} % (tolerance 5 points).`;
      }
    } catch (error) {
      this.judgeProgress = '';
      this.error = errorText(error);
    }
  }

  private async referenceStats(): Promise<{ mean: Float64Array; cov: Float64Array } | null> {
    const entry = this.index?.models.find((m) => m.id === 'mnist-classifier');
    const file = entry?.files.find((f) => f.path.endsWith('test-stats.json'));
    const bytes = file && this.files.get(file.path);
    if (bytes === undefined) return null;
    const json = JSON.parse(new TextDecoder().decode(bytes)) as { mean: number[]; cov: number[] };
    return { mean: Float64Array.from(json.mean), cov: Float64Array.from(json.cov) };
  }

  /** The unlearned g_θ and its provenance as one file, offered as a download link. */
  async exportModel(): Promise<void> {
    const entry = this.entry;
    if (entry === null || this.target === null) return;
    const engine = this.requireEngine();
    const model = await engine.exportStudent();
    const weightsFile = entry.files.find((f) => f.path.endsWith('.bin'));
    const metrics: Record<string, number> = {};
    if (this.judged?.student) {
      metrics.tfr = this.judged.student.tfr;
      metrics.tfrOriginal = this.judged.original.tfr;
    }
    const bytes = await packContainer(model, {
      app: { name: 'unlearning-playground', version: APP_VERSION },
      // eslint-disable-next-line svelte/prefer-svelte-reactivity
      createdAt: new Date().toISOString(),
      base: { id: entry.id, sha256: weightsFile?.sha256 ?? '' },
      seed: this.tags.seed,
      count: this.tags.count,
      tags: taggedIndices(this.tags.tags),
      targetVector: Array.from(this.target.targetVector),
      threshold: this.target.threshold,
      settings: { ...this.options, feature: this.feature },
      steps: this.run.step,
      metrics,
      backend: this.backend?.name ?? '',
    });
    if (this.exportUrl !== null) URL.revokeObjectURL(this.exportUrl);
    this.exportUrl = URL.createObjectURL(
      new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }),
    );
  }

  exportFileName(): string {
    return `${this.modelId ?? 'model'}-unlearned-${this.feature}.unlearned`;
  }

  /** Reads an exported file and shows it next to its base; a bad file only shows a message. */
  async importFile(file: File): Promise<void> {
    this.importError = null;
    try {
      const { manifest, model } = await unpackContainer(new Uint8Array(await file.arrayBuffer()));
      if (manifest.base.id !== this.modelId) {
        throw new Error(
          `This file was unlearned from ${manifest.base.id}; load that model first (now loaded: ${this.modelId ?? 'none'}).`,
        );
      }
      await this.requireEngine().loadImported(model);
      this.imported = manifest;
      this.importedImages = await this.requireEngine().generate(this.previewLatents(), 'imported');
    } catch (error) {
      this.importError = `${file.name}: ${errorText(error)} Nothing was changed.`;
    }
  }

  /** The recipe link of the current tags and settings (with the TFR reached, once judged). */
  recipeLink(): string {
    const expect: Recipe['expect'] = {};
    if (this.judged?.student) expect.tfr = Number(this.judged.student.tfr.toFixed(4));
    const preset = PRESETS[this.feature];
    const hash = formatRecipe({
      model: this.modelId ?? '',
      count: this.tags.count,
      tags: taggedIndices(this.tags.tags),
      feature: { kind: 'morpho', feature: preset.feature, slantSide: preset.slantSide },
      options: { ...this.options, steps: this.options.steps ?? Math.max(1, this.run.step) },
      evalCount: this.judged === null ? null : this.judgeCount,
      expect,
    });
    return `${location.origin}${location.pathname}${location.search}${hash}`;
  }

  dispose(): void {
    this.morpho.dispose();
    this.terminate?.();
  }
}

function idleRun(): RunView {
  return {
    status: 'idle',
    step: 0,
    totalSteps: 0,
    stepsPerSecond: 0,
    etaSeconds: 0,
    history: [],
    tfr: [],
  };
}
