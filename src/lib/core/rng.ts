/**
 * Seeded randomness for everything that must be reproducible: the latent pool, fresh batches,
 * shuffles, preview grids.
 *
 * The generator is PCG32 (O'Neill 2014, `pcg32_random_r` of pcg-c / pcg-c-basic): a 64-bit LCG
 * state, multiplier 6364136223846793005, an odd increment chosen by the stream, and the XSH-RR
 * output function. JavaScript has no 64-bit integers, so the state is kept as two uint32 halves
 * and multiplied with 16-bit limbs; everything is integer arithmetic (`Math.imul`, `>>> 0`),
 * so the output is the same bit for bit on every engine and matches the C reference.
 *
 * Normal deviates use the Box–Muller transform with `Math.log`, `Math.sqrt`, `Math.cos` and
 * `Math.sin`. V8 implements these with its fdlibm port, so Node and Chrome give identical bytes;
 * other engines (Firefox, Safari) may differ in the last bit of some values.
 */

const TWO_POW_32 = 0x1_0000_0000;
const TWO_POW_53 = 2 ** 53;
/** PCG's default 64-bit LCG multiplier, 6364136223846793005, as two uint32 halves. */
const MUL_HI = 0x5851f42d;
const MUL_LO = 0x4c957f2d;

/** A seeded source of random numbers. Mutable: each call advances its state. */
export interface Rng {
  /** Next raw output, an integer in [0, 2³²). */
  nextUint32(): number;
  /**
   * Next float in [0, 1) with 53 random bits (two 32-bit outputs: the top 27 bits of the first
   * and the top 26 of the second, as in the usual `genrand_res53`), so every multiple of 2⁻⁵³
   * in [0, 1) is equally likely.
   */
  nextFloat(): number;
  /**
   * Next standard normal deviate N(0, 1), by Box–Muller: u₁ = 1 − nextFloat() ∈ (0, 1],
   * u₂ = nextFloat(), r = √(−2 ln u₁); returns r·cos(2πu₂), and r·sin(2πu₂) on the next call.
   */
  nextNormal(): number;
  /**
   * Uniform integer in [0, bound), unbiased, exactly as pcg-c's `pcg32_boundedrand_r`: draw
   * r until r ≥ 2³² mod bound, return r mod bound. `bound` is an integer in [1, 2³²].
   */
  nextBelow(bound: number): number;
  /**
   * Shuffles `arr` in place (Fisher–Yates: for i = n down to 2, swap element i − 1 with
   * element nextBelow(i)) and returns it. Same draws as pcg-c's card-dealing test.
   */
  shuffle<A extends { length: number; [i: number]: unknown }>(arr: A): A;
}

/** Splits a seed into uint32 halves: integers in [−2³¹, 2⁵³); negatives are read as int32. */
function seedWords(seed: number, what: string): [hi: number, lo: number] {
  if (!Number.isInteger(seed) || seed < -0x8000_0000 || seed >= TWO_POW_53) {
    throw new RangeError(`${what} must be an integer in [−2³¹, 2⁵³), got ${seed}`);
  }
  if (seed < 0) return [0, seed >>> 0];
  return [Math.floor(seed / TWO_POW_32) >>> 0, seed >>> 0];
}

/** High 32 bits of the 64-bit product of two uint32 values, with 16-bit limbs. */
function mulHi32(a: number, b: number): number {
  const a0 = a & 0xffff;
  const a1 = a >>> 16;
  const b0 = b & 0xffff;
  const b1 = b >>> 16;
  const p00 = a0 * b0;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const p11 = a1 * b1;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  return (p11 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16)) >>> 0;
}

/** PCG32 with state and increment as uint32 halves. */
class Pcg32 implements Rng {
  private hi = 0;
  private lo = 0;
  private readonly incHi: number;
  private readonly incLo: number;
  private spare: number | null = null;

  /** `pcg32_srandom_r(initstate, initseq)`. */
  constructor(stateHi: number, stateLo: number, seqHi: number, seqLo: number) {
    // inc = (initseq << 1) | 1, mod 2⁶⁴.
    this.incHi = ((seqHi << 1) | (seqLo >>> 31)) >>> 0;
    this.incLo = ((seqLo << 1) | 1) >>> 0;
    this.step();
    const lo = this.lo + stateLo;
    this.lo = lo >>> 0;
    this.hi = (this.hi + stateHi + (lo >= TWO_POW_32 ? 1 : 0)) >>> 0;
    this.step();
  }

  /** state = state · MUL + inc (mod 2⁶⁴). */
  private step(): void {
    const { hi, lo } = this;
    const prodHi = mulHi32(lo, MUL_LO) + Math.imul(hi, MUL_LO) + Math.imul(lo, MUL_HI);
    const prodLo = Math.imul(lo, MUL_LO) >>> 0;
    const sumLo = prodLo + this.incLo;
    this.lo = sumLo >>> 0;
    this.hi = (prodHi + this.incHi + (sumLo >= TWO_POW_32 ? 1 : 0)) >>> 0;
  }

