/**
 * The four face attributes of the paper's CelebA and FFHQ experiments ('Bang', 'Beard', 'Hat',
 * 'Glasses'), defined on avataaars faces by the option values that draw them. A label is read
 * from the parts the avatar reports it drew (`createAvatar(…).toJson().extra`), never from a
 * classifier, so it is exact.
 */

/** The attributes, in the column order of every labels array. */
export const FACE_ATTRIBUTES = ['bangs', 'beard', 'hat', 'glasses'] as const;

/** One of {@link FACE_ATTRIBUTES}. */
export type FaceAttribute = (typeof FACE_ATTRIBUTES)[number];

/** 0 or 1 for each attribute. */
export type FaceLabels = Record<FaceAttribute, 0 | 1>;

/** Which avatar part an attribute is read from, and which of its values count. */
export interface LabelDefinition {
  /** The key of `extra` (the avataaars component group). */
  part: 'top' | 'facialHair' | 'accessories';
  /** The values that make the label 1; any other value, or the part absent, makes it 0. */
  values: readonly string[];
  /** The rule in words, for docs and meta.json. */
  rule: string;
}

/**
 * The label definitions. Chosen by looking at renders of every value (docs/faces.md):
 * - bangs: the hair styles whose hair covers the middle of the forehead down to the eyebrows.
 *   `bob` (a centre parting that leaves the middle of the forehead bare) does not count.
 * - beard: the beards, which cover jaw and chin. The two moustaches (upper lip only) do not count.
 * - hat: every head wear top, hijab and turban included: each hides all the hair, as a hat does.
 * - glasses: every pair of glasses, sunglasses included (as CelebA's 'Eyeglasses' does). The
 *   eyepatch is never drawn.
 */
export const FACE_LABEL_DEFINITIONS: Readonly<Record<FaceAttribute, LabelDefinition>> = {
  bangs: {
    part: 'top',
    values: [
      'curvy',
      'longButNotTooLong',
      'miaWallace',
      'shaggy',
      'shaggyMullet',
      'straightAndStrand',
    ],
    rule: 'hair covers the middle of the forehead down to the eyebrows',
  },
  beard: {
    part: 'facialHair',
    values: ['beardLight', 'beardMedium', 'beardMajestic'],
    rule: 'a beard covers jaw and chin (a moustache alone does not count)',
  },
  hat: {
    part: 'top',
    values: ['hat', 'winterHat1', 'winterHat02', 'winterHat03', 'winterHat04', 'hijab', 'turban'],
    rule: 'head wear hides the hair (hats, winter hats, hijab, turban)',
  },
  glasses: {
    part: 'accessories',
    values: ['kurt', 'prescription01', 'prescription02', 'round', 'sunglasses', 'wayfarers'],
    rule: 'a pair of glasses or sunglasses',
  },
};

/**
 * The labels of an avatar from the parts it drew: `extra` as `createAvatar(…).toJson().extra`
 * returns it (a part that was not drawn is absent or undefined).
 */
export function faceLabelsOf(extra: Readonly<Record<string, unknown>>): FaceLabels {
  const labels = {} as FaceLabels;
  for (const attribute of FACE_ATTRIBUTES) {
    const { part, values } = FACE_LABEL_DEFINITIONS[attribute];
    const drawn = extra[part];
    labels[attribute] = typeof drawn === 'string' && values.includes(drawn) ? 1 : 0;
  }
  return labels;
}
