/**
 * The feature labels of the paper's MNIST experiments (§ Evaluation Metric): a digit "is thick"
 * above the 90th percentile of the MNIST training set's thickness, "slants left" below the
 * 10th percentile of its slant.
 */
import { MORPHO_VERSION, type MorphoMeasures } from './measure';
import { percentileOfSorted } from './percentile';

/** A feature the paper unlearns on MNIST. */
export type MorphoFeature = 'thickness' | 'slant';

/**
 * Which slant counts as the feature (docs/method.md, option `slantSide`): `left` (default, the
 * paper) slant < p10, `right` slant > p90, `abs` |slant| > the 90th percentile of |slant|.
 */
export type SlantSide = 'left' | 'right' | 'abs';

/** Percentiles (numpy's default, linear) of the measures over the MNIST training set. */
export interface MorphoThresholds {
  /** {@link MORPHO_VERSION} of the measurement the percentiles were computed with. */
  version: string;
  /** Number of images measured (60,000 for the training set). */
  count: number;
  thickness: { p90: number };
  /** p10 and p90 of slant in radians; absP90 is the 90th percentile of |slant|. */
  slant: { p10: number; p90: number; absP90: number };
}

/**
 * Whether measures `m` show the feature, as the simulated person of the paper tags it.
 * Thickness: thickness > p90. Slant: see {@link SlantSide}.
 */
export function hasFeature(
  m: MorphoMeasures,
  t: MorphoThresholds,
  feature: MorphoFeature,
  slantSide: SlantSide = 'left',
): boolean {
  if (feature === 'thickness') return m.thickness > t.thickness.p90;
  switch (slantSide) {
    case 'left':
      return m.slant < t.slant.p10;
    case 'right':
      return m.slant > t.slant.p90;
    case 'abs':
      return Math.abs(m.slant) > t.slant.absP90;
  }
}

/** p10, p50 and p90 of one measure: a summary for reports. */
export interface PercentileSummary {
  p10: number;
  p50: number;
  p90: number;
}

/** {@link MorphoThresholds} plus the spread of every measure. */
export interface MorphoStatistics extends MorphoThresholds {
  summary: Record<keyof MorphoMeasures, PercentileSummary>;
}

/**
 * Thresholds from packed measures: `count` records of (area, length, thickness, slant), as
 * `MorphoMeter.measureInto` writes them.
 *
 * @throws when there are no records or a value is NaN.
 */
export function computeMorphoThresholds(packed: Float64Array, count: number): MorphoStatistics {
  if (count < 1 || packed.length < 4 * count) {
    throw new Error(`computeMorphoThresholds: need ≥ 1 record of 4 values, got ${count}`);
  }
  const column = (k: number, map: (v: number) => number = (v) => v): Float64Array => {
    const values = new Float64Array(count);
    for (let i = 0; i < count; i++) {
      const v = map(packed[4 * i + k]);
      if (Number.isNaN(v)) throw new Error(`computeMorphoThresholds: NaN in record ${i}`);
      values[i] = v;
    }
    return values.sort();
  };
  const summarise = (sorted: Float64Array): PercentileSummary => ({
    p10: percentileOfSorted(sorted, 10),
    p50: percentileOfSorted(sorted, 50),
    p90: percentileOfSorted(sorted, 90),
  });
  const area = summarise(column(0));
  const length = summarise(column(1));
  const thickness = summarise(column(2));
  const slant = summarise(column(3));
  const absSlant = column(3, Math.abs);
  return {
    version: MORPHO_VERSION,
    count,
    thickness: { p90: thickness.p90 },
    slant: { p10: slant.p10, p90: slant.p90, absP90: percentileOfSorted(absSlant, 90) },
    summary: { area, length, thickness, slant },
  };
}

/**
 * Reads stored thresholds (e.g. models/morpho-mnist.json), checking the fields
 * {@link hasFeature} needs.
 *
 * @throws Error naming the missing or malformed field, or a version other than
 *   {@link MORPHO_VERSION} (the thresholds would then label digits by another measurement).
 */
export function parseMorphoThresholds(json: unknown): MorphoThresholds {
  const fail = (what: string): never => {
    throw new Error(`morpho thresholds: ${what}`);
  };
  if (typeof json !== 'object' || json === null) return fail('not an object');
  const o = json as Record<string, unknown>;
  const num = (parent: unknown, key: string, path: string): number => {
    const v = (parent as Record<string, unknown> | undefined)?.[key];
    if (typeof v !== 'number' || !Number.isFinite(v)) return fail(`${path} is not a number`);
    return v;
  };
  if (typeof o.version !== 'string') return fail('version is missing');
  if (o.version !== MORPHO_VERSION) {
    return fail(`computed with ${o.version}, this build measures with ${MORPHO_VERSION}`);
  }
  return {
    version: o.version,
    count: num(o, 'count', 'count'),
    thickness: { p90: num(o.thickness, 'p90', 'thickness.p90') },
    slant: {
      p10: num(o.slant, 'p10', 'slant.p10'),
      p90: num(o.slant, 'p90', 'slant.p90'),
      absP90: num(o.slant, 'absP90', 'slant.absP90'),
    },
  };
}
