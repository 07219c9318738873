/**
 * Morpho-MNIST measures of many digits on a pool of worker threads (node:worker_threads): the
 * images go out in chunks, each worker takes the next chunk when it finishes one, and the
 * measures come back as transferred Float64Arrays.
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { MorphoMeter, type MorphoMeasures } from '../lib/core/morpho/index';
import { runChunks } from './chunk-pool';
import type { MeasureReply, MeasureRequest } from './morpho-protocol';
import { startTsWorker } from './ts-worker';

const PIXELS = 784;

/** How {@link measureManyPacked} runs. */
export interface PoolOptions {
  /**
   * Worker threads; default `os.availableParallelism()`. 0 measures in this thread. Below
   * {@link IN_PROCESS_BELOW} images the default is 0: starting workers costs about a second.
   */
  workers?: number;
  /** Images per message; default 250. */
  chunkSize?: number;
  /** Called after each chunk with the images measured so far. */
  onProgress?: (done: number, total: number) => void;
}

/** Image counts below this are measured in-process unless `workers` is given. */
export const IN_PROCESS_BELOW = 500;

/** Starts a worker running morpho-worker.ts. */
function startWorker(): Worker {
  return startTsWorker(new URL('./morpho-worker.ts', import.meta.url));
}

/**
 * Measures `count` digits, returning count · 4 values (area, length, thickness, slant), image
 * after image, as `MorphoMeter.measureInto` packs them.
 *
 * @param images count · 784 uint8 values, 28×28 row-major; not modified.
 */
export async function measureManyPacked(
  images: Uint8Array,
  count: number,
  options: PoolOptions = {},
): Promise<Float64Array> {
  if (images.length < count * PIXELS) {
    throw new Error(`measureMany: ${images.length} bytes cannot hold ${count} digits`);
  }
  const chunkSize = Math.max(1, options.chunkSize ?? 250);
  const chunks = Math.ceil(count / chunkSize);
  const wanted = options.workers ?? (count < IN_PROCESS_BELOW ? 0 : availableParallelism());
  const out = new Float64Array(4 * count);
  const onProgress = options.onProgress;
  if (wanted <= 0 || count === 0) {
    const meter = new MorphoMeter();
    for (let i = 0; i < count; i++) {
      meter.measureInto(images.subarray(PIXELS * i, PIXELS * (i + 1)), out, 4 * i);
      if (onProgress && ((i + 1) % chunkSize === 0 || i + 1 === count)) onProgress(i + 1, count);
    }
    return out;
  }

  const workers = Array.from({ length: Math.min(wanted, chunks) }, startWorker);
  let done = 0;
  await runChunks<MeasureReply>(
    workers,
    chunks,
    'morpho worker',
    (worker, id) => {
      const start = id * chunkSize;
      const n = Math.min(chunkSize, count - start);
      const chunk = images.slice(PIXELS * start, PIXELS * (start + n));
      const req: MeasureRequest = { type: 'measure', id, images: chunk, count: n };
      worker.postMessage(req, [chunk.buffer]);
    },
    (reply) => {
      out.set(reply.measures, 4 * reply.id * chunkSize);
      done += reply.measures.length / 4;
      onProgress?.(done, count);
    },
  );
  return out;
}

/** Unpacks record i of {@link measureManyPacked}'s output. */
export function measuresAt(packed: Float64Array, i: number): MorphoMeasures {
  return {
    area: packed[4 * i],
    length: packed[4 * i + 1],
    thickness: packed[4 * i + 2],
    slant: packed[4 * i + 3],
  };
}

/** {@link measureManyPacked} as one object per image. */
export async function measureMany(
  images: Uint8Array,
  count: number,
  options: PoolOptions = {},
): Promise<MorphoMeasures[]> {
  const packed = await measureManyPacked(images, count, options);
  return Array.from({ length: count }, (_, i) => measuresAt(packed, i));
}
