/** Faces start … start + count − 1 of a data set as RGB pixels and labels. */
import { FACE_ATTRIBUTES, buildFace } from '../../lib/data/faces/index';
import { rasteriseInto } from './rasterise';

/**
 * Faces are rendered at least this wide and box-filtered down to their size: 4× for 32 px, 2×
 * for 64 px. At 32 px the result is the exact pixel-area mean to within 0.2/255 on average,
 * where rendering straight at 32 px is off by 1.1/255 on average and by up to 72/255 along the
 * outline of the face; both keep bangs, beard, hat and glasses equally recognisable.
 */
export const FACE_RENDER_AT_LEAST = 128;

/** How many times the target size a face of side `size` is rendered at. */
export function faceSupersample(size: number): number {
  return Math.max(1, Math.ceil(FACE_RENDER_AT_LEAST / size));
}

/** Bytes of one face of side `size`: size · size · 3. */
export function faceBytes(size: number): number {
  return size * size * 3;
}

/**
 * Renders faces `start` … `start + count − 1` of the data set with seed `seed` into `images`
 * (count · size · size · 3 bytes, HWC RGB, face after face) and `labels` (count · 4 bytes, one
 * row per face in {@link FACE_ATTRIBUTES} order), both from position 0.
 */
export function renderFacesInto(
  seed: number,
  start: number,
  count: number,
  size: number,
  images: Uint8Array,
  labels: Uint8Array,
): void {
  const bytes = faceBytes(size);
  const attributes = FACE_ATTRIBUTES.length;
  if (images.length < count * bytes || labels.length < count * attributes) {
    throw new Error(`renderFacesInto: the arrays cannot hold ${count} faces of ${size} px`);
  }
  const raster = { size, supersample: faceSupersample(size) };
  for (let j = 0; j < count; j++) {
    const face = buildFace(seed, start + j);
    rasteriseInto(face.svg, face.choice.backgroundColor, raster, images, j * bytes);
    FACE_ATTRIBUTES.forEach((a, k) => (labels[j * attributes + k] = face.labels[a]));
  }
}
