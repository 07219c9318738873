/**
 * `npm run bench -- morpho`: Morpho-MNIST measuring speed, one thread and on the worker pool,
 * and the projected time for the 60,000 training digits (goal: under two minutes).
 */
import { availableParallelism, loadavg } from 'node:os';
import { MorphoMeter } from '../../lib/core/morpho/index';
import { imageAt, loadMnist } from '../mnist';
import { measureManyPacked } from '../morpho-pool';

export const title = 'Morpho-MNIST measures: images/s single-threaded and on the worker pool';

const SINGLE = 2_000;
const POOLED = 10_000;
const TRAIN = 60_000;

export async function bench(): Promise<void> {
  const { images } = await loadMnist('train');
  const load = loadavg().map((v) => v.toFixed(2));
  console.log(`load average before: ${load.join(' ')} (${availableParallelism()} cores)`);

  const meter = new MorphoMeter();
  const out = new Float64Array(4);
  for (let i = 0; i < 200; i++) meter.measureInto(imageAt(images, i), out, 0); // warm-up
  let start = performance.now();
  for (let i = 0; i < SINGLE; i++) meter.measureInto(imageAt(images, i), out, 0);
  const single = SINGLE / ((performance.now() - start) / 1000);
  console.log(
    `single thread: ${SINGLE} images, ${single.toFixed(0)} images/s ` +
      `(${(1000 / single).toFixed(3)} ms/image) → 60,000 in ${(TRAIN / single).toFixed(1)} s`,
  );

  const workers = availableParallelism();
  start = performance.now();
  await measureManyPacked(images, POOLED, { workers });
  const seconds = (performance.now() - start) / 1000;
  const pooled = POOLED / seconds;
  console.log(
    `pool of ${workers} workers: ${POOLED} images in ${seconds.toFixed(2)} s (worker start-up ` +
      `included), ${pooled.toFixed(0)} images/s → 60,000 in ${(TRAIN / pooled).toFixed(1)} s`,
  );
  console.log(
    `load average after: ${loadavg()
      .map((v) => v.toFixed(2))
      .join(' ')}`,
  );
}
