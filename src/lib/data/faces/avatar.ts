/**
 * Face `index` of a data set as an avataaars SVG, with the labels read from the parts the avatar
 * reports it drew.
 */
import { createAvatar, type Style } from '@dicebear/core';
import { avataaars } from '@dicebear/collection';
import { faceLabelsOf, type FaceLabels } from './attributes';
import { chooseFace, type FaceChoice } from './choose';
import { FACE_RECIPE } from './recipe';

/** The avataaars style's own options type. */
type AvataaarsOptions = typeof avataaars extends Style<infer O> ? O : never;

/** One face: its options, its SVG, the parts avataaars reports, and the labels. */
export interface Face {
  choice: FaceChoice;
  /** The SVG document, viewBox 0 0 280 280, background included. */
  svg: string;
  /** `createAvatar(…).toJson().extra`: the name of each part drawn and the colours. */
  extra: Record<string, unknown>;
  labels: FaceLabels;
}

/** One value or nothing, as avataaars wants it: a one-element list and a probability. */
function part<T extends string>(value: string | null): { values: T[]; probability: 0 | 100 } {
  return value === null
    ? { values: [], probability: 0 }
    : { values: [value as T], probability: 100 };
}

/**
 * The createAvatar options that draw exactly `choice`: every list has one value and every
 * probability is 0 or 100, so avataaars' own random generator decides nothing.
 */
export function avataaarsOptions(choice: FaceChoice): Partial<AvataaarsOptions> & {
  seed: string;
  scale: number;
  translateY: number;
} {
  type O = AvataaarsOptions;
  const top = part<NonNullable<O['top']>[number]>(choice.top);
  const facialHair = part<NonNullable<O['facialHair']>[number]>(choice.facialHair);
  const accessories = part<NonNullable<O['accessories']>[number]>(choice.accessories);
  return {
    seed: 'face',
    style: ['default'],
    base: ['default'],
    nose: ['default'],
    top: top.values,
    topProbability: top.probability,
    facialHair: facialHair.values,
    facialHairProbability: facialHair.probability,
    accessories: accessories.values,
    accessoriesProbability: accessories.probability,
    mouth: [choice.mouth as NonNullable<O['mouth']>[number]],
    eyes: [choice.eyes as NonNullable<O['eyes']>[number]],
    eyebrows: [choice.eyebrows as NonNullable<O['eyebrows']>[number]],
    clothing: [choice.clothing as NonNullable<O['clothing']>[number]],
    clothingGraphic: [choice.clothingGraphic as NonNullable<O['clothingGraphic']>[number]],
    skinColor: [choice.skinColor],
    hairColor: [choice.hairColor],
    facialHairColor: [choice.hairColor],
    hatColor: [choice.hatColor],
    accessoriesColor: [choice.accessoriesColor],
    clothesColor: [choice.clothesColor],
    backgroundColor: [choice.backgroundColor],
    scale: FACE_RECIPE.scale,
    translateY: FACE_RECIPE.translateY,
  };
}

/**
 * Face `index` of the data set with seed `seed`: a pure function of the two (same arguments,
 * same SVG string and labels, in Node and in the browser).
 */
export function buildFace(seed: number, index: number): Face {
  const choice = chooseFace(seed, index);
  const { svg, extra } = createAvatar(avataaars, avataaarsOptions(choice)).toJson();
  return { choice, svg, extra, labels: faceLabelsOf(extra) };
}
