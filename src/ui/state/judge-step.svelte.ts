import { streamLatents } from '../../lib/core/seed-streams';
import { checkReplay, describeReplay, targetFingerprint } from '../../lib/core/recipe';
import { judge, type Judgement } from '../../lib/eval/judge';
import type { GeneratorRole } from '../../lib/engine/types';
import { isMnistShape } from '../../lib/models/image-shape';
import type { Playground } from './playground.svelte';

/** Samples the PGD attack starts from, at most. */
const ATTACK_SAMPLES = 100;

/**
 * Step 6: the one judge path (lib/eval/judge) on the run seed's evaluation latents: TFR,
 * IS_mnist, FID_mnist, the digit histogram, the out-of-sample ROC-AUC and the attack, for the
 * original, the unlearned and an imported generator.
 */
export class JudgeStep {
  count = $state(200);
  progress = $state('');
  judged: Judgement | null = $state.raw(null);
  attackEpsilon = $state(0.3);
  attackSteps = $state(5);
  /** Whether a replayed recipe reproduced, in words; null until a recipe run is judged. */
  verdict: string | null = $state(null);

  constructor(private readonly app: Playground) {}

  /** Whether the attack can run: the site ships h_a and h_b for this feature and model shape. */
  get canAttack(): boolean {
    return this.app.classifiers.attack;
  }

  async judge(): Promise<void> {
    const { app } = this;
    const board = app.tags.board;
    const n = Math.max(10, Math.min(10_000, Math.round(this.count)));
    const roles: GeneratorRole[] = ['original'];
    if (app.run.view.step > 0) roles.push('student');
    if (app.share.imported !== null) roles.push('imported');
    const reference = app.library.referenceStats();
    const attackCount = Math.min(n, ATTACK_SAMPLES);
    this.progress = 'Starting…';
    try {
      this.judged = await judge({
        engine: app.host.engine,
        roles,
        latents: streamLatents(board.seed, 'evaluation', n, board.latentDim),
        count: n,
        latentDim: board.latentDim,
        labeler: app.tags.labeler(),
        quality:
          reference !== null && app.classifiers.mnist && isMnistShape(app.library.shape)
            ? { reference }
            : null,
        target: app.inspector.target,
        floor: app.run.view.step > 0 && app.tags.labeler() !== null,
        attack: this.canAttack
          ? {
              latents: streamLatents(board.seed, 'attack', attackCount, board.latentDim),
              epsilon: this.attackEpsilon,
              steps: this.attackSteps,
            }
          : null,
        onProgress: (text) => (this.progress = text),
      });
      this.count = n;
      this.progress = `Judged on ${n} samples.`;
      await this.checkRecipe();
    } catch (error) {
      this.progress = '';
      app.error = (error as Error).message;
    }
  }

  /** The scores of generator `which`, if judged. */
  scores(which: GeneratorRole) {
    return this.judged?.generators.find((g) => g.which === which) ?? null;
  }

  /** After a replayed recipe's run: compares z_e, t and the student's numbers with the recipe. */
  private async checkRecipe(): Promise<void> {
    const recipe = this.app.share.recipe;
    const student = this.scores('student');
    const target = this.app.inspector.target;
    if (recipe === null || student === null || target === null) return;
    const result = checkReplay(recipe.expect, {
      threshold: target.threshold,
      targetVector: await targetFingerprint(target.targetVector),
      tfr: student.tfr,
      isMnist: student.isMnist?.mean ?? null,
      fidMnist: student.fidMnist,
    });
    const sameEval = recipe.evalCount === null || recipe.evalCount === this.count;
    this.verdict =
      describeReplay(result) +
      (sameEval
        ? ''
        : ` (The recipe was judged on ${recipe.evalCount} samples, this on ${this.count}.)`);
  }
}
