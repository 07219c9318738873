import type { ModelEntry, ModelIndex } from '../../lib/models/manifest';
import type {
  GeneratorBytes,
  GeneratorInfo,
  GeneratorReport,
  GeneratorSource,
} from '../../lib/engine/types';
import { MNIST_SHAPE, type ImageShape } from '../../lib/models/image-shape';
import type { OutputRange } from '../../lib/models/image-range';
import type { LayersModelFiles } from '../../lib/models/layers-files';
import { sha256Hex } from '../../lib/models/manifest';
import { del, fileStore, get, getState, set, setState, storageMessage } from './storage';
import type { GaussianStatsValue } from '../../lib/core/fid';
import { parseReferenceStats } from '../../lib/eval/reference-stats';
import {
  deleteCachedFiles,
  listCachedFiles,
  loadModelFiles,
  loadModelIndex,
  type CachedFile,
  type DownloadProgress,
} from './model-files';

/** A generator a person brought: what it is, kept in IndexedDB with its bytes. */
export interface UserGenerator {
  /** `sha256-` and the first 16 hex digits of its weights' SHA-256: the id recipes name. */
  id: string;
  /** The file it came from. */
  name: string;
  sha256: string;
  latentDim: number;
  imageShape: ImageShape;
  outputRange: OutputRange;
  parameters: number;
  /** Bytes of model.json and the weights. */
  size: number;
  addedAt: string;
}

const USER_LIST = 'user-generators';

/**
 * The files of a model the page needs: its model.json, weights.bin and FID reference
 * statistics, not what the manifest lists besides (samples, an encoder, a discriminator, the
 * ProgGAN's training copies).
 */
export function appFiles(entry: ModelEntry): ModelEntry['files'] {
  const wanted = ['model.json', 'weights.bin', 'test-stats.json'].map((f) => `${entry.id}/${f}`);
  return entry.files.filter((f) => wanted.includes(f.path));
}

/** Bytes the page downloads for model `entry`. */
export function downloadSize(entry: ModelEntry): number {
  return appFiles(entry).reduce((a, f) => a + f.size, 0);
}
const userKey = (id: string): string => `user:${id}`;

/**
 * The models this page can use: the site's list (models/index.json, or the copy saved offline),
 * generators a person brought (kept in IndexedDB), the chosen generator's files with download
 * progress, and the classifiers the judge needs.
 */
export class ModelLibrary {
  index: ModelIndex | null = $state.raw(null);
  offline = $state(false);
  modelId: string | null = $state(null);
  download: DownloadProgress | null = $state.raw(null);
  cached: CachedFile[] = $state.raw([]);
  /** What the engine read from the chosen generator, once loaded. */
  info: GeneratorInfo | null = $state.raw(null);
  /** Generators people brought, newest first. */
  userGenerators: UserGenerator[] = $state.raw([]);

  readonly entry = $derived(this.index?.models.find((m) => m.id === this.modelId) ?? null);
  readonly generators = $derived(this.index?.models.filter((m) => m.kind === 'generator') ?? []);
  /** The chosen generator's image shape (MNIST's until one is loaded). */
  readonly shape: ImageShape = $derived(this.info?.imageShape ?? MNIST_SHAPE);

  // Not reactive on purpose: raw model bytes, never drawn.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private files = new Map<string, ArrayBuffer>();
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private userBytes = new Map<string, GeneratorBytes>();

  /** @param onWarning hears storage problems (quota, private mode) that cost nothing but a copy. */
  constructor(private readonly onWarning: (message: string) => void) {}

  /** The chosen user generator, if the chosen model is one. */
  readonly userEntry = $derived(this.userGenerators.find((g) => g.id === this.modelId) ?? null);

  /** SHA-256 of the chosen generator's weights: what an export names as its base. */
  get baseSha256(): string {
    if (this.userEntry !== null) return this.userEntry.sha256;
    const id = this.entry?.id;
    return this.entry?.files.find((f) => f.path === `${id}/weights.bin`)?.sha256 ?? '';
  }

  /** A short name of the chosen generator, for file names and messages. */
  get modelName(): string {
    return this.userEntry?.name ?? this.modelId ?? 'model';
  }

  /** Whether `id` names a generator this page can load (shipped or brought). */
  hasGenerator(id: string): boolean {
    return this.generators.some((m) => m.id === id) || this.userGenerators.some((g) => g.id === id);
  }

  /** Reads the list of generators people brought (saved on earlier visits). */
  async loadUserGenerators(): Promise<void> {
    this.userGenerators = (await getState<UserGenerator[]>(USER_LIST)) ?? [];
  }

