import { MorphoMeter, quantiseUnitImage } from '../../lib/core/morpho/index';
import type { MorphoRequest, MorphoResponse } from './morpho-protocol';

const meter = new MorphoMeter();
const PIXELS = 784;

/** Measures each image (unitImages in [0, 1]) and answers with packed (area, length, thickness, slant). */
self.addEventListener('message', (event: MessageEvent<MorphoRequest>) => {
  const { id, unitImages, count } = event.data;
  const out = new Float64Array(count * 4);
  let last = performance.now();
  for (let i = 0; i < count; i++) {
    meter.measureInto(
      quantiseUnitImage(unitImages.subarray(i * PIXELS, (i + 1) * PIXELS)),
      out,
      i * 4,
    );
    if (performance.now() - last > 200) {
      last = performance.now();
      self.postMessage({ id, kind: 'progress', done: i + 1, count } satisfies MorphoResponse);
    }
  }
  self.postMessage({ id, kind: 'result', measures: out } satisfies MorphoResponse, {
    transfer: [out.buffer],
  });
});
