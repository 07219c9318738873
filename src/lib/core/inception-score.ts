/**
 * Inception Score (Salimans et al. 2016) of class probabilities p(y|x): exp(E_x KL(p(y|x) ‖ p(y)))
 * with p(y) the mean of p(y|x) over the split, computed on `splits` consecutive equal parts
 * (part k = rows ⌊k·N/splits⌋ … ⌊(k+1)·N/splits⌋ − 1, as the original code and torch-fidelity
 * do) and reported as the mean and population standard deviation over the parts. Here the
 * probabilities come from our MNIST classifier (IS_mnist), not from Inception.
 *
 * @param probs [count · classes] row-major, each row a probability vector (≥ 0, summing to 1).
 * @returns mean and std of the per-split scores; the score lies in [1, classes].
 */
export function inceptionScore(
  probs: ArrayLike<number>,
  count: number,
  classes: number,
  splits = 10,
): { mean: number; std: number } {
  if (!Number.isInteger(classes) || classes < 1 || !Number.isInteger(count) || count < 1) {
    throw new RangeError(`inceptionScore needs count ≥ 1 and classes ≥ 1`);
  }
  if (probs.length !== count * classes) {
    throw new RangeError(`inceptionScore: ${probs.length} values for ${count} × ${classes}`);
  }
  if (!Number.isInteger(splits) || splits < 1 || splits > count) {
    throw new RangeError(`inceptionScore: splits must be an integer in [1, count], got ${splits}`);
  }
  for (let i = 0; i < probs.length; i++) {
    const p = probs[i];
    if (!(p >= 0) || !Number.isFinite(p)) {
      throw new RangeError(`inceptionScore: probability ${i} is ${p}`);
    }
  }
  const scores: number[] = [];
  const marginal = new Float64Array(classes);
  for (let k = 0; k < splits; k++) {
    const start = Math.floor((k * count) / splits);
    const end = Math.floor(((k + 1) * count) / splits);
    marginal.fill(0);
    for (let r = start; r < end; r++) {
      for (let c = 0; c < classes; c++) marginal[c] += probs[r * classes + c];
    }
    for (let c = 0; c < classes; c++) marginal[c] /= end - start;
    let kl = 0;
    for (let r = start; r < end; r++) {
      for (let c = 0; c < classes; c++) {
        const p = probs[r * classes + c];
        if (p > 0) kl += p * (Math.log(p) - Math.log(marginal[c]));
      }
    }
    scores.push(Math.exp(kl / (end - start)));
  }
  const mean = scores.reduce((s, v) => s + v, 0) / splits;
  const variance = scores.reduce((s, v) => s + (v - mean) ** 2, 0) / splits;
  return { mean, std: Math.sqrt(variance) };
}
