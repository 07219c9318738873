import * as tf from '@tensorflow/tfjs';

/**
 * The latent-space side of the training loop on tensors: proj(z), sim(z) (Eq. 1) and the
 * translated latents ẑ the targets f(ẑ) are made from. All functions borrow their inputs and
 * return tensors the caller owns.
 */

/**
 * How ẑ moves a latent (docs/method.md, option `shift`): `literal` (default, as printed)
 * ẑ = z − (proj(z) − t + m)·z_e; `unit` ẑ = z − (proj(z) − t + m)·ê with ê = z_e / ‖z_e‖,
 * which lands exactly m below the threshold.
 */
export type ShiftMode = 'literal' | 'unit';

export interface TranslateOptions {
  shift: ShiftMode;
  /** m ≥ 0 (ours, default 0): pushes ẑ past the threshold by m along ê (unit). */
  margin: number;
}

function checkShapes(z: tf.Tensor2D, zE: tf.Tensor1D, what: string): void {
  if (z.rank !== 2 || zE.rank !== 1 || z.shape[1] !== zE.shape[0]) {
    throw new Error(
      `${what}: need z [batch, d] and z_e [d], got z [${z.shape.join(', ')}], z_e [${zE.shape.join(', ')}]`,
    );
  }
}

/**
 * proj(z) = z_eᵀz / ‖z_e‖ for each row.
 *
 * @param z latents [batch, d]; borrowed.
 * @param zE target vector [d]; borrowed.
 * @returns [batch] float32, owned by the caller.
 */
export function projectLatents(z: tf.Tensor2D, zE: tf.Tensor1D): tf.Tensor1D {
  checkShapes(z, zE, 'projectLatents');
  return tf.tidy(() => {
    const d = zE.shape[0];
    const dot = tf.matMul(z, tf.reshape(zE, [d, 1])); // [batch, 1]
    return tf.reshape(tf.div(dot, tf.norm(zE)), [z.shape[0]]) as tf.Tensor1D;
  });
}

/**
 * sim(z) of Eq. 1: 1 where proj(z) ≥ t, else 0.
 *
 * @param z latents [batch, d]; borrowed.
 * @param zE target vector [d]; borrowed.
 * @param t the threshold.
 * @returns [batch] float32 of 0s and 1s, owned by the caller.
 */
export function similarityMask(z: tf.Tensor2D, zE: tf.Tensor1D, t: number): tf.Tensor1D {
  if (!Number.isFinite(t)) throw new Error(`similarityMask: threshold ${t} is not finite`);
  return tf.tidy(
    () => tf.cast(tf.greaterEqual(projectLatents(z, zE), t), 'float32') as tf.Tensor1D,
  );
}

/**
 * The translated latents ẑ for every row (the losses mask by sim, so rows with sim = 0 are
 * translated too and simply not used).
 *
 * @param z latents [batch, d]; borrowed.
 * @param zE target vector [d]; borrowed.
 * @param t the threshold.
 * @returns ẑ [batch, d], owned by the caller.
 */
export function translateLatents(
  z: tf.Tensor2D,
  zE: tf.Tensor1D,
  t: number,
  options: TranslateOptions,
): tf.Tensor2D {
  checkShapes(z, zE, 'translateLatents');
  const { shift, margin } = options;
  if (!Number.isFinite(t)) throw new Error(`translateLatents: threshold ${t} is not finite`);
  if (!(margin >= 0) || !Number.isFinite(margin)) {
    throw new Error(`translateLatents: margin must be finite and ≥ 0, got ${margin}`);
  }
  if (shift !== 'literal' && shift !== 'unit') {
    throw new Error(`translateLatents: unknown shift '${String(shift)}'`);
  }
  return tf.tidy(() => {
    const [batch, d] = z.shape;
    const excess = tf.reshape(tf.add(tf.sub(projectLatents(z, zE), t), margin), [batch, 1]);
    const direction = shift === 'unit' ? tf.div(zE, tf.norm(zE)) : zE;
    return tf.sub(z, tf.mul(excess, tf.reshape(direction, [1, d]))) as tf.Tensor2D;
  });
}
