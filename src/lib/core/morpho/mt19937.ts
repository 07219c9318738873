/**
 * MT19937 (Matsumoto & Nishimura 1998) and the permutation numpy's legacy
 * `RandomState(seed).permutation(n)` draws with it. scikit-image ≤ 0.18's `medial_axis` breaks
 * ties with `RandomState(0).permutation`, so the Morpho-MNIST port needs it bit for bit.
 */

const N = 624;
const M = 397;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;
const MATRIX_A = 0x9908b0df;

/** The 32-bit Mersenne Twister, seeded like numpy's `RandomState(seed)` with an integer seed. */
export class Mt19937 {
  private readonly mt = new Uint32Array(N);
  private index = N;

  /** @param seed integer in [0, 2³²): numpy's `init_genrand`. */
  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new Error(`Mt19937: seed must be an integer in [0, 2^32), got ${seed}`);
    }
    const mt = this.mt;
    mt[0] = seed >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1];
      mt[i] = (Math.imul(1812433253, prev ^ (prev >>> 30)) + i) >>> 0;
    }
  }

  /** Next output word, uniform in [0, 2³²) (`genrand_int32`). */
  nextUint32(): number {
    if (this.index >= N) this.twist();
    let y = this.mt[this.index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  private twist(): void {
    const mt = this.mt;
    for (let k = 0; k < N; k++) {
      const y = (mt[k] & UPPER_MASK) | (mt[(k + 1) % N] & LOWER_MASK);
      mt[k] = mt[(k + M) % N] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    this.index = 0;
  }
}

/**
 * The output words of `Mt19937(0)`, generated once and extended on demand: every medial axis
 * draws its permutation from the start of this same stream, so caching it saves re-seeding
 * (624 words) and re-twisting for every image.
 */
class CachedStream {
  private readonly rng: Mt19937;
  private words = new Uint32Array(0);

  constructor(seed: number) {
    this.rng = new Mt19937(seed);
  }

  /** The first `count` words (or more). */
  prefix(count: number): Uint32Array {
    if (count > this.words.length) {
      const grown = new Uint32Array(Math.max(count, 2 * this.words.length, 4096));
      grown.set(this.words);
      for (let k = this.words.length; k < grown.length; k++) grown[k] = this.rng.nextUint32();
      this.words = grown;
    }
    return this.words;
  }
}

const seedZeroStream = new CachedStream(0);

/**
 * numpy's legacy `RandomState(seed).permutation(n)`: start from 0…n−1, then for i = n−1 down
 * to 1 draw v = genrand_int32() & mask(i) until v ≤ i (mask(i) = i with every lower bit set)
 * and swap a[i], a[v].
 *
 * @param out optional array of at least n entries to fill (avoids an allocation); the result is
 *   its first n entries.
 * @returns the permutation, values in [0, n).
 */
export function randomStatePermutation(
  n: number,
  seed = 0,
  out: Int32Array = new Int32Array(n),
): Int32Array {
  if (!Number.isInteger(n) || n < 0) throw new Error(`permutation: n must be ≥ 0, got ${n}`);
  if (out.length < n) throw new Error(`permutation: out holds ${out.length} < ${n} entries`);
  for (let k = 0; k < n; k++) out[k] = k;
  if (seed === 0) {
    let words = seedZeroStream.prefix(2 * n + 64);
    let w = 0;
    for (let i = n - 1; i > 0; i--) {
      const mask = maskOf(i);
      let v: number;
      do {
        if (w >= words.length) words = seedZeroStream.prefix(2 * words.length);
        v = (words[w++] & mask) >>> 0;
      } while (v > i);
      swap(out, i, v);
    }
  } else {
    const rng = new Mt19937(seed);
    for (let i = n - 1; i > 0; i--) {
      const mask = maskOf(i);
      let v: number;
      do v = (rng.nextUint32() & mask) >>> 0;
      while (v > i);
      swap(out, i, v);
    }
  }
  return out.length === n ? out : out.subarray(0, n);
}

/** i with every bit below its highest set bit set (numpy's `rk_interval` mask). */
function maskOf(i: number): number {
  let mask = i;
  mask |= mask >>> 1;
  mask |= mask >>> 2;
  mask |= mask >>> 4;
  mask |= mask >>> 8;
  mask |= mask >>> 16;
  return mask >>> 0;
}

function swap(a: Int32Array, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}
