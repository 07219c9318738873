import type { StepName } from '../logic/url-state';
import { ensureTarget, ensureTags, findFeature } from './story';
import type { Playground } from './playground.svelte';

/** The steps a `?step=` link prepares before showing its card: tags, then z_e and t. */
const NEEDS_TAGS: readonly StepName[] = ['target', 'unlearn', 'judge', 'share'];

/**
 * What a link `?model=…&feature=…&step=…` opens: once the model is ready, the feature it names
 * is chosen and the step's card is shown, with what that step needs done for the person (tags
 * by the chosen measure, z_e and t). Nothing long (an unlearning run) starts from a link.
 */
export class UrlOpening {
  /** The card to bring into view once prepared; the page scrolls to it. */
  shown: StepName | null = $state(null);
  /** What is being prepared, in words; null when nothing is. */
  preparing: string | null = $state(null);
  private applied = false;

  constructor(private readonly app: Playground) {}

  /** Applies the address's feature and step, once, after the first model is ready. */
  async apply(): Promise<void> {
    if (this.applied) return;
    this.applied = true;
    const { app } = this;
    const { feature, step } = app.url;
    if (feature !== null) {
      const key = findFeature(app, feature);
      if (key === null) {
        app.warn(
          `${app.library.modelName} has no feature "${feature}" (from ?feature=); the choices are ${app.tags.choices.map((c) => c.key).join(', ')}.`,
        );
      } else if (key !== app.tags.feature) {
        await app.setFeature(key);
      }
    }
    if (step === null) return;
    if (NEEDS_TAGS.includes(step)) {
      this.preparing = `Opening step "${step}": tagging with the chosen measure…`;
      try {
        const ready = step === 'target' ? await ensureTags(app) : await ensureTarget(app);
        if (!ready) {
          app.warn(
            `Step "${step}" needs tags, and ${app.tags.feature} has no measure to tag for you: tag some samples in step 3.`,
          );
        }
      } finally {
        this.preparing = null;
      }
    }
    this.shown = step;
  }
}
