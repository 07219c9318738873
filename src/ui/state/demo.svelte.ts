import { ensureTags, ensureTarget, measuredFeature } from './story';
import type { Playground } from './playground.svelte';

/** The steps of the story "Show me" tells, in order. */
export const DEMO_STEPS = ['tag', 'target', 'unlearn', 'judge'] as const;
export type DemoStep = (typeof DEMO_STEPS)[number];

/** Where the demo is. */
export type DemoStatus = 'idle' | 'running' | 'paused' | 'done' | 'failed';

/** Short titles of the steps, for the list the demo shows. */
export const DEMO_TITLES: Readonly<Record<DemoStep, string>> = {
  tag: 'Tag for me',
  target: 'Find z_e',
  unlearn: 'Unlearn',
  judge: 'Judge',
};

/**
 * "Show me": the whole method on the loaded model in one click, for a room: tag for me, find
 * z_e, unlearn, judge, with a sentence at each step saying what happens and why. Pausable: a
 * pause holds the unlearning run where it is, or the story before its next step.
 */
export class Demo {
  status: DemoStatus = $state('idle');
  step: DemoStep | null = $state(null);
  /** What each step did or does, in words; a step gets its sentence when it starts. */
  sentences: Partial<Record<DemoStep, string>> = $state.raw({});
  /** The closing sentence: what changed. */
  summary: string | null = $state(null);

  private resumeStory: (() => void) | null = null;

  constructor(private readonly app: Playground) {}

  /** Whether the steps are being told (running or paused). */
  get active(): boolean {
    return this.status === 'running' || this.status === 'paused';
  }

  /** Tells the whole story; keeps what the person already made (their tags, their target). */
  async showMe(): Promise<void> {
    const { app } = this;
    if (this.active || app.stage !== 'ready') return;
    this.status = 'running';
    this.sentences = {};
    this.summary = null;
    try {
      if (app.tags.labeler() === null) {
        const feature = measuredFeature(app);
        if (feature === null)
          throw new Error(
            `${app.library.modelName} has no measure of a feature, so "Show me" cannot tag for you. Tag by hand in step 3.`,
          );
        await app.setFeature(feature);
      }
      const what = app.tags.choices.find((c) => c.key === app.tags.feature)?.label ?? 'the feature';
      const board = app.tags.board;

      await this.begin(
        'tag',
        `A simulated person looks at the ${board.count} samples of the grid and tags those that show ${what}: the measure stands in for your clicks, so the story needs no one to tag by hand.`,
      );
      if (!(await ensureTags(app))) throw new Error('No sample could be tagged.');

      await this.begin(
        'target',
        `${board.tagged} of ${board.count} samples are tagged. z_e is the mean latent of the tagged samples minus that of the others: the direction in z along which the feature grows. The threshold t on z's projection onto z_e splits the latents that draw the feature from those that do not.`,
      );
      if (!(await ensureTarget(app)))
        throw new Error(app.inspector.error ?? 'z_e could not be found.');

      const o = app.run.options;
      const steps = o.steps ?? o.epochs * Math.ceil(board.count / o.batchSize);
      await this.begin(
        'unlearn',
        `A copy of the generator is fine-tuned (${steps} steps of batch ${o.batchSize}): latents past the threshold learn to draw what their shifted twin ẑ draws, the same digit without the feature, and every other latent keeps drawing what it drew (Eq. 5). The grids show the same latents before and after.`,
      );
      await app.run.unlearn();
      if (app.run.view.status !== 'done' && app.run.view.status !== 'stopped') {
        throw new Error(app.error ?? 'The unlearning run did not finish.');
      }

      await this.begin(
        'judge',
        `Both generators draw ${app.judge.count} fresh samples they never trained on, and the same measure counts the feature: the target feature ratio (TFR) should fall, while the digits stay digits (IS and FID close to the original's).`,
      );
      await app.judge.judge({ attack: false });
      const original = app.judge.scores('original')?.tfr ?? null;
      const student = app.judge.scores('student')?.tfr ?? null;
      if (original === null || student === null)
        throw new Error(app.error ?? 'The judge gave no TFR.');
      const pct = (v: number): string => `${(100 * v).toFixed(1)} %`;
      this.summary = `${what}: ${pct(original)} of the original's samples, ${pct(student)} of the unlearned generator's${student < original ? '.' : " (no drop: try the paper's protocol, a longer run)."}`;
      this.step = null;
      this.status = 'done';
    } catch (error) {
      this.status = 'failed';
      this.summary = (error as Error).message;
    }
  }

  /** Holds the story: the unlearning run pauses where it is; other steps finish, then wait. */
  async pause(): Promise<void> {
    if (this.status !== 'running') return;
    this.status = 'paused';
    if (this.step === 'unlearn' && this.app.run.view.status === 'running')
      await this.app.run.pause();
  }

  /** Goes on from where the story was paused. */
  async resume(): Promise<void> {
    if (this.status !== 'paused') return;
    this.status = 'running';
    if (this.app.run.view.status === 'paused') await this.app.run.resume();
    this.resumeStory?.();
    this.resumeStory = null;
  }

  /** Starts `step` with its sentence, after waiting out a pause. */
  private async begin(step: DemoStep, sentence: string): Promise<void> {
    if (this.status === 'paused')
      await new Promise<void>((resolve) => (this.resumeStory = resolve));
    this.step = step;
    this.sentences = { ...this.sentences, [step]: sentence };
  }
}
