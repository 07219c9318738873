import type { GeneratorInfo } from '../../lib/engine/types';
import { getState, setState } from './storage';

/** The first grid page of a generator, as drawn on an earlier visit. */
interface SavedFirstPage {
  /** SHA-256 of the weights that drew it: other weights, other samples. */
  sha256: string;
  seed: number;
  info: GeneratorInfo;
  /** unitImages [pageSize · H · W · C]. */
  images: Float32Array;
}

const key = (modelId: string): string => `first-page:${modelId}`;

/**
 * The first grid page of `modelId` for `seed`, if an earlier visit drew it with these weights:
 * a second visit shows it at once, before any engine has parsed TF.js.
 */
export async function readFirstPage(
  modelId: string,
  sha256: string,
  seed: number,
): Promise<{ info: GeneratorInfo; images: Float32Array } | null> {
  const saved = await getState<SavedFirstPage>(key(modelId));
  if (saved === undefined || saved.sha256 !== sha256 || saved.seed !== seed || sha256 === '') {
    return null;
  }
  return { info: saved.info, images: saved.images };
}

/** Keeps the first grid page for the next visit; a storage failure costs only that. */
export function saveFirstPage(
  modelId: string,
  sha256: string,
  seed: number,
  info: GeneratorInfo,
  images: Float32Array,
): void {
  const value: SavedFirstPage = { sha256, seed, info, images };
  setState(key(modelId), value, 'the first samples').catch(() => undefined);
}
