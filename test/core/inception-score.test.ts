import { describe, expect, it } from 'vitest';
import { inceptionScore } from '../../src/lib/core/inception-score';

function oneHotRows(labels: number[], classes: number): Float32Array {
  const out = new Float32Array(labels.length * classes);
  labels.forEach((c, r) => (out[r * classes + c] = 1));
  return out;
}

describe('inceptionScore', () => {
  it('is k for confident predictions spread evenly over k classes', () => {
    // 10 splits of 20 rows each; every split holds each of 4 classes 5 times.
    const labels = Array.from({ length: 200 }, (_, i) => i % 4);
    const { mean, std } = inceptionScore(oneHotRows(labels, 10), 200, 10);
    expect(mean).toBeCloseTo(4, 10);
    expect(std).toBeCloseTo(0, 10);
  });

  it('is 1 when every row is the same distribution', () => {
    const row = [0.1, 0.2, 0.3, 0.4];
    const probs = Float32Array.from({ length: 50 * 4 }, (_, i) => row[i % 4]);
    const { mean } = inceptionScore(probs, 50, 4, 5);
    expect(mean).toBeCloseTo(1, 6);
  });

  it('matches exp(KL) by hand for one split of two rows', () => {
    // Rows (1, 0) and (½, ½): p(y) = (¾, ¼). KL₁ = ln(4/3); KL₂ = ½ ln(⅔) + ½ ln 2.
    const kl = (Math.log(4 / 3) + 0.5 * Math.log(2 / 3) + 0.5 * Math.log(2)) / 2;
    const { mean, std } = inceptionScore([1, 0, 0.5, 0.5], 2, 2, 1);
    expect(mean).toBeCloseTo(Math.exp(kl), 12);
    expect(std).toBe(0);
  });

  it('splits into consecutive parts and reports the population std', () => {
    // Split 1: two classes evenly → 2; split 2: one class only → 1. Mean 1.5, std 0.5.
    const labels = [0, 1, 0, 1, 2, 2, 2, 2];
    const { mean, std } = inceptionScore(oneHotRows(labels, 3), 8, 3, 2);
    expect(mean).toBeCloseTo(1.5, 12);
    expect(std).toBeCloseTo(0.5, 12);
  });

  it('refuses bad shapes and negative probabilities', () => {
    expect(() => inceptionScore([1, 0, 0], 2, 2)).toThrow(RangeError);
    expect(() => inceptionScore([1, 0, -0.1, 1.1], 2, 2, 1)).toThrow(RangeError);
    expect(() => inceptionScore([1, 0, 0, 1], 2, 2, 3)).toThrow(RangeError);
  });
});
