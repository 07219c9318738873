/** A batch of unitImages [count · 784] in [0, 1] to measure. */
export interface MorphoRequest {
  id: number;
  unitImages: Float32Array;
  count: number;
}

/** Progress, or the packed measures [count · 4]: area, length, thickness, slant per image. */
export type MorphoResponse =
  | { id: number; kind: 'progress'; done: number; count: number }
  | { id: number; kind: 'result'; measures: Float64Array };
