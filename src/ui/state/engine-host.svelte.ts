import { WorkerEngine } from '../../lib/engine/worker-client';
import type { MessageEndpoint } from '../../lib/engine/worker-protocol';
import type { BackendChoice, BackendName, SelfTestResult } from '../../lib/engine/types';

/**
 * The engine worker and the backend it runs on: starts it (WebGPU first, or the backend the URL
 * forces), runs the known-answer self-test, hears when the worker dies, and restarts it on
 * another backend after a lost GPU.
 */
export class EngineHost {
  /** True once a backend runs and passed (or finished) its known-answer self-test. */
  engineReady = $state(false);
  forced: BackendName | null = $state(null);
  backend: BackendChoice | null = $state.raw(null);
  selfTest: SelfTestResult[] = $state.raw([]);

  private worker: Worker | null = null;
  private current: WorkerEngine | null = null;

  /** @param onCrash hears when the worker dies (out of memory, GPU process gone). */
  constructor(private readonly onCrash: (message: string) => void) {}

  /** Starts (or restarts) the worker on `forced`, else the automatic order, and self-tests it. */
  async start(forced: BackendName | null): Promise<void> {
    this.terminate();
    this.engineReady = false;
    // Vite finds the worker by this exact form; the URL is never drawn, so it needs no reactivity.
    // eslint-disable-next-line svelte/prefer-svelte-reactivity
    const worker = new Worker(new URL('../../lib/engine/engine.worker.ts', import.meta.url), {
      type: 'module',
    });
    const engine = new WorkerEngine(worker as unknown as MessageEndpoint);
    worker.addEventListener('error', (event) => {
      const message = `The engine worker stopped: ${event.message || 'unknown error'}.`;
      engine.failAll(new Error(message));
      this.onCrash(message);
    });
    this.worker = worker;
    this.current = engine;
    // A page without navigator.gpu has none in its workers either; say so in the page's words.
    const pageGpu = (navigator as { gpu?: unknown }).gpu;
    const unavailable: Partial<Record<BackendName, string>> =
      pageGpu === undefined
        ? { webgpu: 'navigator.gpu is missing (needs a secure context and a browser with WebGPU)' }
        : {};
    this.backend = await engine.init(forced, unavailable);
    this.selfTest = await engine.selfTest();
    this.engineReady = true;
  }

  /** The running engine; throws when none is started. */
  get engine(): WorkerEngine {
    if (this.current === null) throw new Error('The engine is not started.');
    return this.current;
  }

  /** Re-runs the self-test, now with the loaded generator's forward and gradient; true if all pass. */
  async testGenerator(): Promise<boolean> {
    this.selfTest = await this.engine.selfTest();
    return this.selfTest.every((r) => r.ok);
  }

  /** Kills the worker as a lost GPU device or a crash would: calls fail, `onCrash` hears. */
  crash(message: string): void {
    this.worker?.terminate();
    this.current?.failAll(new Error(message));
    this.onCrash(message);
  }

  /** The backends to continue on after a crash: every one but the current. */
  otherBackends(): BackendName[] {
    return (['webgpu', 'webgl', 'wasm', 'cpu'] as BackendName[]).filter(
      (b) => b !== this.backend?.name,
    );
  }

  terminate(): void {
    this.worker?.terminate();
    this.worker = null;
    this.current = null;
  }
}
