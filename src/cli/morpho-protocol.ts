/** Messages between {@link ./morpho-pool} and {@link ./morpho-worker}. */

/** Main → worker: measure `count` digits (count · 784 uint8, transferred). */
export interface MeasureRequest {
  type: 'measure';
  id: number;
  images: Uint8Array;
  count: number;
}

/** Worker → main: count · 4 values (area, length, thickness, slant), transferred. */
export type MeasureReply =
  | { type: 'measured'; id: number; measures: Float64Array }
  | { type: 'failed'; id: number; message: string };
