import { describe, expect, it } from 'vitest';
import {
  EdtScratch,
  squaredDistanceTransform,
} from '../../../src/lib/core/morpho/distance-transform';

/** Brute force: squared distance from each foreground pixel to the nearest background one. */
function bruteForce(binary: Uint8Array, w: number, h: number): Float64Array {
  const out = new Float64Array(w * h);
  for (let p = 0; p < w * h; p++) {
    if (!binary[p]) continue;
    let best = Infinity;
    for (let q = 0; q < w * h; q++) {
      if (binary[q]) continue;
      const dr = Math.floor(p / w) - Math.floor(q / w);
      const dc = (p % w) - (q % w);
      best = Math.min(best, dr * dr + dc * dc);
    }
    out[p] = best;
  }
  return out;
}

/** Deterministic pseudo-random binary images (a small LCG, blobs of foreground). */
function randomBinary(w: number, h: number, seed: number, density: number): Uint8Array {
  let s = seed;
  const next = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const img = new Uint8Array(w * h);
  for (let p = 0; p < w * h; p++) img[p] = next() < density ? 1 : 0;
  return img;
}

describe('squaredDistanceTransform', () => {
  it('equals brute force on random images of several shapes and densities', () => {
    const cases: [number, number, number][] = [
      [17, 13, 0.9],
      [20, 20, 0.97],
      [31, 7, 0.5],
      [1, 12, 0.8],
      [12, 1, 0.8],
    ];
    cases.forEach(([w, h, density], i) => {
      const binary = randomBinary(w, h, 11 + i, density);
      const out = new Float64Array(w * h).fill(-1);
      squaredDistanceTransform(binary, w, h, out, new EdtScratch(w, h));
      expect(Array.from(out)).toEqual(Array.from(bruteForce(binary, w, h)));
    });
  });

  it('does not count pixels outside the image as background', () => {
    const binary = new Uint8Array(5 * 5).fill(1);
    binary[0] = 0;
    const out = new Float64Array(25);
    squaredDistanceTransform(binary, 5, 5, out, new EdtScratch(5, 5));
    expect(out[24]).toBe(32); // (4, 4) to (0, 0)
    expect(out[4]).toBe(16);
  });

  it('gives +∞ everywhere without background and 0 everywhere without foreground', () => {
    const out = new Float64Array(9);
    squaredDistanceTransform(new Uint8Array(9).fill(1), 3, 3, out, new EdtScratch(3, 3));
    expect(Array.from(out).every((v) => v === Infinity)).toBe(true);
    out.fill(7);
    squaredDistanceTransform(new Uint8Array(9), 3, 3, out, new EdtScratch(3, 3));
    expect(Array.from(out).every((v) => v === 0)).toBe(true);
  });
});
