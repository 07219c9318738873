import type { BackendName, GeneratorSource } from '../../lib/engine/types';
import { backendRequestFromSearch } from '../../lib/engine/backend-request';
import { streamLatents } from '../../lib/core/seed-streams';
import { tagsFromIndices } from '../../lib/core/recipe';
import { withPaperSettings } from '../../lib/core/paper-settings';
import { MorphoClient } from '../workers/morpho-client';
import { getState, setState } from './storage';
import { EngineHost } from './engine-host.svelte';
import { ModelLibrary } from './model-library.svelte';
import { PRESETS, TagStep, type FeatureKey } from './tag-step.svelte';
import { Inspector } from './inspector.svelte';
import { PREVIEW_COUNT, RunStep } from './run-step.svelte';
import { JudgeStep } from './judge-step.svelte';
import { ShareStep, unknownModelMessage } from './share-step.svelte';
import { ClassifierSet } from './classifier-set.svelte';
import { GeneratorImport } from './generator-import.svelte';
import { FirstSamples } from './first-samples.svelte';
import { Protocol } from './protocol.svelte';
import { UrlOpening } from './url-opening.svelte';
import { Demo } from './demo.svelte';
import { parseUrlState, type UrlState } from '../logic/url-state';
import { defaultGenerator } from '../logic/startup';
import { readFirstPage, saveFirstPage } from './first-page-cache';

export { PREVIEW_COUNT, PRESETS };

/** Where the page is in the flow. */
export type Stage = 'starting' | 'choose' | 'loading' | 'warming' | 'ready' | 'failed';

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The page: one object per step (model library and the import of a person's own generator,
 * engine host, tags, inspector, run, judge, share) and the classifiers the judge uses, wired
 * together here, plus the status line. Components read the steps' $state fields
 * (plain numbers and typed arrays) and call their methods.
 */
export class Playground {
  stage: Stage = $state('starting');
  status = $state('Starting the engine…');
  error: string | null = $state(null);
  warning: string | null = $state(null);

  readonly host = new EngineHost((message) => this.onCrash(message));
  readonly library = new ModelLibrary((message) => (this.warning = message));
  readonly tags = new TagStep(this);
  readonly inspector = new Inspector(this);
  readonly run = new RunStep(this);
  readonly judge = new JudgeStep(this);
  readonly share = new ShareStep(this);
  readonly classifiers = new ClassifierSet(this);
  readonly byo = new GeneratorImport(this);
  /** The run's defaults fitted to the machine: the paper's protocol on a GPU, else a quick demo. */
  readonly protocol = new Protocol(this);
  /** The Morpho-MNIST measure, in its own worker. */
  readonly morpho = new MorphoClient();
  /** Draws the first grid pages on the CPU backend while the engine warms up. */
  readonly firstSamples = new FirstSamples();
  /** What the address asked for (`?model=&feature=&step=&embed`). */
  url: UrlState = $state.raw(parseUrlState(''));
  /** Opens the address's feature and step once the model is ready. */
  readonly opening = new UrlOpening(this);
  /** "Show me": the whole method in one click, step by step. */
  readonly demo = new Demo(this);
  /** Whether the engine holds the chosen generator (until then the first-samples worker draws). */
  private generatorLoaded = false;
  private engineStart: Promise<void> | null = null;
  /** Who waits for the engine to hold the generator (a page asked for before it does). */
  private onGeneratorLoaded: (() => void)[] = [];
  /** Whether the engine is loading the generator (a page asked for meanwhile waits for it). */
  private engineLoading = false;
  /** Whether saved settings or a recipe chose the run's settings (then the machine does not). */
  private settingsChosen = false;

  /** The preview's fixed latents [PREVIEW_COUNT · latentDim], from the run seed's preview stream. */
  previewLatents(): Float32Array {
    const board = this.tags.board;
    return streamLatents(board.seed, 'preview', PREVIEW_COUNT, board.latentDim);
  }

  /**
   * Reads `?backend=`, the URL state and the recipe hash; starts the engine worker and, beside
   * it, loads the model list and opens a model: the recipe's, the address's, the one chosen on
   * an earlier visit, else the smallest shipped generator.
   */
  async start(search: string, hash: string): Promise<void> {
    const request = backendRequestFromSearch(search);
    if (request.kind === 'invalid') this.warning = request.message;
    this.url = parseUrlState(search);
    for (const problem of this.url.problems) this.warn(problem);
    this.host.forced = request.kind === 'forced' ? request.name : null;
    this.share.readRecipe(hash);
    const recipe = this.share.recipe;
    if (recipe !== null) this.share.applyRecipeSettings(recipe);
    this.settingsChosen = recipe !== null;

    this.stage = 'starting';
    this.status = 'Loading the model list…';
    this.firstSamples.open();
    try {
      const [listed, saved] = await Promise.allSettled([
        this.library.loadIndex(),
        getState<string>('model'),
        this.library.loadUserGenerators(),
        recipe === null
          ? this.run.restoreSaved().then((saved) => (this.settingsChosen ||= saved))
          : Promise.resolve(),
      ]);
      if (listed.status === 'rejected') {
        await this.startEngine();
        this.stage = 'choose';
        this.status = 'No models to load.';
        this.warning = errorText(listed.reason);
        return;
      }
      void this.library.refreshCache();
      const wanted = this.openingModel(saved.status === 'fulfilled' ? saved.value : undefined);
      if (wanted !== null) {
        if (await this.loadModel(wanted)) await this.opening.apply();
      } else {
        await this.startEngine();
        this.stage = 'choose';
        this.status = 'No generator is shipped in models/.';
      }
    } catch (error) {
      this.fail(errorText(error));
    }
  }

