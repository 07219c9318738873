/**
 * The Morpho-MNIST measurement of one 28×28 digit (Castro et al., JMLR 2019), ported step by
 * step from the pipeline that produced its released per-image values (docs/method.md, "Morpho-MNIST
 * (thickness and slant), exactly"). Float64 throughout; works on plain typed arrays.
 */
import { gaussianBlur, gaussianKernel, gaussianRadius } from './blur';
import { EdtScratch, squaredDistanceTransform } from './distance-transform';
import { MedialAxisScratch, medialAxis } from './medial-axis';
import { slant } from './slant';
import { upscaleCatmullRom } from './upscale';

/**
 * Bump whenever a change could alter any measured value: stored thresholds carry the version
 * they were computed with.
 */
export const MORPHO_VERSION = 'morpho-mnist-castro2019-port-1';

/** Side of an MNIST digit. */
export const DIGIT_SIZE = 28;
/** Upscaling factor before binarising (Morpho-MNIST's default `scale`). */
export const MORPHO_SCALE = 4;
/** Side of the upscaled image. */
export const HIRES_SIZE = DIGIT_SIZE * MORPHO_SCALE;
/** Binarisation threshold as a fraction of the hires image's [min, max]. */
const THRESHOLD = 0.5;
/** Gaussian σ of `pyramid_expand`: 2·scale/6. */
const SIGMA = (2 * MORPHO_SCALE) / 6;

/**
 * Morpho-MNIST's measures, in units of the 28×28 image: area px², length px, thickness px,
 * slant radians (positive = leaning right).
 */
export interface MorphoMeasures {
  area: number;
  length: number;
  thickness: number;
  slant: number;
}

/** The measures in the order {@link MorphoMeter.measureInto} packs them. */
export const MORPHO_FIELDS = ['area', 'length', 'thickness', 'slant'] as const;

/** What a constant (e.g. blank) image measures: no stroke, hence no feature. */
export const BLANK_MEASURES: Readonly<MorphoMeasures> = Object.freeze({
  area: 0,
  length: 0,
  thickness: 0,
  slant: 0,
});

/**
 * Measures digits with preallocated buffers (about 0.6 MB), so measuring many images allocates
 * nothing per image. One instance per thread; not re-entrant.
 */
export class MorphoMeter {
  private readonly pixels = HIRES_SIZE * HIRES_SIZE;
  private readonly unit = new Float64Array(DIGIT_SIZE * DIGIT_SIZE);
  private readonly rowPass = new Float64Array(DIGIT_SIZE * HIRES_SIZE);
  private readonly upscaled = new Float64Array(this.pixels);
  private readonly blurScratch = new Float64Array(this.pixels);
  private readonly blurred = new Float64Array(this.pixels);
  private readonly weights = gaussianKernel(SIGMA, gaussianRadius(SIGMA));
  private readonly line = new Float64Array(HIRES_SIZE + 2 * gaussianRadius(SIGMA));
  private readonly hires = new Uint8Array(this.pixels);
  private readonly binary = new Uint8Array(this.pixels);
  private readonly skeleton = new Uint8Array((HIRES_SIZE + 2) * (HIRES_SIZE + 2));
  private readonly squaredDistance = new Float64Array(this.pixels);
  private readonly edtScratch = new EdtScratch(HIRES_SIZE, HIRES_SIZE);
  private readonly axisScratch = new MedialAxisScratch(this.pixels);

  /**
   * Measures one digit.
   *
   * @param pixels 784 uint8 values, 28×28 row-major, background 0 (MNIST's convention).
   * @returns the measures; {@link BLANK_MEASURES} for a constant image (Morpho-MNIST would call
   *   every pixel foreground there, and its distance transform has no background).
   */
  measure(pixels: Uint8Array): MorphoMeasures {
    const out = new Float64Array(4);
    this.measureInto(pixels, out, 0);
    return { area: out[0], length: out[1], thickness: out[2], slant: out[3] };
  }

