import {
  formatRecipe,
  isRecipeHash,
  parseRecipe,
  taggedIndices,
  targetFingerprint,
  type FeatureRef,
  type Recipe,
} from '../../lib/core/recipe';
import { packUnlearnedZip, readUnlearned } from '../../lib/share/unlearned-zip';
import { PROVENANCE_FORMAT, PROVENANCE_VERSION, type Provenance } from '../../lib/share/provenance';
import type { NamedBytes } from '../../lib/models/layers-files';
import { isNamedBytes, plainMessage, readPicked } from '../logic/files';
import { APP_VERSION } from '../../lib/share/version';
import type { Playground } from './playground.svelte';

/** Why a recipe's model cannot be opened: not shipped, or a person's generator not added here. */
export function unknownModelMessage(model: string): string {
  return model.startsWith('sha256-')
    ? `The recipe asks for a generator of someone's own (weights ${model}…), which this browser does not hold; add that generator in step 1, then open the link again.`
    : `The recipe asks for model "${model}", which this site does not ship.`;
}

/**
 * Step 7: the unlearned generator as stock TF.js files in one .zip with its provenance, importing
 * such a zip (or its model.json + weights.bin) to compare it with its base, and recipe links
 * (made here, or read from the URL to replay a run).
 */
export class ShareStep {
  imported: Provenance | null = $state.raw(null);
  importedImages: Float32Array | null = $state.raw(null);
  importError: string | null = $state(null);
  recipe: Recipe | null = $state.raw(null);
  recipeError: string | null = $state(null);
  exporting = $state(false);

  constructor(private readonly app: Playground) {}

  /** A recipe's options and feature become the page's (its model and tags follow on loading). */
  applyRecipeSettings(recipe: Recipe): void {
    const { app } = this;
    app.run.options = recipe.options;
    app.judge.verdict = null;
    const f = recipe.feature;
    if (f?.kind === 'morpho') app.tags.feature = f.feature === 'thickness' ? 'thick' : 'left';
    else if (f?.kind === 'attribute') app.tags.feature = f.attribute;
    else if (f?.kind === 'classifier' && app.classifiers.feature !== null) {
      app.tags.feature = 'classifier';
    } else app.tags.feature = 'tags';
  }

  /**
   * A recipe pasted into an open tab (the hash changed): read it, and open its model with its
   * grid and tags. A malformed one only shows why; the page and its tags stay as they were.
   */
  async openRecipe(hash: string): Promise<void> {
    if (!isRecipeHash(hash)) return;
    this.readRecipe(hash);
    const recipe = this.recipe;
    if (recipe === null) return;
    if (!this.app.library.hasGenerator(recipe.model)) {
      this.recipeError = unknownModelMessage(recipe.model);
      this.recipe = null;
      return;
    }
    this.applyRecipeSettings(recipe);
    await this.app.loadModel(recipe.model);
  }

  /** Replays the recipe: unlearns from its tags with its options, judges, says if it reproduced. */
  async replayRecipe(): Promise<void> {
    const { app } = this;
    const recipe = this.recipe;
    if (recipe === null) return;
    app.run.options = recipe.options;
    await app.run.unlearn();
    if (app.run.view.status !== 'done') return;
    if (recipe.evalCount !== null) app.judge.count = recipe.evalCount;
    await app.judge.judge({ attack: false });
  }

  /** Reads a recipe from the URL hash; a bad one only sets `recipeError`. */
  readRecipe(hash: string): void {
    if (!isRecipeHash(hash)) return;
    try {
      this.recipe = parseRecipe(hash);
      this.recipeError = null;
    } catch (error) {
      this.recipe = null;
      this.recipeError = (error as Error).message;
    }
  }

  /** What counts as the feature, as a recipe or a provenance records it. */
  private featureRef(): FeatureRef | null {
    const preset = this.app.tags.preset;
    if (preset !== null) {
      return { kind: 'morpho', feature: preset.feature, slantSide: preset.slantSide };
    }
    const attribute = this.app.tags.attribute;
    if (attribute !== null) return { kind: 'attribute', attribute };
    return this.app.tags.feature === 'classifier' ? { kind: 'classifier' } : null;
  }

