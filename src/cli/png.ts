/**
 * PNG files from unitImages (grey or RGB) and from RGB byte pictures. Encoding uses `fast-png`
 * (pure JS, MIT, runs in browsers too, so the app's PNG export can share it).
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { encode } from 'fast-png';
import type { GreyImage } from '../lib/core/grid';

/** 8-bit greyscale (or RGB) PNG bytes of `image`, values in [0, 1] (clipped; 0 black, 1 white). */
export function encodeGreyPng(image: GreyImage): Uint8Array {
  const { pixels, width, height } = image;
  const channels = image.channels ?? 1;
  const data = new Uint8Array(width * height * channels);
  for (let i = 0; i < data.length; i++) {
    data[i] = Math.round(Math.min(1, Math.max(0, pixels[i])) * 255);
  }
  return encode({ width, height, data, channels, depth: 8 });
}

/** Writes `image` as a greyscale PNG at `path`, creating folders as needed. Returns the bytes. */
export function writeGreyPng(path: string, image: GreyImage): Uint8Array {
  return writeBytes(path, encodeGreyPng(image));
}

function writeBytes(path: string, bytes: Uint8Array): Uint8Array {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, bytes);
  return bytes;
}

/** An RGB picture: width · height · 3 bytes, row-major HWC. */
export interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
}

/** 8-bit RGB PNG bytes of `image`. */
export function encodeRgbPng(image: RgbImage): Uint8Array {
  const { data, width, height } = image;
  if (data.length !== width * height * 3) {
    throw new Error(`encodeRgbPng: ${data.length} bytes are not ${width}×${height} RGB pixels`);
  }
  return encode({ width, height, data, channels: 3, depth: 8 });
}

/** Writes `image` as an RGB PNG at `path`, creating folders as needed. Returns the bytes. */
export function writeRgbPng(path: string, image: RgbImage): Uint8Array {
  return writeBytes(path, encodeRgbPng(image));
}
