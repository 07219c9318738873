import {
  formatRecipe,
  isRecipeHash,
  parseRecipe,
  targetFingerprint,
  type Recipe,
} from '../../lib/core/recipe';
import { packContainer, unpackContainer, type ContainerManifest } from '../logic/container';
import { taggedIndices } from '../../lib/core/recipe';
import type { Playground } from './playground.svelte';

/** App version written into exports. */
export const APP_VERSION = '0.1.0';

/**
 * Step 7: the unlearned generator as a file with its provenance, importing such a file to compare
 * it with its base, and recipe links (made here, or read from the URL to replay a run).
 */
export class ShareStep {
  imported: ContainerManifest | null = $state.raw(null);
  importedImages: Float32Array | null = $state.raw(null);
  importError: string | null = $state(null);
  recipe: Recipe | null = $state.raw(null);
  recipeError: string | null = $state(null);
  exportUrl: string | null = $state(null);

  constructor(private readonly app: Playground) {}

  /** Reads a recipe from the URL hash; a bad one only sets `recipeError`. */
  readRecipe(hash: string): void {
    if (!isRecipeHash(hash)) return;
    try {
      this.recipe = parseRecipe(hash);
      this.recipeError = null;
    } catch (error) {
      this.recipeError = (error as Error).message;
    }
  }

  /** The unlearned g_θ and its provenance as one file, offered as a download link. */
  async exportModel(): Promise<void> {
    const { app } = this;
    const entry = app.library.entry;
    const target = app.inspector.target;
    if (entry === null || target === null) return;
    const model = await app.host.engine.exportStudent();
    const weightsFile = entry.files.find((f) => f.path.endsWith('.bin'));
    const metrics: Record<string, number> = {};
    const student = app.judge.scores('student');
    const original = app.judge.scores('original');
    if (student?.tfr != null) metrics.tfr = student.tfr;
    if (original?.tfr != null) metrics.tfrOriginal = original.tfr;
    const bytes = await packContainer(model, {
      app: { name: 'unlearning-playground', version: APP_VERSION },
      // eslint-disable-next-line svelte/prefer-svelte-reactivity
      createdAt: new Date().toISOString(),
      base: { id: entry.id, sha256: weightsFile?.sha256 ?? '' },
      seed: app.tags.board.seed,
      count: app.tags.board.count,
      tags: taggedIndices(app.tags.board.tags),
      targetVector: Array.from(target.targetVector),
      threshold: target.threshold,
      settings: { ...app.run.options, feature: app.tags.feature },
      steps: app.run.view.step,
      metrics,
      backend: app.host.backend?.name ?? '',
    });
    if (this.exportUrl !== null) URL.revokeObjectURL(this.exportUrl);
    this.exportUrl = URL.createObjectURL(
      new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }),
    );
  }

  exportFileName(): string {
    return `${this.app.library.modelId ?? 'model'}-unlearned-${this.app.tags.feature}.unlearned`;
  }

  /** Reads an exported file and shows it next to its base; a bad file only shows a message. */
  async importFile(file: File): Promise<void> {
    const { app } = this;
    this.importError = null;
    try {
      const { manifest, model } = await unpackContainer(new Uint8Array(await file.arrayBuffer()));
      if (manifest.base.id !== app.library.modelId) {
        throw new Error(
          `This file was unlearned from ${manifest.base.id}; load that model first (now loaded: ${app.library.modelId ?? 'none'}).`,
        );
      }
      await app.host.engine.loadImported(model);
      this.imported = manifest;
      this.importedImages = await app.host.engine.generate(app.previewLatents(), 'imported');
    } catch (error) {
      this.importError = `${file.name}: ${(error as Error).message} Nothing was changed.`;
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
    const target = app.inspector.target;
    if (target !== null) {
      expect.threshold = target.threshold;
      expect.targetVector = await targetFingerprint(target.targetVector);
    }
    const preset = app.tags.preset;
    const options = app.run.options;
    const hash = formatRecipe({
      model: app.library.modelId ?? '',
      count: app.tags.board.count,
      tags: taggedIndices(app.tags.board.tags),
      feature:
        preset !== null
          ? { kind: 'morpho', feature: preset.feature, slantSide: preset.slantSide }
          : app.tags.feature === 'classifier'
            ? { kind: 'classifier' }
            : null,
      options: { ...options, steps: options.steps ?? Math.max(1, app.run.view.step) },
      evalCount: judged === null ? null : judged.count,
      expect,
    });
    return `${location.origin}${location.pathname}${location.search}${hash}`;
  }
}
