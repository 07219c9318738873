/**
 * `npm run data -- faces`: builds (or finds) the cached avatar face data set and writes its
 * labelled example sheet.
 *
 *   npm run data -- faces [--size 32] [--seed 1] [--count 70000] [--workers N] [--force]
 *                         [--sheet docs/faces-examples.png | --no-sheet]
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { FACE_ATTRIBUTES } from '../lib/data/faces/index';
import {
  DEFAULT_CACHE_ROOT,
  DEFAULT_FACE_COUNT,
  readShared,
  type AttributeShares,
  type FacesMeta,
} from './faces/cache';
import { buildFacesCache, ensureFaces } from './faces/load';
import { faceBytes } from './faces/render';
import { facesSheet } from './faces/sheet';
import { writeRgbPng } from './png';
import { formatDuration } from './progress-bar';

const USAGE =
  'usage: npm run data -- faces [--size 32] [--seed 1] [--count 70000] [--workers N] [--force]\n' +
  '                             [--sheet docs/faces-examples.png | --no-sheet]';

/** Faces the example sheet picks from: the first ones of the training split. */
const SHEET_POOL = 4000;

class UsageError extends Error {}

interface Options {
  size: number;
  seed: number;
  count: number;
  workers: number;
  force: boolean;
  sheet: string | null;
}

function wholeNumber(
  name: string,
  text: string | undefined,
  fallback: number,
  min: number,
): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || Number(text) < min) {
    throw new UsageError(`--${name} must be a whole number ≥ ${min}, got '${text}'`);
  }
  return Number(text);
}

function parseOptions(argv: string[]): Options {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: {
        size: { type: 'string' },
        seed: { type: 'string' },
        count: { type: 'string' },
        workers: { type: 'string' },
        force: { type: 'boolean', default: false },
        sheet: { type: 'string' },
        'no-sheet': { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  if (positionals.length !== 1 || positionals[0] !== 'faces') {
    throw new UsageError(
      positionals.length === 0
        ? 'say which data set: faces'
        : `unknown data set '${positionals.join(' ')}': the only one is faces`,
    );
  }
  const size = wholeNumber('size', values.size, 32, 4);
  if (size > 256) throw new UsageError(`--size must be at most 256, got ${size}`);
  if (values['no-sheet'] && values.sheet !== undefined) {
    throw new UsageError('give --sheet or --no-sheet, not both');
  }
  return {
    size,
    seed: wholeNumber('seed', values.seed, 1, 0),
    count: wholeNumber('count', values.count, DEFAULT_FACE_COUNT, 7),
    workers: wholeNumber('workers', values.workers, availableParallelism(), 0),
    force: values.force,
    sheet: values['no-sheet'] ? null : (values.sheet ?? join('docs', 'faces-examples.png')),
  };
}

function percent(shares: AttributeShares): string {
  return FACE_ATTRIBUTES.map((a) => `${a} ${(100 * shares[a]).toFixed(2)} %`).join(', ');
}

async function writeSheet(dir: string, meta: FacesMeta, path: string): Promise<void> {
  const count = Math.min(meta.trainCount, SHEET_POOL);
  const k = FACE_ATTRIBUTES.length;
  const [images, labels] = await Promise.all([
    readShared(join(dir, 'images.u8'), 0, count * faceBytes(meta.size)),
    readShared(join(dir, 'labels.u8'), 0, count * k),
  ]);
  const title = `avataaars faces ${meta.size}px seed ${meta.seed}`;
  writeRgbPng(path, facesSheet({ images, labels, count, size: meta.size }, title));
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const load = {
    size: options.size,
    seed: options.seed,
    count: options.count,
    workers: options.workers,
    root: DEFAULT_CACHE_ROOT,
  };
  const { dir, meta, built } = options.force
    ? { ...(await buildFacesCache(load)), built: true }
    : await ensureFaces(load);
  console.log(
    built
      ? `built ${meta.count.toLocaleString('en')} faces of ${meta.size} px in ` +
          `${formatDuration(meta.build.seconds)} on ${meta.build.workers} worker(s): ${dir}`
      : `up to date: ${dir} (built ${meta.build.finishedAt})`,
  );
  console.log(`train (${meta.trainCount.toLocaleString('en')}): ${percent(meta.shares.train)}`);
  console.log(`test  (${meta.testCount.toLocaleString('en')}): ${percent(meta.shares.test)}`);
  console.log(`all   (${meta.count.toLocaleString('en')}): ${percent(meta.shares.all)}`);
  if (options.sheet !== null) {
    await writeSheet(dir, meta, options.sheet);
    console.log(`example sheet: ${options.sheet}`);
  }
}

main().catch((e: unknown) => {
  if (e instanceof UsageError) {
    console.error(`${e.message}\n${USAGE}`);
    process.exit(2);
  }
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
