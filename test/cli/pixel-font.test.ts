import { describe, expect, it } from 'vitest';
import { drawText, textWidth } from '../../src/cli/pixel-font';
import type { RgbImage } from '../../src/cli/png';

/** The picture as rows of '#' (red lit) and '.'. */
function rows(image: RgbImage): string[] {
  return Array.from({ length: image.height }, (_, y) =>
    Array.from({ length: image.width }, (_, x) =>
      image.data[(y * image.width + x) * 3] ? '#' : '.',
    ).join(''),
  );
}

const blank = (width: number, height: number): RgbImage => ({
  data: new Uint8Array(width * height * 3),
  width,
  height,
});

describe('pixel font', () => {
  it('draws glyphs 3×5 with one column between them', () => {
    const image = blank(8, 6);
    drawText(image, 0, 1, 'hi', [255, 0, 0]);
    expect(rows(image)).toEqual([
      '........',
      '#.#.###.',
      '#.#..#..',
      '###..#..',
      '#.#..#..',
      '#.#.###.',
    ]);
    expect(textWidth('hi')).toBe(7);
    expect(textWidth('hi', 2)).toBe(14);
  });

  it('scales, clips at the edges and refuses characters it lacks', () => {
    const image = blank(4, 4);
    drawText(image, 1, 1, 'L', [255, 0, 0], 2);
    expect(rows(image)).toEqual(['....', '.##.', '.##.', '.##.']);
    expect(() => drawText(image, 0, 0, 'é', [255, 0, 0])).toThrow(/no glyph for 'É'/);
  });
});
