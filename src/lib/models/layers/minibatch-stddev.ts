import * as tf from '@tensorflow/tfjs';

/** Configuration of {@link MinibatchStdDev}, as saved in model.json. */
export interface MinibatchStdDevArgs {
  /** Samples per group (ProgGAN: 4); a batch smaller than this is one group. */
  groupSize?: number;
  name?: string;
}

/**
 * Minibatch standard deviation (Karras et al. 2018, § 3), a discriminator layer that lets D see
 * how varied a batch is, so a generator that collapses to few modes is easy to catch:
 * [b, h, w, c] → [b, h, w, c + 1], where the extra channel holds, for each group of `groupSize`
 * CONSECUTIVE samples, the mean over (h, w, c) of the features' standard deviation over the group.
 *
 * Groups are runs of consecutive samples (not strided as in ProgGAN's code), so a shard of a batch
 * that holds whole groups sees exactly what the whole batch would: data-parallel training stays
 * exact.
 */
export class MinibatchStdDev extends tf.layers.Layer {
  static readonly className = 'MinibatchStdDev';
  readonly groupSize: number;

  constructor(args: MinibatchStdDevArgs = {}) {
    super({ name: args.name });
    this.groupSize = args.groupSize ?? 4;
    if (!Number.isInteger(this.groupSize) || this.groupSize < 1) {
      throw new RangeError(`MinibatchStdDev: groupSize must be a positive integer, got ${this.groupSize}`);
    }
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const channels = shape[3];
    return [shape[0], shape[1], shape[2], channels === null ? null : channels + 1];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      const [b, h, w, c] = x.shape;
      const g = Math.min(this.groupSize, b);
      if (b % g !== 0) {
        throw new Error(`MinibatchStdDev: a batch of ${b} is not made of groups of ${g}`);
      }
      const grouped = x.reshape([b / g, g, h * w * c]); // [groups, g, features]
      const variance = tf.moments(grouped, 1).variance; // [groups, features]
      const spread = variance.add(1e-8).sqrt().mean(1); // [groups]
      const perSample = spread.reshape([b / g, 1]).mul(tf.ones([1, g])).reshape([b, 1, 1, 1]);
      return tf.concat([x, perSample.mul(tf.ones([b, h, w, 1]))], 3); // [b, h, w, c + 1]
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), groupSize: this.groupSize };
  }
}

tf.serialization.registerClass(MinibatchStdDev);
