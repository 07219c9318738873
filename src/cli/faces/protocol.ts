/** Messages between {@link ./pool} and {@link ./worker}. */

/**
 * Main → worker. `init` hands over the shared output arrays, where position 0 holds face `start`;
 * each `render` then fills positions from … from + count − 1 in place.
 */
export type FaceRequest =
  | {
      type: 'init';
      seed: number;
      size: number;
      start: number;
      images: SharedArrayBuffer;
      labels: SharedArrayBuffer;
    }
  | { type: 'render'; id: number; from: number; count: number };

/** Worker → main: a chunk is written, or it failed. */
export type FaceReply =
  { type: 'rendered'; id: number; count: number } | { type: 'failed'; id: number; message: string };
