/**
 * Parser of the idx files MNIST ships in (LeCun et al.): a big-endian header — magic number
 * 0x00000803 for a 3-D uint8 array (images) or 0x00000801 for a 1-D one (labels), then one
 * uint32 per dimension — followed by the uint8 values, row-major. Pure: bytes in, views out.
 */

/** Magic number of an idx file of uint8 images [count, rows, cols]. */
export const IDX_IMAGES_MAGIC = 0x00000803;
/** Magic number of an idx file of uint8 labels [count]. */
export const IDX_LABELS_MAGIC = 0x00000801;

/** Images parsed from an idx3 file. */
export interface IdxImages {
  count: number;
  rows: number;
  cols: number;
  /** count · rows · cols values, image after image, row-major; a view of the input bytes. */
  pixels: Uint8Array;
}

function hex(magic: number): string {
  return `0x${magic.toString(16).padStart(8, '0')}`;
}

function header(bytes: Uint8Array, what: string, magic: number, dims: number): number[] {
  const headerBytes = 4 + 4 * dims;
  if (bytes.length < headerBytes) {
    throw new Error(
      `idx ${what}: file too short for its header (${bytes.length} bytes, need ${headerBytes})`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const found = view.getUint32(0, false);
  if (found !== magic) {
    throw new Error(`idx ${what}: wrong magic number ${hex(found)}, expected ${hex(magic)}`);
  }
  const sizes: number[] = [];
  for (let d = 0; d < dims; d++) sizes.push(view.getUint32(4 + 4 * d, false));
  const expected = sizes.reduce((a, b) => a * b, 1) + headerBytes;
  if (bytes.length !== expected) {
    const problem = bytes.length < expected ? 'truncated' : 'has trailing bytes';
    throw new Error(
      `idx ${what}: file ${problem}: ${bytes.length} bytes, but the header (${sizes.join('×')}) needs ${expected}`,
    );
  }
  return sizes;
}

/**
 * Parses an idx3 images file.
 *
 * @throws Error naming the problem: wrong magic number, header too short, zero-sized image, or
 *   a byte length that does not match the header's dimensions (truncated or trailing bytes).
 */
export function parseIdxImages(bytes: Uint8Array): IdxImages {
  const [count, rows, cols] = header(bytes, 'images', IDX_IMAGES_MAGIC, 3);
  if (rows === 0 || cols === 0) throw new Error(`idx images: empty image size ${rows}×${cols}`);
  return { count, rows, cols, pixels: bytes.subarray(16) };
}

/**
 * Parses an idx1 labels file.
 *
 * @returns count labels (0–9 for MNIST); a view of the input bytes.
 * @throws Error naming the problem, as {@link parseIdxImages}.
 */
export function parseIdxLabels(bytes: Uint8Array): Uint8Array {
  header(bytes, 'labels', IDX_LABELS_MAGIC, 1);
  return bytes.subarray(8);
}
