import { describe, expect, it } from 'vitest';
import { createRng, latentRng, sampleLatents, sampleLatentsAt } from '../../src/lib/core/rng';

/**
 * Reference output of PCG32 from O'Neill's pcg-c, file test-high/expected/check-pcg32.out
 * (github.com/imneme/pcg-c): `pcg32_srandom_r(&rng, 42u, 54u)`, then per round six raw outputs,
 * 65 coins (`boundedrand(2) ? 'H' : 'T'`), 33 dice (`boundedrand(6) + 1`) and a 52-card
 * Fisher–Yates deal; "Again" re-draws the same six values after advancing back, so the state
 * after it equals the state after the first six.
 */
const PCG_REFERENCE = {
  round1: [0xa15c02b7, 0x7b47f409, 0xba1d3330, 0x83d2f293, 0xbfa4784b, 0xcbed606e],
  coins: 'HHTTTHTHHHTHTTTHHHHHTTTHHHTHTHTHTTHTTTHHHHHHTTTTHHTTTTTHTTTTTTTHT',
  rolls: '3 4 1 1 2 2 3 2 4 3 2 4 3 3 5 2 3 1 3 1 5 1 4 1 5 6 4 6 6 2 6 3 3',
  cards:
    'Qd Ks 6d 3s 3d 4c 3h Td Kc 5c Jh Kd Jd As 4s 4h Ad Th Ac Jc 7s Qs ' +
    '2s 7h Kh 2d 6c Ah 4d Qh 9h 6s 5s 2c 9c Ts 8d 9s 3c 8c Js 5d 2h 6h ' +
    '7d 8s 9d 5h 8h Qc 7c Tc',
  round2: [0x74ab93ad, 0x1c1da000, 0x494ff896, 0x34462f2f, 0xd308a3e5, 0x0fa83bab],
};

function cardName(card: number): string {
  return 'A23456789TJQK'[Math.floor(card / 4)] + 'hcds'[card % 4];
}

describe('createRng (PCG32)', () => {
  it("reproduces pcg-c's reference run for seed 42, stream 54", () => {
    const rng = createRng(42, 54);
    expect(Array.from({ length: 6 }, () => rng.nextUint32())).toEqual(PCG_REFERENCE.round1);
    const coins = Array.from({ length: 65 }, () => (rng.nextBelow(2) ? 'H' : 'T')).join('');
    expect(coins).toBe(PCG_REFERENCE.coins);
    const rolls = Array.from({ length: 33 }, () => rng.nextBelow(6) + 1).join(' ');
    expect(rolls).toBe(PCG_REFERENCE.rolls);
    const cards = rng.shuffle(Array.from({ length: 52 }, (_, i) => i));
    expect(cards.map(cardName).join(' ')).toBe(PCG_REFERENCE.cards);
    expect(Array.from({ length: 6 }, () => rng.nextUint32())).toEqual(PCG_REFERENCE.round2);
  });

  it('is deterministic, and different seeds or streams give different outputs', () => {
    const draw = (seed: number, stream = 0) => {
      const rng = createRng(seed, stream);
      return Array.from({ length: 16 }, () => rng.nextUint32());
    };
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
    expect(draw(7, 1)).not.toEqual(draw(7, 2));
    // Seeds above 2³² use the high word too.
    expect(draw(2 ** 32 + 7)).not.toEqual(draw(7));
    // A negative int32 (as `seed ^ k` can give) is its uint32 bit pattern.
    expect(draw(-1)).toEqual(draw(0xffffffff));
  });

  it('refuses seeds that are not integers in range', () => {
    expect(() => createRng(0.5)).toThrow(RangeError);
    expect(() => createRng(2 ** 53)).toThrow(RangeError);
    expect(() => createRng(Number.NaN)).toThrow(RangeError);
    expect(() => createRng(1).nextBelow(0)).toThrow(RangeError);
  });

  it('gives floats in [0, 1) with mean ½ and variance 1/12', () => {
    const rng = createRng(123);
    const n = 100_000;
    let sum = 0;
    let sumSq = 0;
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < n; i++) {
      const u = rng.nextFloat();
      min = Math.min(min, u);
      max = Math.max(max, u);
      sum += u;
      sumSq += u * u;
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    const mean = sum / n;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.005);
    expect(Math.abs(sumSq / n - mean * mean - 1 / 12)).toBeLessThan(0.002);
  });

  it('gives standard normals: mean ≈ 0, variance ≈ 1, 68.3 % within ±1', () => {
    const rng = createRng(2024);
    const n = 100_000;
    let sum = 0;
    let sumSq = 0;
    let within1 = 0;
    let sumCube = 0;
    let finite = 0;
    for (let i = 0; i < n; i++) {
      const z = rng.nextNormal();
      if (Number.isFinite(z)) finite++;
      sum += z;
      sumSq += z * z;
      sumCube += z * z * z;
      if (Math.abs(z) <= 1) within1++;
    }
    expect(finite).toBe(n);
    // Standard errors at n = 1e5: mean 0.0032, variance 0.0045, share 0.0015, third moment 0.0077.
    expect(Math.abs(sum / n)).toBeLessThan(0.015);
    expect(Math.abs(sumSq / n - 1)).toBeLessThan(0.02);
    expect(Math.abs(within1 / n - 0.6827)).toBeLessThan(0.006);
    expect(Math.abs(sumCube / n)).toBeLessThan(0.035);
  });

  it('shuffles into a permutation that depends on the seed', () => {
    const a = createRng(5).shuffle(Int32Array.from({ length: 100 }, (_, i) => i));
    expect(Array.from(a).sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    const b = createRng(6).shuffle(Int32Array.from({ length: 100 }, (_, i) => i));
    expect(Array.from(a)).not.toEqual(Array.from(b));
  });
});

