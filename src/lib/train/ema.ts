import * as tf from '@tensorflow/tfjs';

/**
 * An exponential moving average of a model's weights (Polyak averaging, as GANs use it for the
 * generator they ship: Karras et al. 2018; Yazıcı et al. 2019): after each optimisation step,
 * w̄ ← β·w̄ + (1 − β)·w for every weight. Early on β is capped at (1 + t)/(10 + t) (t = updates
 * so far), so the average is not dominated by the random initial weights.
 *
 * `average` must have `model`'s architecture; it starts as a copy of it. Neither is owned.
 */
export class WeightAverage {
  private updates = 0;

  constructor(
    private readonly model: tf.LayersModel,
    readonly average: tf.LayersModel,
    private readonly decay: number,
    updatesSoFar = 0,
  ) {
    if (!(decay >= 0 && decay < 1))
      throw new RangeError(`EMA decay must be in [0, 1), got ${decay}`);
    if (model.weights.length !== average.weights.length) {
      throw new Error(
        `EMA: ${average.name} has ${average.weights.length} weights, ${model.name} ${model.weights.length}`,
      );
    }
    this.updates = updatesSoFar;
  }

  /** β of the next update. */
  get beta(): number {
    return Math.min(this.decay, (1 + this.updates) / (10 + this.updates));
  }

  /** w̄ ← β·w̄ + (1 − β)·w, for every weight (trainable or not). */
  update(): void {
    const beta = this.beta;
    tf.tidy(() => {
      this.average.weights.forEach((avg, i) => {
        const w = this.model.weights[i].read();
        avg.write(
          avg
            .read()
            .mul(beta)
            .add(w.mul(1 - beta)),
        );
      });
    });
    this.updates++;
  }
}
