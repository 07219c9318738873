import { readModelFiles } from '../../lib/models/layers-files';
import { isMnistShape } from '../../lib/models/image-shape';
import { plainMessage, readPicked } from '../logic/files';
import type { Playground } from './playground.svelte';

/**
 * The classifiers the engine holds for the judge: the MNIST classifier (IS/FID_mnist), the
 * feature classifiers h_a and h_b of the attack (shipped, per Morpho feature), and a person's own
 * feature classifier (step 3), which then measures the feature.
 */
export class ClassifierSet {
  mnist = $state(false);
  attack = $state(false);
  /** The name of the person's own classifier, once loaded for this generator. */
  feature: string | null = $state(null);
  /** Why the person's classifier was refused. */
  error: string | null = $state(null);

  constructor(private readonly app: Playground) {}

  /** After a generator is loaded: the shipped classifiers that fit it; none of the person's yet. */
  async loadShipped(): Promise<void> {
    this.feature = null;
    this.mnist = isMnistShape(this.app.library.shape)
      ? await this.loadOne('mnist-classifier', 'mnist')
      : false;
    await this.loadAttack();
  }

  /** h_a and h_b of the chosen Morpho feature, for the attack; only for MNIST-shaped generators. */
  async loadAttack(): Promise<void> {
    const preset = this.app.tags.preset;
    this.attack =
      preset !== null &&
      isMnistShape(this.app.library.shape) &&
      (await this.loadOne(`feature-${preset.feature}-a`, 'featureA')) &&
      (await this.loadOne(`feature-${preset.feature}-b`, 'featureB'));
  }

  /** Loads shipped classifier `id` into the engine as `role`; false when it is not shipped or fails. */
  private async loadOne(id: string, role: 'mnist' | 'featureA' | 'featureB'): Promise<boolean> {
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
