import { streamLatents } from '../../lib/core/seed-streams';
import { reproduced } from '../../lib/core/recipe';
import { judgeGenerator, type Judgement } from './judge';
import { PRESETS } from './tag-step.svelte';
import type { Playground } from './playground.svelte';

/** Step 6: TFR, IS_mnist, FID_mnist, the digit histogram and the attack, original vs unlearned. */
export class JudgeStep {
  count = $state(200);
  progress = $state('');
  judged: { original: Judgement; student: Judgement | null; imported: Judgement | null } | null =
    $state.raw(null);
  attackEpsilon = $state(0.3);
  attackSteps = $state(5);
  /** Whether a replayed recipe reproduced, in words; null until a recipe run is judged. */
  verdict: string | null = $state(null);

  constructor(private readonly app: Playground) {}

  async judge(): Promise<void> {
    const { app } = this;
    const engine = app.host.engine;
    const board = app.tags.board;
    const n = Math.max(10, Math.min(10_000, Math.round(this.count)));
    const latents = streamLatents(board.seed, 'evaluation', n, board.latentDim);
    const preset = PRESETS[app.tags.feature];
    const common = {
      engine,
      morpho: app.morpho,
      latents,
      count: n,
      feature: preset,
      attack: app.library.has(`feature-${preset.feature}-b`)
        ? { epsilon: this.attackEpsilon, steps: this.attackSteps }
        : null,
      withMnist: app.library.has('mnist-classifier'),
      reference: app.library.referenceStats(),
    };
    try {
      const original = await judgeGenerator(
        { ...common, which: 'original' },
        (s) => (this.progress = `Original: ${s}`),
      );
      let student: Judgement | null = null;
      if (app.run.view.step > 0) {
        student = await judgeGenerator(
          { ...common, which: 'student' },
          (s) => (this.progress = `Unlearned: ${s}`),
        );
      }
      let imported: Judgement | null = null;
      if (app.share.imported !== null) {
        imported = await judgeGenerator(
          { ...common, which: 'imported' },
          (s) => (this.progress = `Imported: ${s}`),
        );
      }
      this.judged = { original, student, imported };
      this.progress = `Judged on ${n} samples.`;
      const expected = app.share.recipe?.expect.tfr;
      if (student !== null && expected !== undefined) {
        const ok = reproduced(expected, student.tfr, 0.05);
        this.verdict = `${ok ? 'Reproduced' : 'Not reproduced'}: TFR ${(student.tfr * 100).toFixed(1)} % vs the recipe's ${(expected * 100).toFixed(1)} % (tolerance 5 points).`;
      }
    } catch (error) {
      this.progress = '';
      app.error = (error as Error).message;
    }
  }
}
