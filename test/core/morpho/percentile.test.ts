import { describe, expect, it } from 'vitest';
import { percentile, percentileOfSorted } from '../../../src/lib/core/morpho/index';

// Expected values: numpy 2.4 `np.percentile` (default method 'linear') on the same arrays.
describe('percentile (numpy linear)', () => {
  const a = [3.5, -1.25, 7.0, 2.0, 0.1, 9.75, 4.4];

  it('matches numpy on a small unsorted array', () => {
    expect(percentile(a, 0)).toBe(-1.25);
    expect(percentile(a, 10)).toBe(-0.43999999999999995);
    expect(percentile(a, 25)).toBe(1.05);
    expect(percentile(a, 50)).toBe(3.5);
    expect(percentile(a, 90)).toBe(8.100000000000001);
    expect(percentile(a, 99.9)).toBe(9.733500000000001);
    expect(percentile(a, 100)).toBe(9.75);
    expect(percentile([1, 2, 3, 4], 90)).toBe(3.7);
    expect(percentile([1, 2, 3, 4], 10)).toBe(1.3);
  });

  it('matches numpy on larger arrays', () => {
    const make = (n: number): Float64Array =>
      Float64Array.from({ length: n }, (_, i) => ((i * 7919) % 10007) / 7 - 700);
    const b = make(60000);
    expect(percentile(b, 10)).toBe(-557.1428571428571);
    expect(percentile(b, 50)).toBe(14.714285714285666);
    expect(percentile(b, 90)).toBe(586.5714285714287);
    expect(percentile(b.map(Math.abs), 90)).toBe(643.2857142857143);
    const c = make(1001);
    expect(percentile(c, 10)).toBe(-555.7142857142858);
    expect(percentile(c, 33.3)).toBe(-223.14285714285725);
  });

  it('does not reorder its input, and agrees with percentileOfSorted', () => {
    const copy = [...a];
    const p = percentile(copy, 37);
    expect(copy).toEqual(a);
    expect(
      percentileOfSorted(
        [...a].sort((x, y) => x - y),
        37,
      ),
    ).toBe(p);
  });

  it('refuses empty input, NaN and q outside [0, 100]', () => {
    expect(() => percentile([], 50)).toThrow();
    expect(() => percentile([1, Number.NaN], 50)).toThrow(/NaN/);
    expect(() => percentile([1, 2], 101)).toThrow();
    expect(() => percentile([1, 2], -1)).toThrow();
  });
});
