/**
 * How many samples the tagging grid can hold. A rare feature needs the larger grids: at 3 %
 * (the face ProgGAN's bangs), 500 samples hold about 15 that show it, 5,000 about 150.
 */
export const GRID_SIZES = [500, 2000, 5000] as const;

/** Tagged samples below which z_e (a mean difference) is too noisy to trust. */
export const FEW_TAGS = 20;

/** Warnings about a tag set of `tagged` samples out of `count`, before unlearning. */
export function tagWarnings(tagged: number, count: number): string[] {
  if (tagged === 0) return ['No sample is tagged: tag the ones that show the feature first.'];
  if (tagged === count) {
    return ['Every sample is tagged: leave the ones without the feature untagged.'];
  }
  if (tagged < FEW_TAGS) {
    const larger = GRID_SIZES.find((size) => size > count);
    const more =
      larger === undefined
        ? ''
        : ` If the feature is rare, draw more samples (${larger.toLocaleString('en')}) and tag again.`;
    return [
      `Only ${tagged} samples are tagged; z_e from so few is noisy (aim for ${FEW_TAGS} or more).${more}`,
    ];
  }
  if (count - tagged < 10) {
    return [`Only ${count - tagged} samples are untagged; the negatives are too few.`];
  }
  return [];
}
