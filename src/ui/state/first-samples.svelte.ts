import { WorkerEngine } from '../../lib/engine/worker-client';
import type { MessageEndpoint } from '../../lib/engine/worker-protocol';
import type { BackendName, GeneratorInfo, GeneratorSource } from '../../lib/engine/types';

/**
 * The first samples, drawn while the main engine warms up. WebGPU on a software adapter
 * (SwiftShader) compiles every shader on the CPU, so its first forward pass waits seconds for
 * the self-test's and the generator's shaders; TF.js's plain CPU backend is ready as soon as its
 * worker has parsed TF.js. This second engine worker, forced onto that backend, draws the first
 * grid pages of the chosen generator until the main engine holds the generator, and is then
 * closed. The same latents give the same samples on either backend (up to float rounding).
 */
export class FirstSamples {
  /** Which backend drew the first samples, and how long after the page's start they were ready. */
  drawn: { backend: BackendName; ms: number } | null = $state.raw(null);

  private worker: Worker | null = null;
  private engine: WorkerEngine | null = null;
  private started: Promise<unknown> | null = null;
  private loaded: Promise<GeneratorInfo> | null = null;
  private loadedId: string | null = null;

  constructor(private readonly backend: BackendName = 'cpu') {}

  /** Starts the worker (no generator yet): its TF.js parses while the model downloads. */
  open(): void {
    if (this.worker !== null) return;
    // Vite finds the worker by this exact form, and bundles it once with EngineHost's.
    // eslint-disable-next-line svelte/prefer-svelte-reactivity
    const worker = new Worker(new URL('../../lib/engine/engine.worker.ts', import.meta.url), {
      type: 'module',
    });
    const engine = new WorkerEngine(worker as unknown as MessageEndpoint);
    worker.addEventListener('error', (event) => {
      engine.failAll(new Error(`The first-samples worker stopped: ${event.message}`));
    });
    this.worker = worker;
    this.engine = engine;
    this.started = engine.init(this.backend);
    this.started.catch(() => undefined);
  }

  /** Loads `source` (once per generator) and returns what it is. */
  load(source: GeneratorSource): Promise<GeneratorInfo> {
    this.open();
    const engine = this.engine as WorkerEngine;
    if (this.loaded === null || this.loadedId !== source.id) {
      this.loadedId = source.id;
      this.loaded = (this.started ?? Promise.resolve()).then(() => engine.loadGenerator(source));
    }
    return this.loaded;
  }

  /** unitImages [n · H · W · C] of the loaded generator for latents [n · latentDim]. */
  async generate(latents: Float32Array): Promise<Float32Array> {
    if (this.loaded === null || this.engine === null) {
      throw new Error('No generator is loaded for the first samples.');
    }
    await this.loaded;
    const images = await this.engine.generate(latents);
    this.drawn ??= { backend: this.backend, ms: performance.now() };
    return images;
  }

  /** Whether a generator is loaded here (so pages can be drawn before the main engine is). */
  get active(): boolean {
    return this.loaded !== null;
  }

  /** Ends the worker (calls still waiting reject); its memory goes back. Safe to call twice. */
  close(): void {
    this.worker?.terminate();
    this.engine?.failAll(new Error('The first-samples worker was closed.'));
    this.worker = null;
    this.engine = null;
    this.started = null;
    this.loaded = null;
    this.loadedId = null;
  }
}