  nextUint32(): number {
    const { hi, lo } = this;
    this.step();
    // XSH-RR on the old state: xorshifted = ((s >> 18) ^ s) >> 27 (low 32 bits), rot = s >> 59.
    const xHi = hi ^ (hi >>> 18);
    const xLo = lo ^ ((lo >>> 18) | (hi << 14));
    const xorshifted = ((xLo >>> 27) | (xHi << 5)) >>> 0;
    const rot = hi >>> 27;
    return ((xorshifted >>> rot) | (xorshifted << (-rot & 31))) >>> 0;
  }

  nextFloat(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  nextNormal(): number {
    if (this.spare !== null) {
      const z = this.spare;
      this.spare = null;
      return z;
    }
    const u1 = 1 - this.nextFloat();
    const u2 = this.nextFloat();
    const r = Math.sqrt(-2 * Math.log(u1));
    const theta = 2 * Math.PI * u2;
    this.spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  }

  nextBelow(bound: number): number {
    if (!Number.isInteger(bound) || bound < 1 || bound > TWO_POW_32) {
      throw new RangeError(`bound must be an integer in [1, 2³²], got ${bound}`);
    }
    const threshold = (TWO_POW_32 - bound) % bound;
    for (;;) {
      const r = this.nextUint32();
      if (r >= threshold) return r % bound;
    }
  }

  shuffle<A extends { length: number; [i: number]: unknown }>(arr: A): A {
    for (let i = arr.length; i > 1; i--) {
      const chosen = this.nextBelow(i);
      const item = arr[chosen];
      arr[chosen] = arr[i - 1];
      arr[i - 1] = item;
    }
    return arr;
  }
}

/**
 * A PCG32 generator seeded like `pcg32_srandom_r(seed, stream)`.
 *
 * @param seed the initial state, an integer in [−2³¹, 2⁵³) (negative int32 values are read as
 *   their uint32 bit pattern, so `seed ^ k` works).
 * @param stream the sequence selector, same range; generators with different streams never
 *   produce the same sequence.
 */
export function createRng(seed: number, stream = 0): Rng {
  const [stateHi, stateLo] = seedWords(seed, 'seed');
  const [seqHi, seqLo] = seedWords(stream, 'stream');
  return new Pcg32(stateHi, stateLo, seqHi, seqLo);
}

/** murmur3's 32-bit finaliser (fmix32): a bijective avalanche mix of a uint32. */
function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/**
 * The generator of latent row `index` under `seed`: its own PCG stream (`index`) from an initial
 * state that hashes (seed, index) with fmix32, so rows are independent and any row can be made
 * without the rows before it (page k of a grid, one pool latent).
 */
export function latentRng(seed: number, index: number): Rng {
  const [seedHi, seedLo] = seedWords(seed, 'seed');
  if (!Number.isInteger(index) || index < 0 || index >= TWO_POW_32) {
    throw new RangeError(`latent index must be an integer in [0, 2³²), got ${index}`);
  }
  const golden = Math.imul(index, 0x9e3779b9);
  const lo = mix32(seedLo ^ mix32(golden ^ 0x6a09e667));
  const hi = mix32(seedHi ^ mix32(lo ^ index ^ 0xbb67ae85));
  return new Pcg32(hi, lo, 0, index >>> 0);
}

/**
 * Latents z ~ N(0, I) for the given row indices: [indices.length · latentDim] row-major float32.
 * Row j holds latent `indices[j]`, the same values `sampleLatents` puts in that row.
 */
export function sampleLatentsAt(
  seed: number,
  indices: ArrayLike<number>,
  latentDim: number,
): Float32Array {
  if (!Number.isInteger(latentDim) || latentDim < 1) {
    throw new RangeError(`latentDim must be a positive integer, got ${latentDim}`);
  }
  const out = new Float32Array(indices.length * latentDim); // [count, latentDim]
  for (let j = 0; j < indices.length; j++) {
    const rng = latentRng(seed, indices[j]);
    const row = j * latentDim;
    for (let k = 0; k < latentDim; k++) out[row + k] = rng.nextNormal();
  }
  return out;
}

/**
 * `count` latents z ~ N(0, I): [count · latentDim] row-major float32. Latent i depends only on
 * (seed, i), so a longer call extends a shorter one and any slice can be regenerated alone
 * with `sampleLatentsAt`.
 */
export function sampleLatents(seed: number, count: number, latentDim: number): Float32Array {
  if (!Number.isInteger(count) || count < 0) {
    throw new RangeError(`count must be a non-negative integer, got ${count}`);
  }
  return sampleLatentsAt(
    seed,
    Array.from({ length: count }, (_, i) => i),
    latentDim,
  );
}
