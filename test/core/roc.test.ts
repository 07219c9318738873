import { describe, expect, it } from 'vitest';
import { rocAuc } from '../../src/lib/core/roc';

/** The definition, by brute force over all (positive, negative) pairs. */
function pairwiseAuc(scores: number[], labels: boolean[]): number {
  let wins = 0;
  let pairs = 0;
  for (let i = 0; i < scores.length; i++) {
    if (!labels[i]) continue;
    for (let j = 0; j < scores.length; j++) {
      if (labels[j]) continue;
      pairs++;
      if (scores[i] > scores[j]) wins += 1;
      else if (scores[i] === scores[j]) wins += 0.5;
    }
  }
  return wins / pairs;
}

describe('rocAuc', () => {
  it('is 1 for a perfect detector, 0 for an inverted one', () => {
    expect(rocAuc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])).toBe(1);
    expect(rocAuc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1])).toBe(0);
  });

  it('matches a hand count', () => {
    // Positives 0.9, 0.4; negatives 0.5, 0.1, 0.3. Pairs won: 0.9 beats all 3, 0.4 beats 0.1 and
    // 0.3: 5 of 6.
    expect(rocAuc([0.9, 0.5, 0.4, 0.1, 0.3], [true, false, true, false, false])).toBeCloseTo(
      5 / 6,
      12,
    );
  });

  it('counts ties as ½', () => {
    expect(rocAuc([1, 1, 1, 1], [1, 0, 1, 0])).toBe(0.5);
    // Positive 2 ties negative 2 (½) and beats negative 1 (1): 1.5 of 2.
    expect(rocAuc([2, 2, 1], [1, 0, 0])).toBe(0.75);
  });

  it('agrees with the pairwise definition on tied random data', () => {
    const scores = Array.from({ length: 200 }, (_, i) =>
      Math.floor(Math.abs(Math.sin(i * 1.7)) * 10),
    );
    const labels = scores.map((s, i) => (s + (i % 3)) % 4 === 0 || i % 7 === 0);
    expect(rocAuc(scores, labels)).toBeCloseTo(pairwiseAuc(scores, labels), 12);
  });

  it('refuses one-class labels, NaN scores and length mismatches', () => {
    expect(() => rocAuc([1, 2], [1, 1])).toThrow(RangeError);
    expect(() => rocAuc([1, 2], [0, 0])).toThrow(RangeError);
    expect(() => rocAuc([1, Number.NaN], [0, 1])).toThrow(RangeError);
    expect(() => rocAuc([1, 2, 3], [0, 1])).toThrow(RangeError);
  });
});
