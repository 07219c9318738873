import { describe, expect, it } from 'vitest';
import {
  faceCell,
  facesSheet,
  labelText,
  sheetIndices,
  type SheetFaces,
} from '../../../src/cli/faces/sheet';

/** 40 faces of 2×2 px, face i filled with value i; labels: bangs on multiples of 3, hat on 5. */
function syntheticFaces(): SheetFaces {
  const count = 40;
  const images = new Uint8Array(count * 12);
  const labels = new Uint8Array(count * 4);
  for (let i = 0; i < count; i++) {
    images.fill(i, i * 12, (i + 1) * 12);
    if (i % 3 === 0) labels[4 * i] = 1;
    if (i % 5 === 0) labels[4 * i + 2] = 1;
  }
  return { images, labels, count, size: 2 };
}

describe('example sheet', () => {
  it('fills the rows of an attribute with successive positives and the none rows with negatives', () => {
    const faces = syntheticFaces();
    expect(sheetIndices(faces, ['bangs', 'bangs', 'hat', 'none'], 3)).toEqual([
      [0, 3, 6],
      [9, 12, 15],
      [0, 5, 10],
      [1, 2, 4],
    ]);
    expect(() => sheetIndices(faces, ['beard'], 1)).toThrow(/too few faces .*beard/);
  });

  it('writes the codes of a face’s labels', () => {
    const { labels } = syntheticFaces();
    expect(labelText(labels, 15)).toBe('BNG HAT');
    expect(labelText(labels, 5)).toBe('HAT');
    expect(labelText(labels, 1)).toBe('-');
  });

  it('enlarges each face to about 128 px in its cell', () => {
    const faces = syntheticFaces();
    const sheet = facesSheet(faces, 'test', ['hat'], 2);
    expect(sheet.data.length).toBe(sheet.width * sheet.height * 3);
    // Face 5 is the second of the row: its 128×128 block holds only the value 5.
    const values = new Set<number>();
    const { left, top, side } = faceCell(0, 1, faces.size);
    expect(side).toBe(128);
    for (let y = top - 1; y <= top + side; y++) {
      for (let x = left - 1; x <= left + side; x++) {
        const inside = y >= top && y < top + side && x >= left && x < left + side;
        if (inside) values.add(sheet.data[(y * sheet.width + x) * 3]);
        else expect(sheet.data[(y * sheet.width + x) * 3]).toBe(255); // white paper around it
      }
    }
    expect([...values]).toEqual([5]);
  });
});
