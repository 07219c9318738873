import { streamLatents } from '../../lib/core/seed-streams';
import { checkReplay, describeReplay, targetFingerprint } from '../../lib/core/recipe';
import { judge, type Judgement } from '../../lib/eval/judge';
import type { GeneratorRole } from '../../lib/engine/types';
import { QUALITY_CLASSIFIERS } from './classifier-set.svelte';
import type { Playground } from './playground.svelte';

/** Samples the PGD attack starts from, at most. */
const ATTACK_SAMPLES = 100;
/** Samples of the grid a person tags to count the feature when nothing measures it. */
export const COUNT_SAMPLES = 40;

/** A fresh grid of one generator's samples that a person tags to count the feature. */
export interface CountGrid {
  which: 'original' | 'student';
  images: Float32Array;
  tags: Uint8Array;
}

/**
 * Step 6: the one judge path (lib/eval/judge) on the run seed's evaluation latents: TFR,
 * IS_mnist and FID_mnist with the digit histogram (MNIST) or IS_faces and FID_faces (faces),
 * the out-of-sample ROC-AUC and the attack, for the original, the unlearned and an imported
 * generator.
 */
export class JudgeStep {
  count = $state(200);
  progress = $state('');
  judged: Judgement | null = $state.raw(null);
  attackEpsilon = $state(0.3);
  attackSteps = $state(5);
  /** Whether a replayed recipe reproduced, in words; null until a recipe run is judged. */
  verdict: string | null = $state(null);
  /** Without a measure: the first samples of the evaluation stream, to tag by eye. */
  countGrids: CountGrid[] = $state.raw([]);

  constructor(private readonly app: Playground) {}

  /** Whether the attack can run: the site ships h_a and h_b for this feature and model shape. */
  get canAttack(): boolean {
    return this.app.classifiers.attack;
  }

  /** Judges the generators there are; `attack: false` skips the PGD attack (a replay's judge). */
  async judge(opts: { attack?: boolean } = {}): Promise<void> {
    const { app } = this;
    const board = app.tags.board;
    const n = Math.max(10, Math.min(10_000, Math.round(this.count)));
    const roles: GeneratorRole[] = ['original'];
    if (app.run.view.step > 0) roles.push('student');
    if (app.share.imported !== null) roles.push('imported');
    const network = app.classifiers.quality;
    const reference =
      network === null ? null : app.library.referenceStats(QUALITY_CLASSIFIERS[network]);
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
        quality: network !== null && reference !== null ? { network, reference } : null,
        target: app.inspector.target,
        floor: app.run.view.step > 0 && app.tags.labeler() !== null,
        attack:
          this.canAttack && opts.attack !== false
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
      this.countGrids = app.tags.labeler() === null ? await this.makeCountGrids(roles) : [];
      await this.checkRecipe();
    } catch (error) {
      this.progress = '';
      app.error = (error as Error).message;
    }
  }

  /** Fresh samples of the original (and the unlearned) model, untagged, for counting by eye. */
  private async makeCountGrids(roles: GeneratorRole[]): Promise<CountGrid[]> {
    const board = this.app.tags.board;
    const latents = streamLatents(board.seed, 'evaluation', COUNT_SAMPLES, board.latentDim);
    const out: CountGrid[] = [];
    for (const which of ['original', 'student'] as const) {
      if (!roles.includes(which)) continue;
      const images = await this.app.host.engine.generate(latents, which);
      out.push({ which, images, tags: new Uint8Array(COUNT_SAMPLES) });
    }
    return out;
  }

  /** Flips sample `index` of count grid `k`. */
  toggleCount(k: number, index: number): void {
    this.countGrids = this.countGrids.map((g, i) => {
      if (i !== k) return g;
      const tags = g.tags.slice();
      tags[index] = tags[index] ? 0 : 1;
      return { ...g, tags };
    });
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
      isFaces: student.isFaces?.mean ?? null,
      fidFaces: student.fidFaces,
    });
    const sameEval = recipe.evalCount === null || recipe.evalCount === this.count;
    this.verdict =
      describeReplay(result) +
      (sameEval
        ? ''
        : ` (The recipe was judged on ${recipe.evalCount} samples, this on ${this.count}.)`);
  }
}
