import { describe, expect, it } from 'vitest';
import { gaussianBlur, gaussianKernel, gaussianRadius } from '../../../src/lib/core/morpho/blur';
import { catmullRom, upscaleCatmullRom } from '../../../src/lib/core/morpho/upscale';

describe('catmullRom', () => {
  it('passes through f1 at 0 and reproduces linear data', () => {
    expect(catmullRom(0, 3, 7, -2, 5)).toBe(7);
    for (const x of [0.125, 0.375, 0.625, 0.875]) {
      expect(catmullRom(x, 0, 1, 2, 3)).toBeCloseTo(1 + x, 14);
    }
  });

  it('is the Keys a = −0.5 kernel', () => {
    // Weights of the Keys kernel at distances 1 + x, x, 1 − x, 2 − x.
    const keys = (t: number): number => {
      const a = -0.5;
      const s = Math.abs(t);
      if (s <= 1) return (a + 2) * s ** 3 - (a + 3) * s ** 2 + 1;
      if (s < 2) return a * s ** 3 - 5 * a * s ** 2 + 8 * a * s - 4 * a;
      return 0;
    };
    const f = [0.3, -1.2, 2.5, 0.7];
    for (const x of [0.1, 0.375, 0.9]) {
      const expected =
        f[0] * keys(1 + x) + f[1] * keys(x) + f[2] * keys(1 - x) + f[3] * keys(2 - x);
      expect(catmullRom(x, f[0], f[1], f[2], f[3])).toBeCloseTo(expected, 13);
    }
  });
});

describe('upscaleCatmullRom', () => {
  it('keeps a constant image constant and clips to the input range', () => {
    const out = new Float64Array(16 * 16);
    upscaleCatmullRom(new Float64Array(16).fill(0.25), 4, 4, out, new Float64Array(4 * 16));
    expect(Array.from(out).every((v) => Math.abs(v - 0.25) < 1e-15)).toBe(true);

    // A step overshoots on both sides: Catmull-Rom dips below 0 and rises above 1 there.
    expect(catmullRom(0.625, 0, 0, 0, 1)).toBeLessThan(0);
    expect(catmullRom(0.375, 0, 1, 1, 1)).toBeGreaterThan(1);
    const step = new Float64Array(36);
    for (let r = 0; r < 6; r++) for (let c = 3; c < 6; c++) step[r * 6 + c] = 1;
    const stepOut = new Float64Array(24 * 24);
    upscaleCatmullRom(step, 6, 4, stepOut, new Float64Array(6 * 24));
    expect(stepOut.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(stepOut[10]).toBeGreaterThan(0);
    expect(stepOut[10]).toBeLessThan(1);
  });

  it('samples pixel centres: (d + 0.5)/4 − 0.5, mirrored at the edges', () => {
    // A horizontal ramp: linear inside, so the output is the ramp at the sampled positions.
    const size = 6;
    const ramp = new Float64Array(size * size);
    for (let r = 0; r < size; r++) for (let c = 0; c < size; c++) ramp[r * size + c] = c;
    const out = new Float64Array(24 * 24);
    upscaleCatmullRom(ramp, size, 4, out, new Float64Array(size * 24));
    // Output columns 6…17 draw only on source columns 0…5, where the ramp is linear.
    for (let d = 6; d <= 17; d++) expect(out[5 * 24 + d]).toBeCloseTo((d + 0.5) / 4 - 0.5, 13);
    // Mirror (−1 → 1) makes the left edge symmetric around column 0: positions −0.375 and
    // +0.375 interpolate to the same value.
    expect(out[0]).toBeCloseTo(out[3], 13);
  });
});

/** Direct 2-D correlation with half-sample symmetric edges. */
function naiveBlur(x: Float64Array, size: number, half: Float64Array): Float64Array {
  const radius = half.length - 1;
  const reflect = (i: number): number => (i < 0 ? -i - 1 : i >= size ? 2 * size - 1 - i : i);
  const out = new Float64Array(size * size);
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      let acc = 0;
      for (let i = -radius; i <= radius; i++) {
        for (let j = -radius; j <= radius; j++) {
          acc += half[Math.abs(i)] * half[Math.abs(j)] * x[reflect(r + i) * size + reflect(c + j)];
        }
      }
      out[r * size + c] = acc;
    }
  }
  return out;
}

describe('gaussianBlur', () => {
  it('has scipy’s kernel: radius ⌊4σ + 0.5⌋, normalised exp(−x²/2σ²)', () => {
    const sigma = 4 / 3;
    expect(gaussianRadius(sigma)).toBe(5);
    const half = gaussianKernel(sigma, 5);
    const total = half[0] + 2 * half.subarray(1).reduce((a, b) => a + b, 0);
    expect(total).toBeCloseTo(1, 15);
    expect(half[2] / half[0]).toBeCloseTo(Math.exp(-4 / (2 * sigma * sigma)), 15);
  });

  it('equals a direct 2-D correlation, for the unrolled radius 5 and a general radius', () => {
    const size = 14;
    const x = new Float64Array(size * size);
    for (let p = 0; p < x.length; p++) x[p] = ((p * 7919) % 101) / 100;
    for (const [sigma, radius] of [
      [4 / 3, 5],
      [0.8, 3],
    ]) {
      const half = gaussianKernel(sigma, radius);
      const out = new Float64Array(size * size);
      gaussianBlur(
        x,
        size,
        half,
        out,
        new Float64Array(size * size),
        new Float64Array(size + 2 * radius),
      );
      const expected = naiveBlur(x, size, half);
      for (let p = 0; p < out.length; p++) expect(out[p]).toBeCloseTo(expected[p], 13);
    }
  });
});
