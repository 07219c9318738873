/**
 * Many faces on a pool of worker threads (node:worker_threads): the output arrays live in
 * SharedArrayBuffers that every worker writes into, so no pixels are copied between threads;
 * each worker takes the next chunk of faces when it finishes one.
 */
import { availableParallelism } from 'node:os';
import { FACE_ATTRIBUTES } from '../../lib/data/faces/index';
import { runChunks } from '../chunk-pool';
import { startTsWorker } from '../ts-worker';
import type { FaceReply, FaceRequest } from './protocol';
import { faceBytes, renderFacesInto } from './render';

/** What {@link renderFaces} makes. */
export interface FaceRange {
  /** What to render: faces start … start + count − 1 of the data set `seed`, `size` px square. */
  seed: number;
  size: number;
  start: number;
  count: number;
}

/** How {@link renderFaces} runs. */
export interface FacePoolOptions {
  /** Worker threads; default `os.availableParallelism()`. 0 renders in this thread. */
  workers?: number;
  /** Faces per message; default 200. */
  chunkSize?: number;
  /** Called after each chunk with the faces done so far. */
  onProgress?: (done: number, total: number) => void;
}

/** Rendered faces: images count · size · size · 3 (HWC RGB), labels count · 4; shared memory. */
export interface RenderedFaces {
  images: Uint8Array;
  labels: Uint8Array;
}

/** Renders a range of faces, on worker threads unless `workers` is 0. */
export async function renderFaces(
  range: FaceRange,
  options: FacePoolOptions = {},
): Promise<RenderedFaces> {
  const { seed, size, start, count } = range;
  const images = new Uint8Array(new SharedArrayBuffer(count * faceBytes(size)));
  const labels = new Uint8Array(new SharedArrayBuffer(count * FACE_ATTRIBUTES.length));
  const chunkSize = Math.max(1, options.chunkSize ?? 200);
  const chunks = Math.ceil(count / chunkSize);
  const wanted = options.workers ?? availableParallelism();
  const onProgress = options.onProgress;
  if (wanted <= 0 || count === 0) {
    for (let from = 0; from < count; from += chunkSize) {
      const n = Math.min(chunkSize, count - from);
      const k = FACE_ATTRIBUTES.length;
      renderFacesInto(
        seed,
        start + from,
        n,
        size,
        images.subarray(from * faceBytes(size)),
        labels.subarray(from * k),
      );
      onProgress?.(from + n, count);
    }
    return { images, labels };
  }

  const workers = Array.from({ length: Math.min(wanted, chunks) }, () =>
    startTsWorker(new URL('./worker.ts', import.meta.url)),
  );
  const init: FaceRequest = {
    type: 'init',
    seed,
    size,
    start,
    images: images.buffer as SharedArrayBuffer,
    labels: labels.buffer as SharedArrayBuffer,
  };
  for (const worker of workers) worker.postMessage(init);
  let done = 0;
  await runChunks<FaceReply>(
    workers,
    chunks,
    'faces worker',
    (worker, id) => {
      const from = id * chunkSize;
      const req: FaceRequest = {
        type: 'render',
        id,
        from,
        count: Math.min(chunkSize, count - from),
      };
      worker.postMessage(req);
    },
    (reply) => {
      done += reply.count;
      onProgress?.(done, count);
    },
  );
  return { images, labels };
}
