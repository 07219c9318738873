/** Step 9 of the Morpho-MNIST pipeline: slant from the second-order image moments. */

/**
 * Slant of a greyscale image in radians: atan(−μ11/μ02), with x = column, y = row (y down),
 * μ11 = Σ(x − x̄)(y − ȳ)·g / m00 and μ02 = Σ(y − ȳ)²·g / m00 (the central moments Morpho-MNIST
 * writes as Σxy·g/m00 − x̄ȳ and Σy²·g/m00 − ȳ²). Positive = the top leans right.
 *
 * The raw sums are integers below 2⁵³ for uint8 images up to 112×112, so they are exact; the
 * central moments are formed from them once.
 *
 * @param image `height · width` grey values ≥ 0 (the hires uint8 image).
 * @returns the slant, or 0 for an image with no mass or no vertical extent.
 */
export function slant(image: Uint8Array, width: number, height: number): number {
  let m00 = 0;
  let m10 = 0; // Σ x·g
  let m01 = 0; // Σ y·g
  let m11 = 0; // Σ x·y·g
  let m02 = 0; // Σ y²·g
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let rowMass = 0;
    let rowX = 0;
    for (let x = 0; x < width; x++) {
      const g = image[row + x];
      rowMass += g;
      rowX += x * g;
    }
    m00 += rowMass;
    m10 += rowX;
    m01 += y * rowMass;
    m11 += y * rowX;
    m02 += y * y * rowMass;
  }
  if (m00 === 0) return 0;
  const xBar = m10 / m00;
  const yBar = m01 / m00;
  const mu11 = m11 / m00 - xBar * yBar;
  const mu02 = m02 / m00 - yBar * yBar;
  if (!(mu02 > 0)) return 0;
  return Math.atan(-mu11 / mu02);
}
