import { sampleLatents } from './rng';

/**
 * The protocol's named seed streams (docs/method.md, "One protocol"): every random draw of a run
 * comes from the run's one seed (`options.seed`) through one of these, so the app and the CLI
 * draw the same latents and a recipe replays anywhere.
 *
 * - `tagGrid`: the N latents shown for tagging, the pool of `pool` mode.
 * - `preview`: the fixed latents of the live before/after grids.
 * - `evaluation`: the fresh latents the judge scores (TFR, IS_mnist, FID_mnist, ROC-AUC).
 * - `attack`: the latents the PGD attack starts from.
 * - `targetCheck`: the fresh latents whose flagged share the target diagnostics report.
 * - `shuffle`: the per-epoch order of the pool (and the fresh batches of `fresh` mode), which
 *   hash (seed, epoch) and (seed, step) themselves, so this stream is the seed as it is.
 */
export type SeedStream =
  'tagGrid' | 'preview' | 'evaluation' | 'attack' | 'targetCheck' | 'shuffle';

/** The hashed streams' numbers: fixed forever, since recipes and results depend on them. */
const HASHED: Readonly<Record<'tagGrid' | 'preview' | 'evaluation' | 'attack', number>> = {
  tagGrid: 1,
  preview: 2,
  evaluation: 3,
  attack: 4,
};

/**
 * The seed of `stream` under the run seed `seed` (an integer in [0, 2³²)). The hashed streams
 * mix (seed, stream number) with two odd multipliers, so nearby run seeds give unrelated grids.
 */
export function streamSeed(seed: number, stream: SeedStream): number {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffff_ffff) {
    throw new RangeError(`A run seed is an integer in [0, 2³²), got ${seed}`);
  }
  if (stream === 'shuffle') return seed;
  if (stream === 'targetCheck') return seed ^ 0x5eed;
  return (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(HASHED[stream], 0xc2b2ae35)) >>> 0;
}

/**
 * `count` latents z ~ N(0, I) of `stream` under `seed`: [count · latentDim]. A longer draw extends
 * a shorter one (latent i depends only on the stream seed and i).
 */
export function streamLatents(
  seed: number,
  stream: SeedStream,
  count: number,
  latentDim: number,
): Float32Array {
  return sampleLatents(streamSeed(seed, stream), count, latentDim);
}
