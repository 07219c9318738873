import type { TargetDiagnostics } from '../../lib/train/unlearn/target';
import { streamLatents } from '../../lib/core/seed-streams';
import { judge } from '../../lib/eval/judge';
import type { Playground } from './playground.svelte';

/** Fresh evaluation samples the inspector's ROC-AUC is measured on. */
export const INSPECT_SAMPLES = 500;

/**
 * Step 4: z_e and t from the tags, their diagnostics, the ROC-AUC of the projection against the
 * feature measure on fresh samples (as Table 5), and a latent walk along z_e.
 */
export class Inspector {
  target: TargetDiagnostics | null = $state.raw(null);
  error: string | null = $state(null);
  featureAuc: number | null = $state(null);
  /** Why there is no AUC, once it was tried; null while computing or when there is one. */
  featureAucNote: string | null = $state(null);
  walk: Float32Array | null = $state.raw(null);

  constructor(private readonly app: Playground) {}

  /** z_e, t and their diagnostics, the out-of-sample ROC-AUC, and a latent walk. */
  async inspect(): Promise<void> {
    const engine = this.app.host.engine;
    const board = this.app.tags.board;
    this.clear();
    try {
      this.target = await engine.findTarget(board.allLatents(), board.tags, this.app.run.options);
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
    const labeler = this.app.tags.labeler();
    if (labeler === null) {
      this.featureAucNote =
        'n/a: no measure of the feature (pick one in step 3, or judge by eye in step 6)';
      return;
    }
    const judged = await judge({
      engine,
      roles: ['original'],
      latents: streamLatents(board.seed, 'evaluation', INSPECT_SAMPLES, dim),
      count: INSPECT_SAMPLES,
      latentDim: dim,
      labeler,
      quality: null,
      target: this.target,
      floor: false,
      attack: null,
    });
    const shown = judged.generators[0].tfr ?? 0;
    if (judged.auc === null) {
      this.featureAucNote = `n/a: the measure finds the feature in ${Math.round(shown * INSPECT_SAMPLES)} of ${INSPECT_SAMPLES} fresh samples`;
    } else {
      this.featureAuc = judged.auc;
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
