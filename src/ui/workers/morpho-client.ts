import {
  hasFeature,
  parseMorphoThresholds,
  type MorphoFeature,
  type MorphoMeasures,
  type SlantSide,
} from '../../lib/core/morpho/index';
import thresholdsJson from '../../../models/morpho-mnist.json';
import type { MorphoRequest, MorphoResponse } from './morpho-protocol';
import type { FeatureLabeler } from '../../lib/eval/judge';

/** The MNIST training set's percentiles: what "thick" and "left slant" mean. */
export const MORPHO_THRESHOLDS = parseMorphoThresholds(thresholdsJson);

/** A feature as the app names it: what the presets and the TFR measure. */
export interface FeatureChoice {
  feature: MorphoFeature;
  slantSide: SlantSide;
}

/** The Morpho-MNIST measure in its own worker, so the page and the engine stay free. */
export class MorphoClient {
  private worker: Worker | null = null;
  private nextId = 1;

  private get endpoint(): Worker {
    this.worker ??= new Worker(new URL('./morpho.worker.ts', import.meta.url), { type: 'module' });
    return this.worker;
  }

  /** Packed measures [count · 4] of unitImages [count · 784]; `onProgress(done, count)`. */
  measure(
    unitImages: Float32Array,
    count: number,
    onProgress?: (done: number, count: number) => void,
  ): Promise<Float64Array> {
    const id = this.nextId++;
    const worker = this.endpoint;
    return new Promise((resolve, reject) => {
      const listener = (event: MessageEvent<MorphoResponse>): void => {
        const m = event.data;
        if (m.id !== id) return;
        if (m.kind === 'progress') {
          onProgress?.(m.done, m.count);
          return;
        }
        worker.removeEventListener('message', listener);
        worker.removeEventListener('error', fail);
        resolve(m.measures);
      };
      const fail = (event: ErrorEvent): void => {
        worker.removeEventListener('message', listener);
        reject(new Error(`The Morpho-MNIST worker failed: ${event.message}`));
      };
      worker.addEventListener('message', listener);
      worker.addEventListener('error', fail);
      worker.postMessage({ id, unitImages: unitImages.slice(), count } satisfies MorphoRequest);
    });
  }

  dispose(): void {
    this.worker?.terminate();
    this.worker = null;
  }
}

/** The measures of image `i` in a packed array. */
export function measuresAt(packed: Float64Array, i: number): MorphoMeasures {
  return {
    area: packed[4 * i],
    length: packed[4 * i + 1],
    thickness: packed[4 * i + 2],
    slant: packed[4 * i + 3],
  };
}

/** 1 where image i shows the feature, by the paper's percentile rule. */
export function featureFlags(
  packed: Float64Array,
  count: number,
  choice: FeatureChoice,
): Uint8Array {
  const out = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    out[i] = hasFeature(measuresAt(packed, i), MORPHO_THRESHOLDS, choice.feature, choice.slantSide)
      ? 1
      : 0;
  }
  return out;
}

/** Target feature ratio of packed measures: share in [0, 1] showing the feature. */
export function featureRatio(packed: Float64Array, count: number, choice: FeatureChoice): number {
  const flags = featureFlags(packed, count, choice);
  let n = 0;
  for (const f of flags) n += f;
  return count === 0 ? 0 : n / count;
}

/** The Morpho measure in its worker as the judge's labeler of `choice`. */
export function morphoLabeler(client: MorphoClient, choice: FeatureChoice): FeatureLabeler {
  const what = choice.feature === 'slant' ? `${choice.slantSide} slant` : 'thickness';
  return {
    name: `Morpho-MNIST ${what}`,
    labels: async (unitImages, count, onProgress) =>
      featureFlags(await client.measure(unitImages, count, onProgress), count, choice),
  };
}