  /**
   * Starts the engine worker on the requested backend (once; a restart goes through
   * `restartEngine`). Started after the first samples are drawn: on a software adapter the
   * backend's warm-up would take the CPU they need.
   */
  startEngine(): Promise<void> {
    if (this.engineStart === null) {
      this.status = 'Choosing a backend inside the engine worker…';
      this.engineStart = this.host.start(this.host.forced).then(() => {
        if (this.host.backend !== null) this.protocol.fit(this.host.backend, this.settingsChosen);
      });
    }
    return this.engineStart;
  }

  /** The model to open with: the recipe's, the address's, the saved choice, else the default. */
  private openingModel(saved: string | undefined): string | null {
    const recipe = this.share.recipe;
    if (recipe !== null) {
      if (this.library.hasGenerator(recipe.model)) return recipe.model;
      this.share.recipeError = unknownModelMessage(recipe.model);
    }
    const asked = this.url.model;
    if (asked !== null) {
      if (this.library.hasGenerator(asked)) return asked;
      this.warn(
        `This site has no model "${asked}" (from ?model=); opening ${
          defaultGenerator(this.library.index ?? { version: 1, models: [] }) ?? 'none'
        } instead.`,
      );
    } else if (saved !== undefined && this.library.hasGenerator(saved)) {
      return saved;
    }
    return this.library.index === null ? null : defaultGenerator(this.library.index);
  }

  /**
   * Opens generator `id`: the first grid page as an earlier visit kept it, else drawn at once on
   * the CPU backend from its bytes (downloaded, or from IndexedDB); then the engine loads it and
   * runs its self-test. True when ready.
   */
  async loadModel(id: string): Promise<boolean> {
    this.error = null;
    this.stage = 'loading';
    this.status = `Loading ${id}…`;
    const board = this.tags.board;
    board.pageImages = null;
    try {
      const recipe = this.share.recipe;
      const count = recipe?.count ?? 500;
      const seed = this.run.options.seed;
      const fresh = !(this.host.engineReady && this.generatorLoaded);
      const saved = fresh ? await readFirstPage(id, this.weightsSha256(id), seed) : null;
      if (saved !== null) {
        this.stage = 'warming';
        this.library.info = saved.info;
        await board.open(id, saved.info.latentDim, seed, count);
        board.pageImages = saved.images;
        this.status = `${id}'s first samples, as drawn on your last visit, while the GPU warms up…`;
      }
      const source = await this.library.fetchGenerator(id);
      let first: 'saved' | 'worker' | 'engine' = 'engine';
      if (saved !== null && saved.info.latentDim === source.latentDim) first = 'saved';
      else if (fresh && (await this.drawEarly(source))) first = 'worker';
      this.generatorLoaded = false;
      if (first === 'engine') await this.loadIntoEngine(id, source);
      if (first !== 'saved') await board.open(id, source.latentDim, seed, count);
      if (recipe === null) {
        // Table 4's settings of the model's data set (a person's own values are kept).
        const data = this.library.shape.channels === 3 ? 'celeba' : 'mnist';
        this.run.options = withPaperSettings(this.run.options, data);
      }
      if (recipe !== null) board.setAll(tagsFromIndices(recipe.tags, count), false);
      this.inspector.clear();
      this.tags.fitChoice();
      if (first === 'saved') this.firstSamples.close();
      // Should the worker fail, the engine draws the page once it holds the generator.
      else if (first === 'worker') await this.tags.showPage(0).catch(() => undefined);
      else await this.tags.showPage(0);
      if (first !== 'engine') await this.loadIntoEngine(id, source);
      this.firstSamples.close();
      if (board.pageImages === null) await this.tags.showPage(0);
      const info = this.library.info;
      if (first !== 'saved' && board.page === 0 && board.pageImages !== null && info !== null) {
        saveFirstPage(id, this.library.baseSha256, board.seed, info, board.pageImages);
      }
      await setState('model', id, 'the model choice').catch(() => undefined);
      this.stage = 'ready';
      this.status = `${id} is ready on ${this.host.backend?.name}. Tag the samples that show the feature.`;
      return true;
    } catch (error) {
      this.fail(errorText(error));
      return false;
    }
  }

  /** SHA-256 of generator `id`'s weights, from the model list or the person's own; '' if unknown. */
  private weightsSha256(id: string): string {
    const user = this.library.userGenerators.find((g) => g.id === id);
    if (user !== undefined) return user.sha256;
    const entry = this.library.generators.find((m) => m.id === id);
    return entry?.files.find((f) => f.path.endsWith('.bin'))?.sha256 ?? '';
  }

