import * as tf from '@tensorflow/tfjs';

/**
 * The fade-in of a new resolution (Karras et al. 2018, § 3): inputs [old, new] of one shape,
 * output (1 − α)·old + α·new. α ∈ [0, 1] is set by the trainer before each step (it grows
 * linearly over a fade phase); it is not a weight, and a shipped model has no FadeIn.
 */
export class FadeIn extends tf.layers.Layer {
  static readonly className = 'FadeIn';
  alpha = 0;

  constructor(args: { name?: string } = {}) {
    super({ name: args.name });
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    if (!Array.isArray(inputs) || inputs.length !== 2) {
      throw new Error('FadeIn takes two inputs: [old, new]');
    }
    const alpha = this.alpha;
    return tf.tidy(() => inputs[0].mul(1 - alpha).add(inputs[1].mul(alpha)));
  }
}

tf.serialization.registerClass(FadeIn);

/** Sets α of every FadeIn layer of `models`. */
export function setFadeAlpha(models: Iterable<tf.LayersModel>, alpha: number): void {
  for (const model of models) {
    for (const layer of model.layers) if (layer instanceof FadeIn) layer.alpha = alpha;
  }
}
