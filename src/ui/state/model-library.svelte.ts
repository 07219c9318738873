import type { ModelEntry, ModelIndex } from '../../lib/models/manifest';
import type { GeneratorBytes, GeneratorInfo, GeneratorSource } from '../../lib/engine/types';
import { MNIST_SHAPE, type ImageShape } from '../../lib/models/image-shape';
import type { GaussianStatsValue } from '../../lib/core/fid';
import {
  deleteCachedFiles,
  listCachedFiles,
  loadModelFiles,
  loadModelIndex,
  type CachedFile,
  type DownloadProgress,
} from './model-files';

/**
 * The models this page can use: the site's list (models/index.json, or the copy saved offline),
 * what IndexedDB holds, the chosen generator's files with download progress, and the
 * classifiers the judge needs.
 */
export class ModelLibrary {
  index: ModelIndex | null = $state.raw(null);
  offline = $state(false);
  modelId: string | null = $state(null);
  download: DownloadProgress | null = $state.raw(null);
  cached: CachedFile[] = $state.raw([]);
  /** What the engine read from the chosen generator, once loaded. */
  info: GeneratorInfo | null = $state.raw(null);

  readonly entry = $derived(this.index?.models.find((m) => m.id === this.modelId) ?? null);
  readonly generators = $derived(this.index?.models.filter((m) => m.kind === 'generator') ?? []);
  /** The chosen generator's image shape (MNIST's until one is loaded). */
  readonly shape: ImageShape = $derived(this.info?.imageShape ?? MNIST_SHAPE);

  // Not reactive on purpose: raw model bytes, never drawn.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private files = new Map<string, ArrayBuffer>();

  /** @param onWarning hears storage problems (quota, private mode) that cost nothing but a copy. */
  constructor(private readonly onWarning: (message: string) => void) {}

  /** Reads the model list; throws with a plain message when there is none. */
  async loadIndex(): Promise<void> {
    const { index, offline } = await loadModelIndex();
    this.index = index;
    this.offline = offline;
  }

  async refreshCache(): Promise<void> {
    this.cached = await listCachedFiles().catch(() => []);
  }

  async deleteCache(prefix: string): Promise<void> {
    await deleteCachedFiles(prefix);
    await this.refreshCache();
  }

  /** Whether the site lists a model `id`. */
  has(id: string): boolean {
    return this.index?.models.some((m) => m.id === id) ?? false;
  }

  /** Whether IndexedDB holds files of generator `id` (a returning visitor's model). */
  isCached(id: string): boolean {
    return this.cached.some((f) => f.path.startsWith(`${id}/`));
  }

  /** Downloads (or reads from IndexedDB) generator `id`'s files and makes it the chosen one. */
  async fetchGenerator(id: string): Promise<GeneratorSource> {
    const entry = this.generators.find((m) => m.id === id);
    if (entry === undefined) throw new Error(`This site has no generator "${id}".`);
    this.modelId = id;
    await this.fetchFiles(entry, (p) => (this.download = p));
    await this.refreshCache();
    return {
      id: entry.id,
      ...this.bytesOf(entry),
      latentDim: entry.latentDim ?? 0,
      outputRange: entry.outputRange ?? 'tanh',
    };
  }

  /** model.json + weights of a listed classifier, fetched; null when the site does not ship it. */
  async classifierBytes(id: string): Promise<GeneratorBytes | null> {
    const entry = this.index?.models.find((m) => m.id === id);
    if (entry === undefined) return null;
    await this.fetchFiles(entry, () => undefined);
    return this.bytesOf(entry);
  }

  /** The MNIST test set's feature statistics (FID_mnist's reference), when the site ships them. */
  referenceStats(): GaussianStatsValue | null {
    const entry = this.index?.models.find((m) => m.id === 'mnist-classifier');
    const file = entry?.files.find((f) => f.path.endsWith('test-stats.json'));
    const bytes = file && this.files.get(file.path);
    if (bytes === undefined) return null;
    const json = JSON.parse(new TextDecoder().decode(bytes)) as { mean: number[]; cov: number[] };
    return { mean: Float64Array.from(json.mean), cov: Float64Array.from(json.cov) };
  }

  private async fetchFiles(
    entry: ModelEntry,
    onProgress: (p: DownloadProgress) => void,
  ): Promise<void> {
    const files = await loadModelFiles(entry, onProgress, this.onWarning);
    for (const [k, v] of files) this.files.set(k, v);
  }

  private bytesOf(entry: ModelEntry): GeneratorBytes {
    const jsonFile = entry.files.find((f) => f.path.endsWith('model.json'));
    const binFile = entry.files.find((f) => f.path.endsWith('.bin'));
    const json = jsonFile && this.files.get(jsonFile.path);
    const weights = binFile && this.files.get(binFile.path);
    if (json === undefined || weights === undefined) {
      throw new Error(`${entry.id} lacks model.json or weights.bin in models/index.json.`);
    }
    return {
      modelJson: JSON.parse(new TextDecoder().decode(json)) as GeneratorBytes['modelJson'],
      weights,
    };
  }
}
