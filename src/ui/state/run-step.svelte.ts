import type { BackendName, UnlearnCheckpoint } from '../../lib/engine/types';
import type { PreviewImages } from '../../lib/engine/types';
import type { StepLosses, UnlearnProgress } from '../../lib/train/unlearn/session';
import {
  presetOf,
  presetOptions,
  resolveOptions,
  withOption,
  type OptionKey,
  type OptionValue,
  type PresetName,
  type UnlearnOptions,
} from '../../lib/core/options';
import { shareOf } from '../../lib/eval/scores';
import { getState, setState } from './storage';
import type { Playground } from './playground.svelte';

/** Number of fixed latents in the live before/after grids. */
export const PREVIEW_COUNT = 32;

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

/**
 * Step 5: the settings, the unlearning run with live previews and loss curves, pause / resume /
 * stop, and the checkpoint that lets a run continue on another backend after a lost GPU.
 */
export class RunStep {
  options: UnlearnOptions = $state.raw(resolveOptions({ batchSize: 8, steps: 30 }));
  view: RunView = $state.raw(idleRun());
  preview: PreviewImages | null = $state.raw(null);
  recovery: Recovery | null = $state.raw(null);
  /** Step of the last checkpoint the page holds (g_θ + Adam state), to resume after a crash. */
  checkpointStep: number | null = $state(null);
  /** After a recovery: the backend the run moved to and the checkpoint step it resumed from. */
  resumed: { backend: BackendName; step: number } | null = $state.raw(null);

  private lastRequest: { pool: Float32Array; isPositive: Uint8Array } | null = null;
  private lastCheckpoint: UnlearnCheckpoint | null = null;
  private reports = 0;
  /** Progress reports not yet drawn; applied together once per animation frame. */
  private pendingProgress: UnlearnProgress[] = [];
  private progressFrame: number | null = null;
  private refreshing = false;

  constructor(private readonly app: Playground) {}

  /** Whether a run is under way (starting, running or paused). */
  get busy(): boolean {
    const s = this.view.status;
    return s === 'running' || s === 'paused' || s === 'starting';
  }

  /** Restores the settings saved on an earlier visit (unless a recipe brought its own). */
  async restoreSaved(): Promise<void> {
    const saved = await getState<Partial<UnlearnOptions>>('options');
    if (saved === undefined) return;
    try {
      this.options = resolveOptions(saved);
    } catch {
      // Saved settings from an older version: keep the defaults.
    }
  }

  setOption(key: OptionKey, value: OptionValue): void {
    try {
      this.options = withOption(this.options, key, value);
      void setState('options', this.options, 'your settings').catch(() => undefined);
    } catch (error) {
      this.app.error = (error as Error).message;
    }
  }

  /** The preset the settings equal, or null once an option departs from every preset. */
  get preset(): PresetName | null {
    return presetOf(this.options);
  }

  /** Sets every option to a preset's (the seed stays: it draws the tag grid). */
  applyPreset(name: PresetName): void {
    this.options = presetOptions(name, this.options.seed);
    void setState('options', this.options, 'your settings').catch(() => undefined);
  }

  resetOptions(): void {
    this.applyPreset('paper');
  }

  /** Starts a session from the tags and trains it, with live progress and previews. */
  async unlearn(): Promise<void> {
    const engine = this.app.host.engine;
    const board = this.app.tags.board;
    this.app.error = null;
    this.recovery = null;
    this.resumed = null;
    this.view = { ...idleRun(), status: 'starting' };
    try {
      const pool = board.allLatents();
      const isPositive = board.tags.slice();
      this.lastRequest = { pool, isPositive };
      this.app.inspector.target = await engine.startSession({
        pool,
        isPositive,
        previewLatents: this.app.previewLatents(),
        options: this.options,
      });
      this.preview = await engine.preview();
      this.keepCheckpoint(await engine.checkpoint());
      await this.train();
    } catch (error) {
      this.view = { ...this.view, status: 'failed' };
      this.app.error = `${(error as Error).message} Your tags and settings are kept.`;
    }
  }

