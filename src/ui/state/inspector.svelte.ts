import type { TargetDiagnostics } from '../../lib/train/unlearn/target';
import { projection } from '../../lib/core/target-vector';
import { rocAuc } from '../../lib/core/roc';
import { featureFlags } from '../workers/morpho-client';
import { PRESETS } from './tag-step.svelte';
import type { Playground } from './playground.svelte';

/** Step 4: z_e and t from the tags, their diagnostics, the ROC-AUC, and a latent walk along z_e. */
export class Inspector {
  target: TargetDiagnostics | null = $state.raw(null);
  error: string | null = $state(null);
  featureAuc: number | null = $state(null);
  /** Why there is no AUC, once it was tried; null while computing or when there is one. */
  featureAucNote: string | null = $state(null);
  walk: Float32Array | null = $state.raw(null);

  constructor(private readonly app: Playground) {}

  /** z_e, t and their diagnostics, ROC-AUC against the Morpho measure, and a latent walk. */
  async inspect(): Promise<void> {
    const engine = this.app.host.engine;
    const board = this.app.tags.board;
    this.error = null;
    this.target = null;
    this.walk = null;
    this.featureAuc = null;
    this.featureAucNote = null;
    const latents = board.allLatents();
    try {
      this.target = await engine.findTarget(latents, board.tags, this.app.run.options);
    } catch (error) {
      this.error = `${(error as Error).message} Your tags are kept; tag some more and try again.`;
      return;
    }
    const dim = board.latentDim;
    const zE = this.target.targetVector;
    const norm = Math.hypot(...zE);
    const steps = [-3, -2, -1, 0, 1, 2, 3];
    const base = this.app.previewLatents().slice(0, dim);
    const walk = new Float32Array(steps.length * dim);
    steps.forEach((k, i) => {
      for (let d = 0; d < dim; d++) walk[i * dim + d] = base[d] + (k * zE[d]) / norm;
    });
    this.walk = await engine.generate(walk);
    const images = await engine.generate(latents);
    const measures = await this.app.morpho.measure(images, board.count);
    const flags = featureFlags(measures, board.count, PRESETS[this.app.tags.feature]);
    const shown = flags.reduce((a, b) => a + b, 0);
    if (shown === 0 || shown === flags.length) {
      this.featureAucNote = `n/a: the measure finds the feature in ${shown} of ${flags.length} samples`;
    } else {
      this.featureAuc = rocAuc(projection(latents, dim, zE), flags);
    }
  }

  /** Forgets the target (new model, new seed). */
  clear(): void {
    this.target = null;
    this.walk = null;
    this.featureAuc = null;
    this.featureAucNote = null;
    this.error = null;
  }
}
