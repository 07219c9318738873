/**
 * Step 7 of the Morpho-MNIST pipeline: the medial axis as scikit-image ≤ 0.18's
 * `morphology.medial_axis` computed it (thinning in a fixed order, on a 3×3 lookup table).
 *
 * A 3×3 neighbourhood is coded as 9 bits: bit k = pixel (di, dj), k = 3(di + 1) + (dj + 1),
 * di, dj ∈ {−1, 0, 1}; the centre is bit 4.
 */
import { randomStatePermutation } from './mt19937';

const CENTRE = 1 << 4;

/** Number of 8-connected components among the set bits of a 3×3 code. */
function components8(code: number): number {
  let seen = 0;
  let count = 0;
  for (let start = 0; start < 9; start++) {
    if (!(code & (1 << start)) || seen & (1 << start)) continue;
    count++;
    const stack = [start];
    seen |= 1 << start;
    while (stack.length > 0) {
      const k = stack.pop() as number;
      const di = Math.floor(k / 3);
      const dj = k % 3;
      for (let ni = di - 1; ni <= di + 1; ni++) {
        for (let nj = dj - 1; nj <= dj + 1; nj++) {
          if (ni < 0 || ni > 2 || nj < 0 || nj > 2) continue;
          const b = 1 << (3 * ni + nj);
          if (code & b && !(seen & b)) {
            seen |= b;
            stack.push(3 * ni + nj);
          }
        }
      }
    }
  }
  return count;
}

function popcount9(code: number): number {
  let n = 0;
  for (let k = 0; k < 9; k++) n += (code >> k) & 1;
  return n;
}

/**
 * The 512-entry table of `medial_axis`: the new value of the centre given its neighbourhood.
 * 1 (keep) when the centre is set and either at most one other pixel is set (an end point) or
 * removing the centre changes the number of 8-connected components; 0 (remove) otherwise.
 */
export function medialAxisTable(): Uint8Array {
  const table = new Uint8Array(512);
  for (let code = 0; code < 512; code++) {
    if (!(code & CENTRE)) continue;
    const keeps = popcount9(code) < 3 || components8(code) !== components8(code & ~CENTRE);
    table[code] = keeps ? 1 : 0;
  }
  return table;
}

const TABLE = medialAxisTable();

/** Scratch for {@link medialAxis}, sized for one image shape. */
export class MedialAxisScratch {
  readonly foreground: Int32Array; // [pixels] padded index of the k-th foreground pixel
  readonly permutation: Int32Array; // [pixels] RandomState(0).permutation(n)
  readonly primary: Int32Array; // [pixels] d²·16 + corner score of the k-th foreground pixel
  readonly byTie: Int32Array; // [pixels] k in tie-break order
  readonly order: Int32Array; // [pixels] k in visiting order
  counts: Int32Array; // [distinct primary keys + 1] counting-sort buckets, grown on demand

  constructor(pixels: number) {
    this.foreground = new Int32Array(pixels);
    this.permutation = new Int32Array(pixels);
    this.primary = new Int32Array(pixels);
    this.byTie = new Int32Array(pixels);
    this.order = new Int32Array(pixels);
    this.counts = new Int32Array(1024);
  }
}

/** Corner scores are 0…9: 4 bits of the primary sort key. */
const CORNER_BITS = 16;
/** Larger squared distances (or +∞: an image without background) are refused. */
const MAX_SQUARED_DISTANCE = 1 << 26;

/**
 * Thins `skeleton` in place to the medial axis.
 *
 * Foreground pixels are visited in the order (distance ascending, corner score ascending,
 * tie-break ascending), where the corner score is 9 − the number of set pixels in the pixel's
 * 3×3 neighbourhood of the ORIGINAL binary image and the tie-break of the k-th foreground pixel
 * in row-major order is `RandomState(0).permutation(n)[k]`. Each visited pixel takes the value
 * the table gives for its current neighbourhood.
 *
 * @param skeleton the binary image, 0/1, padded: `(height + 2) · (width + 2)` values with a
 *   zero border, row stride width + 2. Thinned in place.
 * @param squaredDistance `height · width` squared distances (unpadded), e.g. from
 *   `squaredDistanceTransform`; only the foreground entries are read.
 * @returns n, the number of foreground pixels.
 */
export function medialAxis(
  skeleton: Uint8Array,
  width: number,
  height: number,
  squaredDistance: Float64Array,
  scratch: MedialAxisScratch,
): number {
  const stride = width + 2;
  const { foreground, permutation, primary, byTie, order } = scratch;

  let n = 0;
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      const p = (r + 1) * stride + c + 1;
      if (skeleton[p]) foreground[n++] = p;
    }
  }
  randomStatePermutation(n, 0, permutation);
  let maxKey = 0;
  for (let k = 0; k < n; k++) {
    const p = foreground[k];
    const r = Math.floor(p / stride) - 1;
    const c = (p % stride) - 1;
    const corner = 9 - countNeighbourhood(skeleton, p, stride);
    const d2 = squaredDistance[r * width + c];
    if (!(d2 <= MAX_SQUARED_DISTANCE)) throw new Error(`medialAxis: squared distance ${d2}`);
    const key = d2 * CORNER_BITS + corner;
    primary[k] = key;
    if (key > maxKey) maxKey = key;
    byTie[permutation[k]] = k;
  }
  // numpy's lexsort((tie, corner, distance)) as an LSD radix sort: the pixels in tie-break
  // order (a permutation, so no sorting needed), then a stable counting sort by d²·16 + corner.
  if (scratch.counts.length < maxKey + 2) scratch.counts = new Int32Array(2 * maxKey + 2);
  const counts = scratch.counts;
  counts.fill(0, 0, maxKey + 2);
  for (let k = 0; k < n; k++) counts[primary[k] + 1]++;
  for (let key = 1; key <= maxKey + 1; key++) counts[key] += counts[key - 1];
  for (let t = 0; t < n; t++) {
    const k = byTie[t];
    order[counts[primary[k]]++] = k;
  }

  for (let k = 0; k < n; k++) {
    const p = foreground[order[k]];
    const up = p - stride;
    const down = p + stride;
    const code =
      skeleton[up - 1] |
      (skeleton[up] << 1) |
      (skeleton[up + 1] << 2) |
      (skeleton[p - 1] << 3) |
      CENTRE |
      (skeleton[p + 1] << 5) |
      (skeleton[down - 1] << 6) |
      (skeleton[down] << 7) |
      (skeleton[down + 1] << 8);
    skeleton[p] = TABLE[code];
  }
  return n;
}

function countNeighbourhood(image: Uint8Array, p: number, stride: number): number {
  return (
    image[p - stride - 1] +
    image[p - stride] +
    image[p - stride + 1] +
    image[p - 1] +
    image[p] +
    image[p + 1] +
    image[p + stride - 1] +
    image[p + stride] +
    image[p + stride + 1]
  );
}
