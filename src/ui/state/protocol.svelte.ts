import {
  DEFAULT_UNLEARN_OPTIONS,
  resolveOptions,
  type UnlearnOptions,
} from '../../lib/core/options';
import type { BackendChoice } from '../../lib/engine/types';
import {
  describeMachine,
  durationText,
  estimateSeconds,
  protocolSteps,
  type MachineFit,
} from '../logic/machine';
import type { Playground } from './playground.svelte';

/** The quick demo's settings: a few small steps, enough to see the feature fade on MNIST. */
export const QUICK_DEMO = { batchSize: 8, steps: 30 } as const;

/** Which settings the run has: the paper's protocol, the quick demo, or the person's own. */
export type ProtocolKind = 'paper' | 'quick' | 'custom';

/**
 * The run's defaults fitted to the machine: on WebGPU with a real GPU, the paper's protocol
 * (batch 64, 200 epochs over the 500 tagged latents: 1,600 steps); on a software adapter, WebGL,
 * WASM or the CPU, a quick demo that says it is one, with one switch to the paper's protocol and
 * a time estimate from the steps/s this machine measured.
 */
export class Protocol {
  machine: MachineFit | null = $state.raw(null);

  constructor(private readonly app: Playground) {}

  /** Which settings the run has now. */
  get kind(): ProtocolKind {
    const o = this.app.run.options;
    const same = (a: UnlearnOptions, b: UnlearnOptions): boolean =>
      JSON.stringify({ ...a, seed: 0 }) === JSON.stringify({ ...b, seed: 0 });
    if (same(o, DEFAULT_UNLEARN_OPTIONS)) return 'paper';
    if (same(o, resolveOptions(QUICK_DEMO))) return 'quick';
    return 'custom';
  }

  /** Steps of the paper's protocol over this grid's tagged pool (1,600 for 500 latents). */
  get paperSteps(): number {
    const d = DEFAULT_UNLEARN_OPTIONS;
    return protocolSteps(d.epochs, this.app.tags.board.count, d.batchSize);
  }

  /** The paper's protocol on this machine, from the last run's measured speed; null before one. */
  get estimate(): string | null {
    const measured = this.app.run.measured;
    if (measured === null) return null;
    const d = DEFAULT_UNLEARN_OPTIONS;
    const seconds = estimateSeconds(this.paperSteps, d.batchSize, measured);
    const scaled =
      measured.batchSize === d.batchSize
        ? ''
        : `; a batch of ${d.batchSize} taken to cost ${d.batchSize / measured.batchSize}× a batch of ${measured.batchSize}, as on a CPU`;
    return (
      `about ${durationText(seconds)} here (measured ${measured.stepsPerSecond.toFixed(2)} steps/s ` +
      `at batch ${measured.batchSize}${scaled})`
    );
  }

  /**
   * Sets the defaults for the machine the engine started on, unless the person's saved settings
   * or a recipe chose them.
   */
  fit(choice: BackendChoice, chosen: boolean): void {
    this.machine = describeMachine(choice);
    if (chosen) return;
    const seed = this.app.run.options.seed;
    this.app.run.options = this.machine.gpu
      ? { ...DEFAULT_UNLEARN_OPTIONS, terms: { ...DEFAULT_UNLEARN_OPTIONS.terms }, seed }
      : resolveOptions({ ...QUICK_DEMO, seed });
  }

  /** The one switch: the paper's protocol (the seed kept). */
  usePaper(): void {
    const { run } = this.app;
    run.resetOptions();
    run.setOption('seed', run.options.seed);
  }

  /** Back to the quick demo (the seed kept). */
  useQuick(): void {
    this.app.run.resetOptions();
    this.app.run.setOption('batchSize', QUICK_DEMO.batchSize);
    this.app.run.setOption('steps', QUICK_DEMO.steps);
  }
}
