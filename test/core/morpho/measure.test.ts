import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BLANK_MEASURES,
  MORPHO_FIELDS,
  MorphoMeter,
  measureDigit,
  quantiseUnitImage,
  type MorphoMeasures,
} from '../../../src/lib/core/morpho/index';
import { imageAt, loadMnist } from '../../../src/cli/mnist';

interface FixtureImage extends MorphoMeasures {
  split: string;
  index: number;
}

const fixture = JSON.parse(
  readFileSync(new URL('../../fixtures/morpho-train-0-59.json', import.meta.url), 'utf8'),
) as { images: FixtureImage[] };

function relativeError(actual: number, expected: number): number {
  return Math.abs(actual - expected) / Math.max(Math.abs(expected), 1e-12);
}

let train: Uint8Array;
beforeAll(async () => {
  train = (await loadMnist('train')).images;
});

describe('measureDigit against the independent Morpho-MNIST values', () => {
  it('reproduces Morpho-MNIST’s own check value for train image 0', () => {
    // From Morpho-MNIST's test suite (docs/method.md).
    const m = measureDigit(imageAt(train, 0));
    expect(relativeError(m.area, 107.3125)).toBeLessThanOrEqual(1e-6);
    expect(relativeError(m.length, 50.26650429449552)).toBeLessThanOrEqual(1e-6);
    expect(relativeError(m.thickness, 2.4606583773939543)).toBeLessThanOrEqual(1e-6);
    expect(relativeError(m.slant, 0.23107446620980754)).toBeLessThanOrEqual(1e-6);
  });

  it('matches test/fixtures/morpho-train-0-59.json for all 60 images and 4 values', () => {
    expect(fixture.images).toHaveLength(60);
    const failures: string[] = [];
    for (const e of fixture.images) {
      expect(e.split).toBe('train');
      const m = measureDigit(imageAt(train, e.index));
      for (const field of MORPHO_FIELDS) {
        const rel = relativeError(m[field], e[field]);
        if (!(rel <= 1e-6)) failures.push(`image ${e.index} ${field}: ${m[field]} vs ${e[field]}`);
      }
    }
    expect(failures).toEqual([]);
  });
});

describe('MorphoMeter', () => {
  it('packs area, length, thickness, slant like measure() returns them', () => {
    const meter = new MorphoMeter();
    const out = new Float64Array(9).fill(-1);
    meter.measureInto(imageAt(train, 7), out, 5);
    const m = meter.measure(imageAt(train, 7));
    expect(Array.from(out.subarray(5))).toEqual([m.area, m.length, m.thickness, m.slant]);
    expect(out[4]).toBe(-1);
  });

  it('gives the same values however often it is reused', () => {
    const meter = new MorphoMeter();
    const first = meter.measure(imageAt(train, 3));
    meter.measure(imageAt(train, 4));
    expect(meter.measure(imageAt(train, 3))).toEqual(first);
  });

  it('refuses an image that is not 28×28', () => {
    expect(() => measureDigit(new Uint8Array(100))).toThrow(/784/);
  });
});

/** A 28×28 image with a stroke from (r0, c0) to (r1, c1), `width` pixels wide. */
function stroke(r0: number, c0: number, r1: number, c1: number, width: number): Uint8Array {
  const img = new Uint8Array(784);
  const steps = 200;
  for (let s = 0; s <= steps; s++) {
    const r = r0 + ((r1 - r0) * s) / steps;
    const c = c0 + ((c1 - c0) * s) / steps;
    for (let dr = -width; dr <= width; dr++) {
      for (let dc = -width; dc <= width; dc++) {
        const rr = Math.round(r + dr / 2);
        const cc = Math.round(c + dc / 2);
        if (rr >= 0 && rr < 28 && cc >= 0 && cc < 28) img[rr * 28 + cc] = 255;
      }
    }
  }
  return img;
}

describe('measure properties', () => {
  it('returns the blank measures, not NaN, for constant images', () => {
    expect(measureDigit(new Uint8Array(784))).toEqual(BLANK_MEASURES);
    expect(measureDigit(new Uint8Array(784).fill(255))).toEqual(BLANK_MEASURES);
    expect(measureDigit(new Uint8Array(784).fill(37))).toEqual(BLANK_MEASURES);
  });

  it('measures a single bright pixel with finite values', () => {
    const img = new Uint8Array(784);
    img[14 * 28 + 14] = 255;
    const m = measureDigit(img);
    for (const field of MORPHO_FIELDS) expect(Number.isFinite(m[field])).toBe(true);
    expect(m.area).toBeGreaterThan(0);
    expect(m.thickness).toBeGreaterThan(0);
  });

  it('is unchanged by a one-pixel shift of the digit', () => {
    const src = imageAt(train, 0);
    const shifted = new Uint8Array(784);
    for (let r = 0; r < 28; r++)
      for (let c = 1; c < 28; c++) shifted[r * 28 + c] = src[r * 28 + c - 1];
    for (let r = 0; r < 28; r++) expect(src[r * 28 + 27]).toBe(0);
    const a = measureDigit(src);
    const b = measureDigit(shifted);
    expect(b.area).toBe(a.area);
    expect(b.length).toBe(a.length);
    expect(b.thickness).toBe(a.thickness);
    expect(b.slant).toBeCloseTo(a.slant, 12);
  });

  it('gives positive slant to a stroke leaning right, negative to one leaning left', () => {
    const right = measureDigit(stroke(22, 9, 5, 18, 2)); // bottom-left to top-right: "/"
    const left = measureDigit(stroke(22, 18, 5, 9, 2)); // "\"
    expect(right.slant).toBeGreaterThan(0.3);
    expect(left.slant).toBeLessThan(-0.3);
    expect(left.slant).toBeCloseTo(-right.slant, 2);
    expect(measureDigit(stroke(5, 14, 22, 14, 2)).slant).toBeCloseTo(0, 6);
  });

  it('finds a wide stroke thicker than a narrow one; a thin stroke as long as it is', () => {
    const thin = measureDigit(stroke(5, 14, 22, 14, 1));
    const thick = measureDigit(stroke(5, 14, 22, 14, 6));
    expect(thick.thickness).toBeGreaterThan(2 * thin.thickness);
    expect(thick.area).toBeGreaterThan(2 * thin.area);
    // The stroke covers rows 4…23: about 19 px.
    expect(thin.length).toBeGreaterThan(16);
    expect(thin.length).toBeLessThan(22);
  });
});

describe('quantiseUnitImage', () => {
  it('maps [0, 1] to uint8 by floor(255·x), clamped, NaN to 0', () => {
    const unit = Float32Array.from([-0.5, 0, 0.5, 1 / 255, 0.999, 1, 1.5, Number.NaN]);
    expect(Array.from(quantiseUnitImage(unit))).toEqual([0, 0, 127, 1, 254, 255, 255, 0]);
  });

  it('round-trips MNIST digits', () => {
    const digit = imageAt(train, 1);
    const unit = Float32Array.from(digit, (v) => v / 255);
    expect(quantiseUnitImage(unit)).toEqual(digit);
  });
});