  /**
   * Loads `source` into the first-samples worker, so the grid can be drawn before the engine
   * holds it; false (and the engine draws) when that worker cannot.
   */
  private async drawEarly(source: GeneratorSource): Promise<boolean> {
    this.stage = 'warming';
    this.status = `Drawing ${source.id}'s first samples on the CPU while the GPU warms up…`;
    try {
      this.library.info = await this.firstSamples.load(source);
      return true;
    } catch {
      this.firstSamples.close();
      return false;
    }
  }

  /**
   * unitImages of the chosen generator f for `latents`: from the engine once it holds f, before
   * that from the first-samples worker.
   */
  async generate(latents: Float32Array): Promise<Float32Array> {
    if (!this.generatorLoaded && this.firstSamples.active) {
      try {
        return await this.firstSamples.generate(latents);
      } catch (error) {
        // Closed meanwhile: the engine holds the generator now, or soon.
        if (!this.engineLoading) throw error;
      }
    }
    if (!this.generatorLoaded) {
      if (!this.engineLoading)
        throw new Error('The model is still loading; try again in a moment.');
      await new Promise<void>((resolve) => this.onGeneratorLoaded.push(resolve));
    }
    return this.host.engine.generate(latents);
  }

  /** Loads generator `source` and the judge's classifiers into the engine, self-tests. */
  private async loadIntoEngine(id: string, source?: GeneratorSource): Promise<void> {
    this.engineLoading = true;
    const bytes = source ?? (await this.library.fetchGenerator(id));
    await this.startEngine();
    this.stage = 'warming';
    this.status = `Preparing the ${this.host.backend?.name ?? ''} backend: self-test of ${id} (forward and gradient)…`;
    this.library.info = await this.host.engine.loadGenerator(bytes);
    this.generatorLoaded = true;
    for (const resolve of this.onGeneratorLoaded.splice(0)) resolve();
    if (!(await this.host.testGenerator())) {
      this.warning = `The ${this.host.backend?.name} backend failed part of its self-test; results may be wrong. Try another backend.`;
    }
    await this.classifiers.loadShipped();
    this.engineLoading = false;
  }

  /** Chooses what counts as the feature; the attack's classifiers follow a Morpho feature. */
  async setFeature(key: FeatureKey): Promise<void> {
    this.tags.feature = key;
    this.inspector.clear();
    // Before the engine holds the generator, loading it brings the attack's classifiers.
    if (this.generatorLoaded) await this.classifiers.loadAttack();
  }

  /** Restarts the engine on `backend` and loads the chosen model again (after a lost GPU). */
  async restartEngine(backend: BackendName, what: string): Promise<void> {
    const id = this.library.modelId;
    if (id === null) throw new Error('No model is loaded.');
    this.stage = 'starting';
    this.status = `Starting the engine on ${backend}…`;
    this.generatorLoaded = false;
    this.engineStart = this.host.start(backend);
    await this.engineStart;
    this.status = `Loading ${id} on ${backend} and ${what}…`;
    await this.loadIntoEngine(id);
  }

  /** Switches the run seed: the grid (with its own saved tags), previews and evaluation follow. */
  async setSeed(seed: number): Promise<void> {
    this.run.setOption('seed', seed);
    if (this.run.options.seed !== seed) return;
    await this.reopenGrid(seed, this.tags.board.count);
  }

  /**
   * Switches how many samples the grid holds (each size keeps its own tags, as each seed does):
   * a rare feature needs more samples for enough of them to show it.
   */
  async setGridSize(count: number): Promise<void> {
    if (count === this.tags.board.count) return;
    await this.reopenGrid(this.run.options.seed, count);
  }

  /** Opens the grid of (seed, count) for the loaded model, with its saved tags, at page 1. */
  private async reopenGrid(seed: number, count: number): Promise<void> {
    const id = this.library.modelId;
    if (id === null) return;
    const board = this.tags.board;
    await board.open(id, board.latentDim, seed, count);
    this.inspector.clear();
    await this.tags.showPage(0);
  }

  /** Adds `message` to the warnings shown above the cards. */
  warn(message: string): void {
    this.warning = this.warning === null ? message : `${this.warning} ${message}`;
  }

  private fail(message: string): void {
    this.error = message;
    this.stage = 'failed';
    this.status = 'Something went wrong; see the message below.';
  }

  private onCrash(message: string): void {
    if (!this.run.onCrash(message)) {
      this.fail(`${message} Reload the page, or pick another backend.`);
    }
  }

  /**
   * Test hook: kills the engine worker the way a lost GPU device (or the GPU process dying) does,
   * so the recovery path can be exercised without a real device loss.
   */
  simulateDeviceLoss(): void {
    this.host.crash('The engine worker stopped: GPUDevice was lost (simulated).');
  }

  dispose(): void {
    this.firstSamples.close();
    this.morpho.dispose();
    this.host.terminate();
  }
}
