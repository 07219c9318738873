/**
 * Text drawn into RGB pixel arrays with a 3×5 pixel font (capitals, digits and a little
 * punctuation), for labels on generated PNG sheets without a font renderer.
 */
import type { RgbImage } from './png';

/** Each glyph: 5 rows of 3 columns, '#' lit. */
const GLYPHS: Record<string, string> = {
  A: '.#. #.# ### #.# #.#',
  B: '##. #.# ##. #.# ##.',
  C: '.## #.. #.. #.. .##',
  D: '##. #.# #.# #.# ##.',
  E: '### #.. ##. #.. ###',
  F: '### #.. ##. #.. #..',
  G: '.## #.. #.# #.# .##',
  H: '#.# #.# ### #.# #.#',
  I: '### .#. .#. .#. ###',
  J: '..# ..# ..# #.# .#.',
  K: '#.# #.# ##. #.# #.#',
  L: '#.. #.. #.. #.. ###',
  M: '#.# ### ### #.# #.#',
  N: '##. #.# #.# #.# #.#',
  O: '.#. #.# #.# #.# .#.',
  P: '##. #.# ##. #.. #..',
  Q: '.#. #.# #.# ##. .##',
  R: '##. #.# ##. #.# #.#',
  S: '.## #.. .#. ..# ##.',
  T: '### .#. .#. .#. .#.',
  U: '#.# #.# #.# #.# ###',
  V: '#.# #.# #.# #.# .#.',
  W: '#.# #.# ### ### #.#',
  X: '#.# #.# .#. #.# #.#',
  Y: '#.# #.# .#. .#. .#.',
  Z: '### ..# .#. #.. ###',
  '0': '### #.# #.# #.# ###',
  '1': '.#. ##. .#. .#. ###',
  '2': '##. ..# .#. #.. ###',
  '3': '##. ..# .#. ..# ##.',
  '4': '#.# #.# ### ..# ..#',
  '5': '### #.. ##. ..# ##.',
  '6': '.## #.. ### #.# ###',
  '7': '### ..# .#. .#. .#.',
  '8': '### #.# ### #.# ###',
  '9': '### #.# ### ..# ##.',
  ' ': '... ... ... ... ...',
  '-': '... ... ### ... ...',
  '.': '... ... ... ... .#.',
  ':': '... .#. ... .#. ...',
  '/': '..# ..# .#. #.. #..',
  '%': '#.# ..# .#. #.. #.#',
  '+': '... .#. ### .#. ...',
  '#': '#.# ### #.# ### #.#',
};

/** Glyph height in font pixels; each glyph is 3 wide plus 1 of spacing. */
export const FONT_HEIGHT = 5;

/** Width in image pixels of `text` at `scale` (no trailing space). */
export function textWidth(text: string, scale = 1): number {
  return text.length === 0 ? 0 : (4 * text.length - 1) * scale;
}

/**
 * Draws `text` (upper-cased) with its top-left corner at (x, y), each font pixel a
 * scale × scale square of `colour`; pixels outside the image are skipped.
 *
 * @throws for a character the font lacks.
 */
export function drawText(
  image: RgbImage,
  x: number,
  y: number,
  text: string,
  colour: readonly [number, number, number],
  scale = 1,
): void {
  [...text.toUpperCase()].forEach((ch, n) => {
    const glyph = GLYPHS[ch];
    if (glyph === undefined) throw new Error(`pixel font has no glyph for '${ch}'`);
    const rows = glyph.split(' ');
    for (let r = 0; r < FONT_HEIGHT; r++) {
      for (let c = 0; c < 3; c++) {
        if (rows[r][c] !== '#') continue;
        fillRect(image, x + (4 * n + c) * scale, y + r * scale, scale, scale, colour);
      }
    }
  });
}

/** Fills a rectangle with `colour`, clipped to the image. */
export function fillRect(
  image: RgbImage,
  x: number,
  y: number,
  w: number,
  h: number,
  colour: readonly [number, number, number],
): void {
  for (let yy = Math.max(0, y); yy < Math.min(image.height, y + h); yy++) {
    for (let xx = Math.max(0, x); xx < Math.min(image.width, x + w); xx++) {
      const p = (yy * image.width + xx) * 3;
      image.data[p] = colour[0];
      image.data[p + 1] = colour[1];
      image.data[p + 2] = colour[2];
    }
  }
}
