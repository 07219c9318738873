/**
 * The labelled example sheet of the face data set (docs/faces-examples.png): two rows of
 * positives per attribute and two rows of faces with none of them, each face enlarged with its
 * labels written under it.
 */
import { FACE_ATTRIBUTES, type FaceAttribute } from '../../lib/data/faces/index';
import type { RgbImage } from '../png';
import { FONT_HEIGHT, drawText, fillRect, textWidth } from '../pixel-font';

/** The code written under a face for each attribute it has. */
export const LABEL_CODES: Readonly<Record<FaceAttribute, string>> = {
  bangs: 'BNG',
  beard: 'BRD',
  hat: 'HAT',
  glasses: 'GLS',
};

/** What a sheet row shows: the faces with one attribute, or the faces with none. */
export type SheetRow = FaceAttribute | 'none';

/** The rows of the example sheet. */
export const SHEET_ROWS: readonly SheetRow[] = [
  'bangs',
  'bangs',
  'beard',
  'beard',
  'hat',
  'hat',
  'glasses',
  'glasses',
  'none',
  'none',
];

const INK: [number, number, number] = [34, 34, 34];
const PAPER: [number, number, number] = [255, 255, 255];
const TEXT_SCALE = 2;
const GAP = 8;
const MARGIN = 84;
const HEADER = 34;

/** The faces a sheet shows: faces 0 … count − 1 of a data set. */
export interface SheetFaces {
  /** count · size · size · 3, HWC RGB. */
  images: Uint8Array;
  /** count · 4 label rows, in FACE_ATTRIBUTES order. */
  labels: Uint8Array;
  count: number;
  size: number;
}

/**
 * For each row, the indices of the first `cols` faces that belong in it (the faces of the second
 * row of an attribute follow those of the first).
 *
 * @throws when there are too few faces to fill a row.
 */
export function sheetIndices(
  faces: SheetFaces,
  rows: readonly SheetRow[],
  cols: number,
): number[][] {
  const k = FACE_ATTRIBUTES.length;
  const used = new Map<SheetRow, number>();
  return rows.map((row) => {
    const picked: number[] = [];
    let seen = 0;
    const skip = used.get(row) ?? 0;
    for (let i = 0; i < faces.count && picked.length < cols; i++) {
      const has = (a: number): boolean => faces.labels[i * k + a] === 1;
      const fits =
        row === 'none'
          ? FACE_ATTRIBUTES.every((_, a) => !has(a))
          : has(FACE_ATTRIBUTES.indexOf(row));
      if (fits && seen++ >= skip) picked.push(i);
    }
    if (picked.length < cols) throw new Error(`too few faces for a sheet row of '${row}'`);
    used.set(row, skip + cols);
    return picked;
  });
}

/** The codes of a face's labels, e.g. 'BNG GLS', or '-' for none. */
export function labelText(labels: Uint8Array, index: number): string {
  const k = FACE_ATTRIBUTES.length;
  const codes = FACE_ATTRIBUTES.filter((_, a) => labels[index * k + a] === 1).map(
    (a) => LABEL_CODES[a],
  );
  return codes.length === 0 ? '-' : codes.join(' ');
}

/** Where the face of row r, column c sits on a sheet of faces of `size` px, and its side. */
export function faceCell(
  r: number,
  c: number,
  size: number,
): { left: number; top: number; side: number; zoom: number } {
  const zoom = Math.max(1, Math.round(128 / size));
  const side = size * zoom;
  return {
    left: MARGIN + c * (side + GAP),
    top: HEADER + r * (side + FONT_HEIGHT * TEXT_SCALE + 2 * GAP),
    side,
    zoom,
  };
}

/**
 * Draws the sheet: a header with the codes, then one row per entry of `rows`, `cols` faces each,
 * every face enlarged by nearest neighbour to about 128 px with its label codes under it.
 */
export function facesSheet(
  faces: SheetFaces,
  title: string,
  rows: readonly SheetRow[] = SHEET_ROWS,
  cols = 10,
): RgbImage {
  const textHeight = FONT_HEIGHT * TEXT_SCALE;
  const corner = faceCell(rows.length, cols, faces.size);
  const width = corner.left;
  const height = corner.top;
  const image: RgbImage = { data: new Uint8Array(width * height * 3), width, height };
  fillRect(image, 0, 0, width, height, PAPER);
  const legend = FACE_ATTRIBUTES.map((a) => `${LABEL_CODES[a]} ${a}`).join('   ');
  drawText(image, GAP, GAP, `${title}   labels: ${legend}`, INK, TEXT_SCALE);

  const indices = sheetIndices(faces, rows, cols);
  rows.forEach((row, r) => {
    indices[r].forEach((index, c) => {
      const { left, top, side, zoom } = faceCell(r, c, faces.size);
      if (c === 0) drawText(image, GAP, top + side / 2 - textHeight / 2, row, INK, TEXT_SCALE);
      blitZoomed(image, faces.images, index, faces.size, zoom, left, top);
      const text = labelText(faces.labels, index);
      const x = left + Math.max(0, Math.floor((side - textWidth(text, TEXT_SCALE)) / 2));
      drawText(image, x, top + side + GAP / 2, text, INK, TEXT_SCALE);
    });
  });
  return image;
}

/** Copies face `index` into `image` at (left, top), each pixel a zoom × zoom square. */
function blitZoomed(
  image: RgbImage,
  images: Uint8Array,
  index: number,
  size: number,
  zoom: number,
  left: number,
  top: number,
): void {
  const base = index * size * size * 3;
  for (let y = 0; y < size * zoom; y++) {
    for (let x = 0; x < size * zoom; x++) {
      const src = base + (Math.floor(y / zoom) * size + Math.floor(x / zoom)) * 3;
      const dst = ((top + y) * image.width + left + x) * 3;
      image.data[dst] = images[src];
      image.data[dst + 1] = images[src + 1];
      image.data[dst + 2] = images[src + 2];
    }
  }
}
