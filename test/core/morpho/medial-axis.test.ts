import { describe, expect, it } from 'vitest';
import {
  EdtScratch,
  squaredDistanceTransform,
} from '../../../src/lib/core/morpho/distance-transform';
import { MedialAxisScratch, medialAxis } from '../../../src/lib/core/morpho/medial-axis';
import { medialAxisTable } from '../../../src/lib/core/morpho/index';

/** The table as docs/method.md gives it: one big integer, bit k = entry k. */
const TABLE_HEX =
  '22000030fe00000022000030fe000033ff0000ffff000033220000ffff00000022000030fe00000022000030ff000033ff000030ff00003323000031370000';

describe('medialAxisTable', () => {
  it('equals the 512-bit constant of docs/method.md, 132 entries set', () => {
    const big = BigInt(`0x${TABLE_HEX}`);
    const table = medialAxisTable();
    expect(table).toHaveLength(512);
    const expected = Array.from({ length: 512 }, (_, k) => Number((big >> BigInt(k)) & 1n));
    expect(Array.from(table)).toEqual(expected);
    expect(table.reduce((a, b) => a + b, 0)).toBe(132);
  });
});

/** Skeleton of a binary image given as rows of '#' and '.'. */
function skeletonOf(rows: string[]): string[] {
  const h = rows.length;
  const w = rows[0].length;
  const binary = new Uint8Array(w * h);
  const padded = new Uint8Array((w + 2) * (h + 2));
  rows.forEach((row, r) =>
    [...row].forEach((ch, c) => {
      const b = ch === '#' ? 1 : 0;
      binary[r * w + c] = b;
      padded[(r + 1) * (w + 2) + c + 1] = b;
    }),
  );
  const d2 = new Float64Array(w * h);
  squaredDistanceTransform(binary, w, h, d2, new EdtScratch(w, h));
  medialAxis(padded, w, h, d2, new MedialAxisScratch(w * h));
  return rows.map((_, r) =>
    Array.from({ length: w }, (_, c) => (padded[(r + 1) * (w + 2) + c + 1] ? '#' : '.')).join(''),
  );
}

function components(rows: string[]): number {
  const h = rows.length;
  const w = rows[0].length;
  const seen = new Set<number>();
  let count = 0;
  for (let start = 0; start < w * h; start++) {
    if (rows[Math.floor(start / w)][start % w] !== '#' || seen.has(start)) continue;
    count++;
    const stack = [start];
    seen.add(start);
    while (stack.length) {
      const p = stack.pop() as number;
      const r = Math.floor(p / w);
      const c = p % w;
      for (let dr = -1; dr <= 1; dr++) {
        for (let dc = -1; dc <= 1; dc++) {
          const rr = r + dr;
          const cc = c + dc;
          const q = rr * w + cc;
          if (rr < 0 || rr >= h || cc < 0 || cc >= w || seen.has(q)) continue;
          if (rows[rr][cc] === '#') {
            seen.add(q);
            stack.push(q);
          }
        }
      }
    }
  }
  return count;
}

describe('medialAxis', () => {
  it('keeps a one-pixel-wide line whole', () => {
    const line = ['..........', '.########.', '..........'];
    expect(skeletonOf(line)).toEqual(line);
  });

  it('thins a 3-pixel bar to its middle row plus the diagonal branches to its corners', () => {
    // The medial axis of a rectangle: the mid-line, forking into the four corners.
    const bar = ['............', '.##########.', '.##########.', '.##########.', '............'];
    expect(skeletonOf(bar)).toEqual([
      '............',
      '.#........#.',
      '..########..',
      '.#........#.',
      '............',
    ]);
  });

  it('keeps a ring a ring and a blob one piece, inside the foreground', () => {
    const ring = [
      '..........',
      '.########.',
      '.########.',
      '.##....##.',
      '.##....##.',
      '.########.',
      '.########.',
      '..........',
    ];
    const skeleton = skeletonOf(ring);
    expect(components(skeleton)).toBe(1);
    skeleton.forEach((row, r) =>
      [...row].forEach((ch, c) => ch === '#' && expect(ring[r][c]).toBe('#')),
    );
    // The hole survives: the skeleton still goes round it.
    expect(skeleton.join('').split('#').length - 1).toBeGreaterThanOrEqual(12);
  });

  it('refuses an image without background', () => {
    const d2 = new Float64Array(9).fill(Infinity);
    const padded = new Uint8Array(25);
    for (let r = 1; r <= 3; r++) for (let c = 1; c <= 3; c++) padded[r * 5 + c] = 1;
    expect(() => medialAxis(padded, 3, 3, d2, new MedialAxisScratch(9))).toThrow(/distance/);
  });
});
