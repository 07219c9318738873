import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { encodeRgbPng } from '../../src/cli/png';

describe('encodeRgbPng', () => {
  it('writes an 8-bit RGB PNG that decodes to the same pixels', () => {
    const data = Uint8Array.from([
      255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30, 40, 50, 60, 70, 80, 90,
    ]);
    const png = decode(encodeRgbPng({ data, width: 3, height: 2 }));
    expect(png.width).toBe(3);
    expect(png.height).toBe(2);
    expect(png.channels).toBe(3);
    expect(png.depth).toBe(8);
    expect(Array.from(png.data)).toEqual(Array.from(data));
  });

  it('refuses bytes that are not width × height RGB pixels', () => {
    expect(() => encodeRgbPng({ data: new Uint8Array(17), width: 3, height: 2 })).toThrow(/RGB/);
  });
});
