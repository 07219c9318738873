import { readModelFiles } from '../../lib/models/layers-files';
import { isMnistShape } from '../../lib/models/image-shape';
import { plainMessage, readPicked } from '../logic/files';
import type { Playground } from './playground.svelte';
import type { ClassifierRole, QualityNetwork } from '../../lib/engine/types';
import type { FaceAttribute } from '../../lib/data/faces/attributes';

/** The quality classifier of each data set: its id in models/ (FID's reference ships beside it). */
export const QUALITY_CLASSIFIERS: Readonly<Record<QualityNetwork, string>> = {
  mnist: 'mnist-classifier',
  faces: 'faces-classifier',
};

/**
 * The classifiers the engine holds for the judge: the quality classifier (IS/FID_mnist for
 * MNIST-shaped generators, IS/FID_faces for colour ones), the feature classifiers h_a and h_b
 * of the chosen feature (shipped per Morpho feature or face attribute; for an attribute h_a
 * also tags for the person and measures the TFR), and a person's own feature classifier
 * (step 3), which then measures the feature.
 */
export class ClassifierSet {
  /** Which quality classifier is loaded, if any. */
  quality: QualityNetwork | null = $state(null);
  /** Whether h_a and h_b of the chosen feature are loaded. */
  attack = $state(false);
  /** The face attribute whose `feature-<attribute>-a` is loaded as h_a, if any. */
  attribute: FaceAttribute | null = $state(null);
  /** The name of the person's own classifier, once loaded for this generator. */
  feature: string | null = $state(null);
  /** Why the person's classifier was refused. */
  error: string | null = $state(null);

  constructor(private readonly app: Playground) {}

  /** Whether the MNIST classifier is loaded (IS_mnist, FID_mnist). */
  get mnist(): boolean {
    return this.quality === 'mnist';
  }

  /**
   * After a generator is loaded: the shipped quality classifier that fits it, the feature the
   * generator can be measured by, and its h_a and h_b; none of the person's classifiers yet.
   */
  async loadShipped(): Promise<void> {
    this.feature = null;
    const shape = this.app.library.shape;
    // The faces classifier knows only the avatar faces: it judges the site's face generators,
    // not a person's own colour generator.
    const network: QualityNetwork | null = isMnistShape(shape)
      ? 'mnist'
      : shape.channels === 3 && this.app.library.entry !== null
        ? 'faces'
        : null;
    this.quality =
      network !== null && (await this.loadOne(QUALITY_CLASSIFIERS[network], network))
        ? network
        : null;
    this.app.tags.fitChoice();
    await this.loadAttack();
  }

  /**
   * h_a and h_b of the chosen feature: `feature-<thickness|slant>-{a,b}` for a Morpho feature of
   * an MNIST-shaped generator, `feature-<attribute>-{a,b}` for a face attribute.
   */
  async loadAttack(): Promise<void> {
    const preset = this.app.tags.preset;
    const attribute = this.app.tags.attribute;
    const name =
      preset !== null && isMnistShape(this.app.library.shape) ? preset.feature : attribute;
    this.attribute = null;
    this.attack = false;
    if (name === null) return;
    const a = await this.loadOne(`feature-${name}-a`, 'featureA');
    if (a && attribute !== null) this.attribute = attribute;
    this.attack = a && (await this.loadOne(`feature-${name}-b`, 'featureB'));
  }

  /** Loads shipped classifier `id` into the engine as `role`; false when it is not shipped or fails. */
  private async loadOne(id: string, role: ClassifierRole): Promise<boolean> {
    try {
      const bytes = await this.app.library.classifierBytes(id);
      if (bytes === null) return false;
      await this.app.host.engine.loadClassifier(role, bytes);
      return true;
    } catch (error) {
      this.app.warning = `${id} could not be loaded (${(error as Error).message}); the metrics that need it are hidden.`;
      return false;
    }
  }

  /**
   * The person's own feature classifier (`[H, W, C] → logit`): checked against the loaded
   * generator's images, then chosen as the measure of the feature. A bad one only sets `error`.
   */
  async importOwn(files: ArrayLike<File>): Promise<void> {
    this.error = null;
    try {
      const read = readModelFiles(await readPicked(files), [], 'classifier');
      await this.app.host.engine.loadFeatureClassifier({
        modelJson: read.modelJson,
        weights: read.weights,
      });
      this.feature = read.name;
      this.app.tags.feature = 'classifier';
      this.app.inspector.clear();
    } catch (error) {
      this.error = `${plainMessage(error)} Nothing was changed.`;
    }
  }
}
