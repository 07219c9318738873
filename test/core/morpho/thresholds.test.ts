import { describe, expect, it } from 'vitest';
import {
  MORPHO_VERSION,
  computeMorphoThresholds,
  hasFeature,
  parseMorphoThresholds,
  type MorphoMeasures,
  type MorphoThresholds,
} from '../../../src/lib/core/morpho/index';

const thresholds: MorphoThresholds = {
  version: MORPHO_VERSION,
  count: 60000,
  thickness: { p90: 3.5 },
  slant: { p10: -0.2, p90: 0.3, absP90: 0.35 },
};

function m(thickness: number, slant: number): MorphoMeasures {
  return { area: 100, length: 40, thickness, slant };
}

describe('hasFeature', () => {
  it('labels thickness above p90', () => {
    expect(hasFeature(m(3.6, 0), thresholds, 'thickness')).toBe(true);
    expect(hasFeature(m(3.5, 0), thresholds, 'thickness')).toBe(false);
    expect(hasFeature(m(1, 0), thresholds, 'thickness')).toBe(false);
  });

  it('labels left slant below p10 by default', () => {
    expect(hasFeature(m(2, -0.25), thresholds, 'slant')).toBe(true);
    expect(hasFeature(m(2, -0.2), thresholds, 'slant')).toBe(false);
    expect(hasFeature(m(2, 0.5), thresholds, 'slant')).toBe(false);
  });

  it('labels right slant above p90 and |slant| above its p90', () => {
    expect(hasFeature(m(2, 0.31), thresholds, 'slant', 'right')).toBe(true);
    expect(hasFeature(m(2, -0.5), thresholds, 'slant', 'right')).toBe(false);
    expect(hasFeature(m(2, -0.36), thresholds, 'slant', 'abs')).toBe(true);
    expect(hasFeature(m(2, 0.36), thresholds, 'slant', 'abs')).toBe(true);
    expect(hasFeature(m(2, 0.34), thresholds, 'slant', 'abs')).toBe(false);
  });
});

describe('computeMorphoThresholds', () => {
  it('takes numpy’s linear percentiles of packed (area, length, thickness, slant)', () => {
    // Slant column: numpy.percentile([3.5, -1.25, 7.0, 2.0, 0.1, 9.75, 4.4], 10 / 90) =
    // -0.43999999999999995 / 8.100000000000001; of the absolute values, 90 → 8.100000000000001.
    const slants = [3.5, -1.25, 7.0, 2.0, 0.1, 9.75, 4.4];
    const packed = new Float64Array(4 * slants.length);
    slants.forEach((s, i) => packed.set([i, 2 * i, slants.length - i, s], 4 * i));
    const t = computeMorphoThresholds(packed, slants.length);
    expect(t.version).toBe(MORPHO_VERSION);
    expect(t.count).toBe(7);
    expect(t.slant.p10).toBe(-0.43999999999999995);
    expect(t.slant.p90).toBe(8.100000000000001);
    expect(t.slant.absP90).toBe(8.100000000000001);
    expect(t.thickness.p90).toBeCloseTo(6.4, 12); // thickness 7…1
    expect(t.summary.area.p50).toBe(3);
    expect(t.summary.length.p10).toBeCloseTo(1.2, 12);
  });

  it('refuses no records and NaN', () => {
    expect(() => computeMorphoThresholds(new Float64Array(0), 0)).toThrow();
    expect(() => computeMorphoThresholds(Float64Array.from([1, 2, Number.NaN, 0]), 1)).toThrow(
      /NaN/,
    );
  });
});

describe('parseMorphoThresholds', () => {
  it('reads back what it is given, ignoring extra fields', () => {
    const json = JSON.parse(JSON.stringify({ ...thresholds, createdAt: 'now' })) as unknown;
    expect(parseMorphoThresholds(json)).toEqual(thresholds);
  });

  it('names a missing field and refuses another measurement version', () => {
    expect(() => parseMorphoThresholds({ ...thresholds, slant: { p10: 0, p90: 1 } })).toThrow(
      /slant.absP90/,
    );
    expect(() => parseMorphoThresholds({ ...thresholds, version: 'old' })).toThrow(/old/);
    expect(() => parseMorphoThresholds(null)).toThrow();
  });
});
