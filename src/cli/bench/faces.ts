/**
 * `npm run bench -- faces`: avatar faces per second — SVG build, rasterise, both — on this
 * thread and on the worker pool, and the projected build time of the 70,000-face data set.
 */
import { availableParallelism, loadavg } from 'node:os';
import { buildFace, type Face } from '../../lib/data/faces/index';
import { DEFAULT_FACE_COUNT } from '../faces/cache';
import { renderFaces } from '../faces/pool';
import { faceSupersample } from '../faces/render';
import { rasterise } from '../faces/rasterise';
import { formatDuration } from '../progress-bar';

export const title = 'Avatar faces: faces/s (SVG build, rasterise, total) on 1 and N workers';

const SINGLE = 1_000;
const POOLED = 8_000;

function rate(count: number, ms: number): string {
  return `${((1000 * count) / ms).toFixed(0)} faces/s (${(ms / count).toFixed(2)} ms/face)`;
}

async function pooled(workers: number, size: number): Promise<void> {
  const marks: { done: number; at: number }[] = [];
  const start = performance.now();
  await renderFaces(
    { seed: 1, size, start: 0, count: POOLED },
    { workers, onProgress: (done) => marks.push({ done, at: performance.now() }) },
  );
  const total = performance.now() - start;
  // Steady state: from the first chunk answered to the last, so worker start-up is left out.
  const first = marks[0];
  const last = marks[marks.length - 1];
  const steady = (1000 * (last.done - first.done)) / (last.at - first.at);
  console.log(
    `${size} px, ${workers} worker(s): ${POOLED} faces in ${(total / 1000).toFixed(1)} s with ` +
      `start-up, ${steady.toFixed(0)} faces/s steady → ${DEFAULT_FACE_COUNT.toLocaleString('en')} ` +
      `in ${formatDuration(DEFAULT_FACE_COUNT / steady)}`,
  );
}

export async function bench(): Promise<void> {
  console.log(
    `load average before: ${loadavg()
      .map((v) => v.toFixed(2))
      .join(' ')} (${availableParallelism()} cores)`,
  );
  for (let i = 0; i < 100; i++) buildFace(2, i); // warm-up
  let t = performance.now();
  const faces: Face[] = Array.from({ length: SINGLE }, (_, i) => buildFace(1, i));
  const svgMs = performance.now() - t;
  console.log(`SVG build (DiceBear), this thread: ${rate(SINGLE, svgMs)}`);

  for (const size of [32, 64]) {
    for (const supersample of [1, faceSupersample(size)]) {
      const raster = { size, supersample };
      for (const f of faces.slice(0, 50)) rasterise(f.svg, f.choice.backgroundColor, raster);
      t = performance.now();
      for (const f of faces) rasterise(f.svg, f.choice.backgroundColor, raster);
      const ms = performance.now() - t;
      const how = supersample === 1 ? 'straight' : `${supersample}× + box filter`;
      console.log(
        `rasterise ${size} px (${how}), this thread: ${rate(SINGLE, ms)}; ` +
          `with the SVG build ${rate(SINGLE, ms + svgMs)}`,
      );
    }
  }
  const workers = availableParallelism();
  for (const n of workers > 1 ? [1, workers] : [1]) await pooled(n, 32);
  await pooled(workers, 64);
  console.log(
    `load average after: ${loadavg()
      .map((v) => v.toFixed(2))
      .join(' ')}`,
  );
}