  /** The export zip (model.json with the provenance, weights.bin) and its file name. */
  async exportZip(): Promise<{ bytes: Uint8Array; name: string }> {
    const { app } = this;
    const target = app.inspector.target;
    if (app.library.modelId === null || target === null) {
      throw new Error('Unlearn first: there is nothing to export yet.');
    }
    this.exporting = true;
    try {
      const model = await app.host.engine.exportStudent();
      const student = app.judge.scores('student');
      const original = app.judge.scores('original');
      const metrics: Provenance['metrics'] = {};
      if (student?.tfr != null) metrics.tfr = student.tfr;
      if (original?.tfr != null) metrics.tfrOriginal = original.tfr;
      if (student?.isMnist != null) metrics.isMnist = student.isMnist.mean;
      if (student?.fidMnist != null) metrics.fidMnist = student.fidMnist;
      if (student?.isFaces != null) metrics.isFaces = student.isFaces.mean;
      if (student?.fidFaces != null) metrics.fidFaces = student.fidFaces;
      if (app.judge.judged !== null) metrics.evalCount = app.judge.judged.count;
      const board = app.tags.board;
      const bytes = await packUnlearnedZip(model, {
        format: PROVENANCE_FORMAT,
        version: PROVENANCE_VERSION,
        app: { name: 'unlearning-playground', version: APP_VERSION },
        // eslint-disable-next-line svelte/prefer-svelte-reactivity
        createdAt: new Date().toISOString(),
        base: { id: app.library.modelId, sha256: app.library.baseSha256 },
        count: board.count,
        tags: taggedIndices(board.tags),
        targetVector: Array.from(target.targetVector),
        threshold: target.threshold,
        options: { ...app.run.options, seed: board.seed },
        feature: this.featureRef(),
        steps: app.run.view.step,
        metrics,
        backend: app.host.backend?.name ?? '',
      });
      const base = app.library.modelName.replace(/\.(zip|json)$/i, '').replace(/[^\w.-]+/g, '-');
      return { bytes, name: `${base}-unlearned.zip` };
    } finally {
      this.exporting = false;
    }
  }

  /**
   * Reads an exported zip (or its model.json + weights.bin) and shows it next to its base. The
   * provenance is validated before anything is shown; a bad file only shows a message.
   */
  async importFiles(files: ArrayLike<File> | NamedBytes[]): Promise<void> {
    const { app } = this;
    this.importError = null;
    try {
      const named = isNamedBytes(files) ? files : await readPicked(files);
      const { model, provenance, name } = await readUnlearned(named, app.tags.board.latentDim);
      if (provenance.base.sha256 !== app.library.baseSha256) {
        throw new Error(
          `${name} was unlearned from ${provenance.base.id}; load that generator first (now loaded: ${app.library.modelId ?? 'none'}).`,
        );
      }
      await app.host.engine.loadImported(model);
      this.imported = provenance;
      this.importedImages = await app.host.engine.generate(app.previewLatents(), 'imported');
    } catch (error) {
      const message =
        error instanceof Error && error.name === 'Error' ? error.message : plainMessage(error);
      this.importError = `${message} Nothing was changed.`;
    }
  }

  /** The recipe link of the current tags and settings (with what the run reached, once judged). */
  async recipeLink(): Promise<string> {
    const { app } = this;
    const expect: Recipe['expect'] = {};
    const judged = app.judge.judged;
    const student = app.judge.scores('student');
    if (student?.tfr != null) expect.tfr = student.tfr;
    if (student?.isMnist != null) expect.isMnist = student.isMnist.mean;
    if (student?.fidMnist != null) expect.fidMnist = student.fidMnist;
    if (student?.isFaces != null) expect.isFaces = student.isFaces.mean;
    if (student?.fidFaces != null) expect.fidFaces = student.fidFaces;
    const target = app.inspector.target;
    if (target !== null) {
      expect.threshold = target.threshold;
      expect.targetVector = await targetFingerprint(target.targetVector);
    }
    const options = app.run.options;
    const hash = formatRecipe({
      model: app.library.modelId ?? '',
      count: app.tags.board.count,
      tags: taggedIndices(app.tags.board.tags),
      feature: this.featureRef(),
      options: { ...options, steps: options.steps ?? Math.max(1, app.run.view.step) },
      evalCount: judged === null ? null : judged.count,
      expect,
    });
    return `${location.origin}${location.pathname}${location.search}${hash}`;
  }
}
