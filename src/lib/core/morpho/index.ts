/** The Morpho-MNIST port: measures of 28×28 digits and the paper's feature labels. */
export {
  BLANK_MEASURES,
  DIGIT_SIZE,
  HIRES_SIZE,
  MORPHO_FIELDS,
  MORPHO_SCALE,
  MORPHO_VERSION,
  MorphoMeter,
  measureDigit,
  quantiseUnitImage,
  type MorphoMeasures,
} from './measure';
export {
  computeMorphoThresholds,
  hasFeature,
  parseMorphoThresholds,
  type MorphoFeature,
  type MorphoStatistics,
  type MorphoThresholds,
  type PercentileSummary,
  type SlantSide,
} from './thresholds';
export { percentile, percentileOfSorted } from './percentile';
export { medialAxisTable } from './medial-axis';
export { randomStatePermutation, Mt19937 } from './mt19937';
