import { sampleLatentsAt } from '../../lib/core/rng';
import { streamSeed } from '../../lib/core/seed-streams';
import { countTags, moveFocus, tagRange, toggleTag } from '../logic/tag-selection';
import { getState, setState } from './storage';

/** Stored tags of one (model, seed, count) grid. */
interface SavedTags {
  tags: number[];
  simulated: boolean;
}

/**
 * The tagging grid: `count` samples z_i, latent i of the run seed's tag-grid stream, shown a page at a time; which
 * are tagged as showing the feature, where keyboard focus is, and the shift-click anchor.
 * Tags autosave to IndexedDB per (model, seed, count).
 */
export class TagBoard {
  modelId = $state('');
  latentDim = $state(0);
  seed = $state(0);
  count = $state(500);
  readonly pageSize = 100;
  readonly columns = 10;
  page = $state(0);
  /** [count], 1 = tagged. */
  tags: Uint8Array = $state.raw(new Uint8Array(500));
  /** Whether the Morpho measure (a simulated person) set the tags. */
  simulated = $state(false);
  focus = $state(0);
  anchor: number | null = $state(null);
  /** unitImages [pageSize · 784] of the page shown. */
  pageImages: Float32Array | null = $state.raw(null);
  saveError: string | null = $state(null);

  readonly tagged = $derived(countTags(this.tags));
  readonly pages = $derived(Math.ceil(this.count / this.pageSize));
  readonly pageStart = $derived(this.page * this.pageSize);
  readonly pageCount = $derived(Math.min(this.pageSize, this.count - this.pageStart));

  private get storageKey(): string {
    return `tags:${this.modelId}:${this.seed}:${this.count}`;
  }

  /** Latents [n · latentDim] of samples `from` … `from + n − 1`. */
  latents(from: number, n: number): Float32Array {
    return sampleLatentsAt(
      streamSeed(this.seed, 'tagGrid'),
      Array.from({ length: n }, (_, i) => from + i),
      this.latentDim,
    );
  }

  /** All `count` latents: the pool. */
  allLatents(): Float32Array {
    return this.latents(0, this.count);
  }

  /** Switches to a grid and loads its saved tags (none saved: all untagged). */
  async open(modelId: string, latentDim: number, seed: number, count: number): Promise<void> {
    this.modelId = modelId;
    this.latentDim = latentDim;
    this.seed = seed;
    this.count = count;
    this.page = 0;
    this.focus = 0;
    this.anchor = null;
    const saved = await getState<SavedTags>(this.storageKey);
    const tags = new Uint8Array(count);
    if (saved !== undefined && saved.tags.length === count) tags.set(saved.tags);
    this.tags = tags;
    this.simulated = saved?.simulated ?? false;
  }

  /** Replaces every tag (a preset, "tag for me", a recipe) and saves. */
  setAll(tags: Uint8Array, simulated: boolean): void {
    this.tags = tags;
    this.simulated = simulated;
    void this.save();
  }

  /** A click (or space) on sample `index`; with shift, the range from the last click. */
  activate(index: number, shift: boolean): void {
    this.tags =
      shift && this.anchor !== null
        ? tagRange(this.tags, this.anchor, index)
        : toggleTag(this.tags, index);
    this.anchor = index;
    this.focus = index;
    this.simulated = false;
    void this.save();
  }

  /** Moves keyboard focus; returns the new global index or null when the key is not ours. */
  key(key: string): number | null {
    const local = this.focus - this.pageStart;
    const next = moveFocus(local, key, this.columns, this.pageCount);
    if (next === null) return null;
    this.focus = this.pageStart + next;
    return this.focus;
  }

  goToPage(page: number): void {
    this.page = Math.max(0, Math.min(this.pages - 1, page));
    this.focus = this.pageStart;
  }

  clear(): void {
    this.setAll(new Uint8Array(this.count), false);
  }

  private async save(): Promise<void> {
    try {
      await setState(
        this.storageKey,
        { tags: Array.from(this.tags), simulated: this.simulated } satisfies SavedTags,
        'your tags',
      );
      this.saveError = null;
    } catch (error) {
      this.saveError = (error as Error).message;
    }
  }
}