  /**
   * Keeps a checked user generator in IndexedDB and lists it; `range` is its output range
   * (read from its last activation, or the person's answer). Returns its entry. A storage
   * failure keeps it for this visit only and says so through `onWarning`.
   */
  async addUserGenerator(
    read: LayersModelFiles,
    report: GeneratorReport,
    range: OutputRange,
  ): Promise<UserGenerator> {
    const sha256 = await sha256Hex(read.weights);
    const json = JSON.stringify(read.modelJson);
    const entry: UserGenerator = {
      id: `sha256-${sha256.slice(0, 16)}`,
      name: read.name,
      sha256,
      latentDim: report.latentDim,
      imageShape: report.imageShape,
      outputRange: range,
      parameters: report.parameters,
      size: json.length + read.weights.byteLength,
      // eslint-disable-next-line svelte/prefer-svelte-reactivity
      addedAt: new Date().toISOString(),
    };
    this.userBytes.set(entry.id, { modelJson: read.modelJson, weights: read.weights });
    this.userGenerators = [entry, ...this.userGenerators.filter((g) => g.id !== entry.id)];
    try {
      await set(userKey(entry.id), { json, weights: read.weights }, fileStore);
      await setState(USER_LIST, this.userGenerators, 'the list of your generators');
    } catch (error) {
      this.onWarning(storageMessage(error, `${entry.name}`));
    }
    await this.refreshCache();
    return entry;
  }

  /** Forgets a user generator: from the list and from IndexedDB. */
  async deleteUserGenerator(id: string): Promise<void> {
    this.userGenerators = this.userGenerators.filter((g) => g.id !== id);
    this.userBytes.delete(id);
    await del(userKey(id), fileStore).catch(() => undefined);
    await setState(USER_LIST, this.userGenerators, 'the list of your generators').catch(
      () => undefined,
    );
    await this.refreshCache();
  }

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

  /**
   * Generator `id`'s bytes, made the chosen one: a user generator from this visit or IndexedDB,
   * else a shipped one, downloaded (or read from IndexedDB) with progress.
   */
  async fetchGenerator(id: string): Promise<GeneratorSource> {
    const user = this.userGenerators.find((g) => g.id === id);
    if (user !== undefined) {
      const bytes = await this.userGeneratorBytes(user);
      this.modelId = id;
      return { id, ...bytes, latentDim: user.latentDim, outputRange: user.outputRange };
    }
    const entry = this.generators.find((m) => m.id === id);
    if (entry === undefined) throw new Error(`This site has no generator "${id}".`);
    this.modelId = id;
    await this.fetchFiles(entry, (p) => (this.download = p));
    void this.refreshCache();
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

  /**
   * FID's reference of quality classifier `id` (the MNIST test set's or the held-out faces'
   * feature statistics), when the site ships them and they were fetched with it.
   *
   * @throws Error when the file is there but malformed.
   */
  referenceStats(id: string): GaussianStatsValue | null {
    const entry = this.index?.models.find((m) => m.id === id);
    const file = entry?.files.find((f) => f.path === `${id}/test-stats.json`);
    const bytes = file && this.files.get(file.path);
    if (bytes === undefined) return null;
    return parseReferenceStats(JSON.parse(new TextDecoder().decode(bytes)) as unknown);
  }

  /** Whether the site lists a classifier `id`. */
  hasClassifier(id: string): boolean {
    return this.index?.models.some((m) => m.id === id && m.kind === 'classifier') ?? false;
  }

  private async userGeneratorBytes(user: UserGenerator): Promise<GeneratorBytes> {
    const held = this.userBytes.get(user.id);
    if (held !== undefined) return held;
    const stored = await get<{ json: string; weights: ArrayBuffer }>(userKey(user.id), fileStore);
    if (stored === undefined) {
      throw new Error(
        `${user.name} is no longer stored in this browser (its storage was cleared); add it again in step 1.`,
      );
    }
    const bytes = { modelJson: JSON.parse(stored.json), weights: stored.weights } as GeneratorBytes;
    this.userBytes.set(user.id, bytes);
    return bytes;
  }

  private async fetchFiles(
    entry: ModelEntry,
    onProgress: (p: DownloadProgress) => void,
  ): Promise<void> {
    const files = await loadModelFiles(
      { ...entry, files: appFiles(entry) },
      onProgress,
      this.onWarning,
    );
    for (const [k, v] of files) this.files.set(k, v);
  }

  private bytesOf(entry: ModelEntry): GeneratorBytes {
    const json = this.files.get(`${entry.id}/model.json`);
    const weights = this.files.get(`${entry.id}/weights.bin`);
    if (json === undefined || weights === undefined) {
      throw new Error(`${entry.id} lacks model.json or weights.bin in models/index.json.`);
    }
    return {
      modelJson: JSON.parse(new TextDecoder().decode(json)) as GeneratorBytes['modelJson'],
      weights,
    };
  }
}
