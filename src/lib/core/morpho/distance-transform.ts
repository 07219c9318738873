/**
 * Step 6 of the Morpho-MNIST pipeline: the exact Euclidean distance transform
 * (`scipy.ndimage.distance_transform_edt`), in squared integer form.
 */

/** Scratch for {@link squaredDistanceTransform}, sized for one image shape. */
export class EdtScratch {
  readonly column: Float64Array; // [height · width] squared vertical distances
  readonly sites: Int32Array; // [width] parabola apexes of the lower envelope
  readonly bounds: Float64Array; // [width + 1] where each parabola starts to be lowest

  constructor(width: number, height: number) {
    this.column = new Float64Array(width * height);
    this.sites = new Int32Array(width);
    this.bounds = new Float64Array(width + 1);
  }
}

/**
 * For every foreground pixel (binary ≠ 0), the squared Euclidean distance to the nearest
 * background pixel centre inside the image; background pixels get 0. Pixels outside the image
 * are not background, as in scipy. The result is exact (integers), so equal distances compare
 * equal; the distance itself is √d².
 *
 * Felzenszwalb & Huttenlocher (2012): a vertical pass, then the lower envelope of parabolas
 * along each row. Where the image has no background at all, every value is +∞.
 *
 * @param binary `height · width` values, row-major; @param out `height · width`, written.
 */
export function squaredDistanceTransform(
  binary: Uint8Array,
  width: number,
  height: number,
  out: Float64Array,
  scratch: EdtScratch,
): void {
  // Every foreground pixel's nearest background pixel lies within the foreground's bounding
  // box grown by one pixel (clamping a farther one into that box brings it closer and keeps it
  // outside the foreground), so the transform only runs there; everything else is background.
  let r0 = height;
  let r1 = -1;
  let c0 = width;
  let c1 = -1;
  for (let r = 0; r < height; r++) {
    const row = r * width;
    for (let c = 0; c < width; c++) {
      if (binary[row + c] === 0) continue;
      if (r < r0) r0 = r;
      r1 = r;
      if (c < c0) c0 = c;
      if (c > c1) c1 = c;
    }
  }
  out.fill(0);
  if (r1 < 0) return;
  r0 = Math.max(0, r0 - 1);
  r1 = Math.min(height - 1, r1 + 1);
  c0 = Math.max(0, c0 - 1);
  c1 = Math.min(width - 1, c1 + 1);

  const g = scratch.column;
  for (let c = c0; c <= c1; c++) {
    let last = -1;
    for (let r = r0; r <= r1; r++) {
      const p = r * width + c;
      if (binary[p] === 0) last = r;
      g[p] = last < 0 ? Infinity : r - last;
    }
    last = -1;
    for (let r = r1; r >= r0; r--) {
      const p = r * width + c;
      if (binary[p] === 0) last = r;
      else if (last >= 0 && last - r < g[p]) g[p] = last - r;
    }
    for (let r = r0; r <= r1; r++) {
      const p = r * width + c;
      g[p] = g[p] * g[p];
    }
  }

  const v = scratch.sites;
  const z = scratch.bounds;
  for (let r = r0; r <= r1; r++) {
    const row = r * width;
    let k = -1;
    for (let q = c0; q <= c1; q++) {
      const fq = g[row + q];
      if (fq === Infinity) continue;
      if (k < 0) {
        k = 0;
        v[0] = q;
        z[0] = -Infinity;
        z[1] = Infinity;
        continue;
      }
      let s: number;
      for (;;) {
        // z[0] = −∞ ends the loop: the first parabola is never dropped.
        const p = v[k];
        s = (fq + q * q - (g[row + p] + p * p)) / (2 * (q - p));
        if (s <= z[k]) k--;
        else break;
      }
      k++;
      v[k] = q;
      z[k] = s;
      z[k + 1] = Infinity;
    }
    if (k < 0) {
      for (let q = c0; q <= c1; q++) out[row + q] = Infinity;
      continue;
    }
    let j = 0;
    for (let q = c0; q <= c1; q++) {
      while (z[j + 1] < q) j++;
      const d = q - v[j];
      out[row + q] = d * d + g[row + v[j]];
    }
  }
}