  /** {@link measure}, writing area, length, thickness, slant to `out[offset…offset+3]`. */
  measureInto(pixels: Uint8Array, out: Float64Array, offset: number): void {
    if (pixels.length !== DIGIT_SIZE * DIGIT_SIZE) {
      throw new Error(`measureDigit: expected 784 pixels (28×28), got ${pixels.length}`);
    }
    const n = HIRES_SIZE;
    // Step 1: uint8 → [0, 1].
    for (let k = 0; k < pixels.length; k++) this.unit[k] = pixels[k] / 255;
    // Steps 2–4: upscale, blur, quantise to uint8 (truncation; values are in [0, 1]).
    upscaleCatmullRom(this.unit, DIGIT_SIZE, MORPHO_SCALE, this.upscaled, this.rowPass);
    gaussianBlur(this.upscaled, n, this.weights, this.blurred, this.blurScratch, this.line);
    const hires = this.hires;
    let min = 255;
    let max = 0;
    const blurred = this.blurred;
    for (let p = 0; p < this.pixels; p++) {
      // Truncation, as numpy's astype(uint8): blurred values are in [0, 1].
      const v = (255 * blurred[p]) | 0;
      hires[p] = v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    if (min === max) {
      writeMeasures(BLANK_MEASURES, out, offset);
      return;
    }
    // Step 5: binarise at the midpoint of the hires range.
    const threshold = min + THRESHOLD * (max - min);
    const binary = this.binary;
    const skeleton = this.skeleton;
    const stride = n + 2;
    let area = 0;
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < n; c++) {
        const b = hires[r * n + c] >= threshold ? 1 : 0;
        binary[r * n + c] = b;
        skeleton[(r + 1) * stride + c + 1] = b;
        area += b;
      }
    }
    // Steps 6–7: distance transform and medial axis.
    squaredDistanceTransform(binary, n, n, this.squaredDistance, this.edtScratch);
    medialAxis(skeleton, n, n, this.squaredDistance, this.axisScratch);
    // Step 8: area, thickness and length from the skeleton.
    let skeletonPixels = 0;
    let distanceSum = 0;
    let straight = 0;
    let diagonal = 0;
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < n; c++) {
        const p = (r + 1) * stride + c + 1;
        if (!skeleton[p]) continue;
        skeletonPixels++;
        distanceSum += Math.sqrt(this.squaredDistance[r * n + c]);
        straight += skeleton[p + 1] + skeleton[p + stride];
        diagonal += skeleton[p + stride - 1] + skeleton[p + stride + 1];
      }
    }
    out[offset] = area / (MORPHO_SCALE * MORPHO_SCALE);
    out[offset + 1] = (straight + Math.SQRT2 * diagonal) / MORPHO_SCALE;
    out[offset + 2] = (2 * (distanceSum / skeletonPixels)) / MORPHO_SCALE;
    // Step 9: slant of the hires greyscale image.
    out[offset + 3] = slant(hires, n, n);
  }
}

function writeMeasures(m: Readonly<MorphoMeasures>, out: Float64Array, offset: number): void {
  out[offset] = m.area;
  out[offset + 1] = m.length;
  out[offset + 2] = m.thickness;
  out[offset + 3] = m.slant;
}

let shared: MorphoMeter | undefined;

/**
 * The Morpho-MNIST measures of one digit (see {@link MorphoMeter.measure}); reuses one module
 * workspace, so it is cheap to call in a loop.
 *
 * @param pixels 784 uint8 values, 28×28 row-major.
 */
export function measureDigit(pixels: Uint8Array): MorphoMeasures {
  shared ??= new MorphoMeter();
  return shared.measure(pixels);
}

/**
 * Method.md step 1 for generated images: unitImages in [0, 1] (background 0) → uint8 by
 * floor(255·x), clamped to 0…255 (NaN → 0), so they are measured exactly like MNIST digits.
 */
export function quantiseUnitImage(unit: Float32Array): Uint8Array {
  const out = new Uint8Array(unit.length);
  for (let k = 0; k < unit.length; k++) {
    const v = Math.floor(255 * unit[k]);
    out[k] = v > 255 ? 255 : v > 0 ? v : 0;
  }
  return out;
}