describe('sampleLatents', () => {
  it('is deterministic and seed-dependent', () => {
    const a = sampleLatents(11, 20, 100);
    expect(a).toBeInstanceOf(Float32Array);
    expect(a.length).toBe(2000);
    expect(Buffer.from(a.buffer).equals(Buffer.from(sampleLatents(11, 20, 100).buffer))).toBe(true);
    expect(Array.from(sampleLatents(12, 20, 100))).not.toEqual(Array.from(a));
  });

  it('makes latent i from (seed, i) alone', () => {
    const dim = 8;
    const ten = sampleLatents(3, 10, dim);
    const five = sampleLatents(3, 5, dim);
    expect(Array.from(five)).toEqual(Array.from(ten.subarray(0, 5 * dim)));
    const picked = sampleLatentsAt(3, [7, 2], dim);
    expect(Array.from(picked.subarray(0, dim))).toEqual(Array.from(ten.subarray(7 * dim, 8 * dim)));
    expect(Array.from(picked.subarray(dim))).toEqual(Array.from(ten.subarray(2 * dim, 3 * dim)));
  });

  it('gives rows that look like independent N(0, I) draws', () => {
    const count = 2000;
    const dim = 50;
    const z = sampleLatents(99, count, dim);
    let sum = 0;
    let sumSq = 0;
    for (const v of z) {
      sum += v;
      sumSq += v * v;
    }
    const n = count * dim;
    expect(Math.abs(sum / n)).toBeLessThan(0.015);
    expect(Math.abs(sumSq / n - 1)).toBeLessThan(0.02);
    // Neighbouring rows and neighbouring seeds are uncorrelated: the mean product of
    // corresponding entries has standard error 1/√(n) ≈ 0.0032.
    let rowCross = 0;
    for (let i = 0; i + 1 < count; i++) {
      for (let k = 0; k < dim; k++) rowCross += z[i * dim + k] * z[(i + 1) * dim + k];
    }
    expect(Math.abs(rowCross / ((count - 1) * dim))).toBeLessThan(0.015);
    const other = sampleLatents(100, count, dim);
    let seedCross = 0;
    for (let i = 0; i < n; i++) seedCross += z[i] * other[i];
    expect(Math.abs(seedCross / n)).toBeLessThan(0.015);
  });

  it('gives distinct streams for distinct rows', () => {
    const first = new Set<number>();
    for (let i = 0; i < 1000; i++) first.add(latentRng(0, i).nextUint32());
    expect(first.size).toBeGreaterThan(990);
  });
});
