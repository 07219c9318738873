import { TagBoard } from './tag-board.svelte';
import { tagWarnings } from '../logic/tag-warnings';
import { morphoLabeler, type FeatureChoice } from '../workers/morpho-client';
import { classifierLabeler, type FeatureLabeler } from '../../lib/eval/judge';
import { isMnistShape } from '../../lib/models/image-shape';
import type { Playground } from './playground.svelte';
import { FACE_ATTRIBUTES, type FaceAttribute } from '../../lib/data/faces/attributes';

/** Presets: the features of the paper's MNIST experiments, measured by Morpho-MNIST. */
export const PRESETS: Readonly<Record<'thick' | 'left', FeatureChoice & { label: string }>> = {
  thick: { feature: 'thickness', slantSide: 'left', label: 'thick strokes' },
  left: { feature: 'slant', slantSide: 'left', label: 'left slant' },
};

/**
 * What counts as the feature: a Morpho preset, a face attribute (its shipped classifier
 * `feature-<attribute>-a`), the user's feature classifier, or only the tags.
 */
export type FeatureKey = keyof typeof PRESETS | FaceAttribute | 'classifier' | 'tags';

/** Step 3: the tagging grid, the feature being tagged, and "tag for me" (a simulated person). */
export class TagStep {
  readonly board = new TagBoard();
  feature: FeatureKey = $state('thick');
  /** What "tag for me" is doing, or null when idle. */
  tagging: string | null = $state(null);

  constructor(private readonly app: Playground) {}

  /**
   * The features this generator can be measured by: Morpho on 28×28 greyscale; for the
   * site's own face generators, each face attribute whose classifier the site ships (they know
   * only the avatar faces, so a person's own colour generator is not offered them); a person's
   * own classifier.
   */
  get choices(): { key: FeatureKey; label: string }[] {
    const out: { key: FeatureKey; label: string }[] = [];
    const shape = this.app.library.shape;
    if (isMnistShape(shape)) {
      for (const [key, p] of Object.entries(PRESETS)) {
        out.push({ key: key as FeatureKey, label: `${p.label} (Morpho-MNIST)` });
      }
    }
    if (shape.channels === 3 && this.app.library.entry !== null) {
      for (const attribute of FACE_ATTRIBUTES) {
        const id = `feature-${attribute}-a`;
        if (this.app.library.hasClassifier(id)) {
          out.push({ key: attribute, label: `${attribute} (attribute classifier ${id})` });
        }
      }
    }
    const name = this.app.classifiers.feature;
    if (name !== null)
      out.push({ key: 'classifier', label: `${name} (your classifier, logit > 0)` });
    out.push({ key: 'tags', label: 'only my tags (no measure: I count it myself)' });
    return out;
  }

  /** The Morpho preset of the chosen feature, or null. */
  get preset(): (FeatureChoice & { label: string }) | null {
    return this.feature === 'thick' || this.feature === 'left' ? PRESETS[this.feature] : null;
  }

  /** The face attribute chosen, or null. */
  get attribute(): FaceAttribute | null {
    return FACE_ATTRIBUTES.find((a) => a === this.feature) ?? null;
  }

  /** The measure of the chosen feature for "tag for me" and the judge; null: none. */
  labeler(): FeatureLabeler | null {
    const preset = this.preset;
    if (preset !== null && isMnistShape(this.app.library.shape)) {
      return morphoLabeler(this.app.morpho, preset);
    }
    const attribute = this.attribute;
    if (attribute !== null && this.app.classifiers.attribute === attribute) {
      return classifierLabeler(
        this.app.host.engine,
        'featureA',
        `feature-${attribute}-a (attribute classifier, logit > 0)`,
      );
    }
    const name = this.app.classifiers.feature;
    if (this.feature === 'classifier' && name !== null) {
      return classifierLabeler(this.app.host.engine, 'feature', name);
    }
    return null;
  }

  /** Picks the first available feature when the chosen one does not fit the generator. */
  fitChoice(): void {
    if (!this.choices.some((c) => c.key === this.feature)) this.feature = this.choices[0].key;
  }

  /** Shows page `page` of the grid, generating its images. */
  async showPage(page: number): Promise<void> {
    this.board.goToPage(page);
    const { pageStart, pageCount } = this.board;
    this.board.pageImages = null;
    this.board.pageImages = await this.app.generate(this.board.latents(pageStart, pageCount));
  }

  /** "Tag for me": the chosen measure plays a person and tags every sample of the grid. */
  async tagForMe(): Promise<void> {
    const labeler = this.labeler();
    if (labeler === null) return;
    const count = this.board.count;
    this.tagging = `Generating ${count} samples…`;
    try {
      const images = await this.app.host.engine.generate(this.board.allLatents());
      this.tagging = `Measuring with ${labeler.name}…`;
      const labels = await labeler.labels(images, count, (done) => {
        this.tagging = `Measuring with ${labeler.name}: ${done} / ${count}…`;
      });
      this.board.setAll(labels, true);
    } catch (error) {
      this.app.error = (error as Error).message;
    } finally {
      this.tagging = null;
    }
  }

  /** Warnings about the tag set before unlearning. */
  warnings(): string[] {
    return tagWarnings(this.board.tagged, this.board.count);
  }
}
