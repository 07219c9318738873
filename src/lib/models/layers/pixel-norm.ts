import * as tf from '@tensorflow/tfjs';

/**
 * Pixelwise feature normalisation (Karras et al. 2018, § 4.2): each position's feature vector
 * divided by its root mean square over the channels, b = a / √(mean(a²) + ε). On a latent
 * [b, d] it normalises the whole vector. No weights; each sample on its own.
 */
export class PixelNorm extends tf.layers.Layer {
  static readonly className = 'PixelNorm';
  readonly epsilon: number;

  constructor(args: { epsilon?: number; name?: string } = {}) {
    super({ name: args.name });
    this.epsilon = args.epsilon ?? 1e-8;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      return x.mul(x.square().mean(-1, true).add(this.epsilon).rsqrt());
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), epsilon: this.epsilon };
  }
}

tf.serialization.registerClass(PixelNorm);