  private async train(): Promise<void> {
    const engine = this.app.host.engine;
    const totalSteps =
      this.options.steps ??
      this.options.epochs * Math.ceil(this.app.tags.board.count / this.options.batchSize);
    this.view = { ...this.view, status: 'running', totalSteps };
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
      this.view = {
        ...this.view,
        status: summary.stopped ? 'stopped' : 'done',
        step: summary.steps,
      };
      this.app.status = summary.stopped
        ? `Stopped at step ${summary.steps}; the unlearned weights so far are kept.`
        : `Unlearning finished after ${summary.steps} steps.`;
    } catch (error) {
      this.flushProgress();
      this.view = { ...this.view, status: 'failed' };
      this.offerRecovery((error as Error).message);
    }
  }

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
    this.view = {
      ...this.view,
      step: p.step,
      totalSteps: p.totalSteps,
      stepsPerSecond: p.stepsPerSecond,
      etaSeconds: p.stepsPerSecond > 0 ? remaining / p.stepsPerSecond : 0,
      history: [...this.view.history, ...reports.map((r) => ({ step: r.step, ...r.losses }))],
    };
    this.app.status = `Unlearning: step ${p.step} of ${p.totalSteps}.`;
    const before = this.reports;
    this.reports += reports.length;
    if (Math.floor(this.reports / 3) > Math.floor(before / 3)) void this.refreshPreview(p.step);
  }

  private async refreshPreview(step: number): Promise<void> {
    if (this.refreshing) return;
    this.refreshing = true;
    try {
      const engine = this.app.host.engine;
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
    const labeler = this.app.tags.labeler();
    if (this.preview === null || labeler === null) return;
    const value = shareOf(await labeler.labels(this.preview.student, PREVIEW_COUNT));
    this.view = {
      ...this.view,
      tfr: [...this.view.tfr.filter((t) => t.step !== step), { step, value }],
    };
  }

  async pause(): Promise<void> {
    const engine = this.app.host.engine;
    await engine.pause();
    this.view = { ...this.view, status: 'paused' };
    const checkpoint = await engine.checkpoint().catch(() => null);
    if (checkpoint) this.keepCheckpoint(checkpoint);
  }

  async resume(): Promise<void> {
    await this.app.host.engine.resume();
    this.view = { ...this.view, status: 'running' };
  }

  async stop(): Promise<void> {
    await this.app.host.engine.stop();
  }

  /** Continues the current session's run (after a stop) up to its planned steps. */
  async continueRun(): Promise<void> {
    this.app.error = null;
    await this.train();
  }

  /** The engine died: a run in progress gets a way to continue; otherwise the page fails. */
  onCrash(message: string): boolean {
    if (this.view.status !== 'running' && this.view.status !== 'paused') return false;
    this.offerRecovery(message);
    return true;
  }

  private offerRecovery(message: string): void {
    this.recovery = {
      message: `${message} The GPU device may have been lost.`,
      checkpointStep: this.lastCheckpoint?.step ?? 0,
      backends: this.app.host.otherBackends(),
    };
  }

  /** Keeps `checkpoint` on the page, where it outlives the engine worker. */
  private keepCheckpoint(checkpoint: UnlearnCheckpoint): void {
    this.lastCheckpoint = checkpoint;
    this.checkpointStep = checkpoint.step;
  }

  /**
   * Restarts the engine on `backend`, loads f again, rebuilds the session from the same tags and
   * settings, restores the last checkpoint (g_θ's weights, Adam's moments, the step) and trains on
   * to the planned steps. The tags, settings and loss curve up to the checkpoint are kept.
   */
  async recover(backend: BackendName): Promise<void> {
    if (this.lastRequest === null) return;
    const checkpoint = this.lastCheckpoint;
    const step = checkpoint?.step ?? 0;
    this.recovery = null;
    this.app.error = null;
    this.view = {
      ...this.view,
      status: 'starting',
      step,
      history: this.view.history.filter((h) => h.step <= step),
      tfr: this.view.tfr.filter((t) => t.step <= step),
    };
    try {
      await this.app.restartEngine(backend, `restoring step ${step}`);
      const engine = this.app.host.engine;
      await engine.startSession({
        ...this.lastRequest,
        previewLatents: this.app.previewLatents(),
        options: this.options,
      });
      if (checkpoint !== null) await engine.restore(checkpoint);
      this.preview = await engine.preview();
      this.resumed = { backend, step };
      this.app.stage = 'ready';
      await this.train();
    } catch (error) {
      this.view = { ...this.view, status: 'failed' };
      this.app.stage = 'ready';
      this.offerRecovery(`Continuing on ${backend} failed: ${(error as Error).message}`);
    }
  }
}
