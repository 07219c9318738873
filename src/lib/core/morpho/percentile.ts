/**
 * numpy's default percentile (`method='linear'`): on the sorted values a, the virtual index
 * i = (n − 1)·q/100 splits into ⌊i⌋ and γ = i − ⌊i⌋, and the result is numpy's `_lerp`:
 * a[⌊i⌋] + (a[⌊i⌋+1] − a[⌊i⌋])·γ, or a[⌊i⌋+1] − (a[⌊i⌋+1] − a[⌊i⌋])·(1 − γ) when γ ≥ 0.5.
 *
 * @param sorted ascending values, no NaN.
 * @param q percent in [0, 100].
 */
export function percentileOfSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) throw new Error('percentile of no values');
  if (!(q >= 0 && q <= 100)) throw new Error(`percentile: q must be in [0, 100], got ${q}`);
  const index = (n - 1) * (q / 100);
  const below = Math.floor(index);
  const above = Math.min(below + 1, n - 1);
  const gamma = index - below;
  const a = sorted[below];
  const b = sorted[above];
  const diff = b - a;
  return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma;
}

/**
 * {@link percentileOfSorted} of values in any order (sorts a copy).
 *
 * @throws on an empty input or a NaN among the values.
 */
export function percentile(values: ArrayLike<number>, q: number): number {
  const sorted = Float64Array.from(values);
  for (let i = 0; i < sorted.length; i++) {
    if (Number.isNaN(sorted[i])) throw new Error('percentile: NaN among the values');
  }
  sorted.sort();
  return percentileOfSorted(sorted, q);
}
