import { TagBoard } from './tag-board.svelte';
import { featureFlags, type FeatureChoice } from '../workers/morpho-client';
import type { Playground } from './playground.svelte';

/** Presets: the features of the paper's MNIST experiments. */
export const PRESETS: Readonly<Record<string, FeatureChoice & { label: string }>> = {
  thick: { feature: 'thickness', slantSide: 'left', label: 'thick strokes' },
  left: { feature: 'slant', slantSide: 'left', label: 'left slant' },
};

/** Step 3: the tagging grid, the feature being tagged, and "tag for me" (a simulated person). */
export class TagStep {
  readonly board = new TagBoard();
  feature: keyof typeof PRESETS = $state('thick');
  /** What "tag for me" is doing, or null when idle. */
  tagging: string | null = $state(null);

  constructor(private readonly app: Playground) {}

  /** Shows page `page` of the grid, generating its images. */
  async showPage(page: number): Promise<void> {
    this.board.goToPage(page);
    const { pageStart, pageCount } = this.board;
    this.board.pageImages = null;
    this.board.pageImages = await this.app.host.engine.generate(
      this.board.latents(pageStart, pageCount),
    );
  }

  /** "Tag for me": the Morpho-MNIST measure plays a person and tags every sample of the grid. */
  async tagForMe(): Promise<void> {
    const engine = this.app.host.engine;
    const count = this.board.count;
    this.tagging = `Generating ${count} samples…`;
    try {
      const images = await engine.generate(this.board.allLatents());
      const measures = await this.app.morpho.measure(images, count, (done) => {
        this.tagging = `Measuring with Morpho-MNIST: ${done} / ${count}…`;
      });
      this.board.setAll(featureFlags(measures, count, PRESETS[this.feature]), true);
    } catch (error) {
      this.app.error = (error as Error).message;
    } finally {
      this.tagging = null;
    }
  }

  /** Warnings about the tag set before unlearning. */
  warnings(): string[] {
    const n = this.board.tagged;
    const count = this.board.count;
    if (n === 0) return ['No sample is tagged: tag the ones that show the feature first.'];
    if (n === count)
      return ['Every sample is tagged: leave the ones without the feature untagged.'];
    if (n < 10)
      return [`Only ${n} samples are tagged; z_e from so few is noisy (aim for 20 or more).`];
    if (count - n < 10)
      return [`Only ${count - n} samples are untagged; the negatives are too few.`];
    return [];
  }
}
