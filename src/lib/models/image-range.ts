import * as tf from '@tensorflow/tfjs';

/**
 * The pixel range a generator outputs: `tanh` for tanhImages in [−1, 1] (DCGAN), `unit` for
 * unitImages in [0, 1] (the VAE decoder's sigmoid). Background is −1 resp. 0.
 */
export type OutputRange = 'tanh' | 'unit';

/**
 * Maps a generator's output to unitImages in [0, 1] with background 0 (docs/method.md, Morpho-MNIST step 1):
 * tanh outputs become (x + 1) / 2; both ranges are then clipped to [0, 1].
 *
 * @param x images of any shape, in `range`; borrowed.
 * @returns a new tensor of the same shape, owned by the caller.
 */
export function toUnitImages(x: tf.Tensor, range: OutputRange): tf.Tensor {
  return tf.tidy(() => {
    const unit = range === 'tanh' ? x.add(1).mul(0.5) : x;
    return unit.clipByValue(0, 1);
  });
}

/** The inverse for training data: unitImages in [0, 1] → tanhImages in [−1, 1]. Borrowed in, owned out. */
export function unitToTanhImages(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => x.mul(2).sub(1));
}
