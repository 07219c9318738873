/**
 * Area under the ROC curve of `scores` as a detector of `labels`: the probability that a random
 * positive scores above a random negative, ties counting ½ (the Mann–Whitney U statistic divided
 * by n₊·n₋), computed from average ranks in O(n log n).
 *
 * @param scores [n] finite detector outputs (higher = more likely positive).
 * @param labels [n] `true` or a non-zero number = positive.
 * @returns AUC in [0, 1]; 0.5 = chance.
 * @throws RangeError on a length mismatch, a non-finite score, or a missing class.
 */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<boolean | number>): number {
  const n = scores.length;
  if (labels.length !== n) {
    throw new RangeError(`rocAuc: ${n} scores but ${labels.length} labels`);
  }
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(scores[i])) throw new RangeError(`rocAuc: score ${i} is not finite`);
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let positives = 0;
  let positiveRankSum = 0;
  for (let i = 0; i < n;) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]] === scores[order[i]]) j++;
    const averageRank = (i + j) / 2 + 1; // 1-based ranks i+1 … j+1 share their mean
    for (let k = i; k <= j; k++) {
      if (labels[order[k]]) {
        positives++;
        positiveRankSum += averageRank;
      }
    }
    i = j + 1;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) {
    throw new RangeError('rocAuc needs at least one positive and one negative');
  }
  const u = positiveRankSum - (positives * (positives + 1)) / 2;
  return u / (positives * negatives);
}
