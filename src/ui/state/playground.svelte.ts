import type { BackendName } from '../../lib/engine/types';
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
  /** The Morpho-MNIST measure, in its own worker. */
  readonly morpho = new MorphoClient();

  /** The preview's fixed latents [PREVIEW_COUNT · latentDim], from the run seed's preview stream. */
  previewLatents(): Float32Array {
    const board = this.tags.board;
    return streamLatents(board.seed, 'preview', PREVIEW_COUNT, board.latentDim);
  }

  /** Reads `?backend=` and the recipe hash, starts the worker, loads the model list. */
  async start(search: string, hash: string): Promise<void> {
    const request = backendRequestFromSearch(search);
    if (request.kind === 'invalid') this.warning = request.message;
    this.host.forced = request.kind === 'forced' ? request.name : null;
    this.share.readRecipe(hash);
    const recipe = this.share.recipe;
    if (recipe === null) await this.run.restoreSaved();
    else this.share.applyRecipeSettings(recipe);

    try {
      this.stage = 'starting';
      this.status = 'Choosing a backend inside the engine worker…';
      await this.host.start(this.host.forced);
      this.status = 'Loading the model list…';
      try {
        await this.library.loadIndex();
      } catch (error) {
        this.stage = 'choose';
        this.status = 'No models to load.';
        this.warning = errorText(error);
        return;
      }
      await this.library.refreshCache();
      await this.library.loadUserGenerators();
      const wanted = recipe?.model ?? (await getState<string>('model')) ?? '';
      const known = this.library.hasGenerator(wanted);
      if (recipe !== null && !known) this.share.recipeError = unknownModelMessage(recipe.model);
      if (
        known &&
        (recipe !== null || this.library.isCached(wanted) || wanted.startsWith('sha256-'))
      ) {
        await this.loadModel(wanted);
      } else {
        this.stage = 'choose';
        this.status =
          this.library.generators.length === 0
            ? 'No generator is shipped in models/.'
            : 'Pick a model.';
      }
    } catch (error) {
      this.fail(errorText(error));
    }
  }

  /** Downloads (or reads from IndexedDB) the model, loads it into the engine, runs the self-test. */
  async loadModel(id: string): Promise<void> {
    this.error = null;
    this.stage = 'loading';
    this.status = `Loading ${id}…`;
    try {
      await this.loadIntoEngine(id);
      await setState('model', id, 'the model choice').catch(() => undefined);
      const recipe = this.share.recipe;
      if (recipe === null) {
        const data = this.library.shape.channels === 3 ? 'celeba' : 'mnist';
        this.run.options = withPaperSettings(this.run.options, data);
      }
      const board = this.tags.board;
      const count = recipe?.count ?? 500;
      await board.open(id, this.library.info?.latentDim ?? 0, this.run.options.seed, count);
      if (recipe !== null) board.setAll(tagsFromIndices(recipe.tags, count), false);
      this.inspector.clear();
      this.tags.fitChoice();
      await this.tags.showPage(0);
      this.stage = 'ready';
      this.status = `${id} is ready on ${this.host.backend?.name}. Tag the samples that show the feature.`;
    } catch (error) {
      this.fail(errorText(error));
    }
  }

  /** Fetches generator `id`, loads it and the judge's classifiers into the engine, self-tests. */
  private async loadIntoEngine(id: string): Promise<void> {
    const source = await this.library.fetchGenerator(id);
    this.stage = 'warming';
    this.status = `Preparing the ${this.host.backend?.name ?? ''} backend: self-test of ${id} (forward and gradient)…`;
    this.library.info = await this.host.engine.loadGenerator(source);
    if (!(await this.host.testGenerator())) {
      this.warning = `The ${this.host.backend?.name} backend failed part of its self-test; results may be wrong. Try another backend.`;
    }
    await this.classifiers.loadShipped();
  }

  /** Chooses what counts as the feature; the attack's classifiers follow a Morpho feature. */
  async setFeature(key: FeatureKey): Promise<void> {
    this.tags.feature = key;
    this.inspector.clear();
    if (this.library.modelId !== null) await this.classifiers.loadAttack();
  }

  /** Restarts the engine on `backend` and loads the chosen model again (after a lost GPU). */
  async restartEngine(backend: BackendName, what: string): Promise<void> {
    const id = this.library.modelId;
    if (id === null) throw new Error('No model is loaded.');
    this.stage = 'starting';
    this.status = `Starting the engine on ${backend}…`;
    await this.host.start(backend);
    this.status = `Loading ${id} on ${backend} and ${what}…`;
    await this.loadIntoEngine(id);
  }

  /** Switches the run seed: the grid (with its own saved tags), previews and evaluation follow. */
  async setSeed(seed: number): Promise<void> {
    this.run.setOption('seed', seed);
    const id = this.library.modelId;
    if (this.run.options.seed !== seed || id === null) return;
    const board = this.tags.board;
    await board.open(id, board.latentDim, seed, board.count);
    this.inspector.clear();
    await this.tags.showPage(0);
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
    this.morpho.dispose();
    this.host.terminate();
  }
}
