/**
 * The factors a face is drawn from, as classes: which hair style or head wear (`top`), facial
 * hair, glasses, mouth, eyes, skin, hair colour, clothing and background. The faces classifier
 * learns to tell them all apart; its features give FID_faces and its `top` probabilities give
 * IS_faces (docs/faces.md).
 */
import { chooseFace, type FaceChoice } from './choose';
import { FACE_RECIPE, type WeightedGroup } from './recipe';

/** One classification head: an avatar part and its classes ('none' where the part may be absent). */
export interface FaceFactor {
  part: keyof FaceChoice;
  classes: readonly string[];
}

const NONE = 'none';

function weightedClasses(groups: readonly WeightedGroup[]): string[] {
  const values = groups.flatMap((g) => g.values);
  return groups.some((g) => g.values.length === 0) ? [...values, NONE] : values;
}

/** The heads, `top` first (IS_faces is computed over it). */
export const FACE_FACTORS: readonly FaceFactor[] = [
  { part: 'top', classes: weightedClasses(FACE_RECIPE.top) },
  { part: 'facialHair', classes: weightedClasses(FACE_RECIPE.facialHair) },
  { part: 'accessories', classes: weightedClasses(FACE_RECIPE.accessories) },
  { part: 'mouth', classes: FACE_RECIPE.mouth },
  { part: 'eyes', classes: FACE_RECIPE.eyes },
  { part: 'skinColor', classes: FACE_RECIPE.skinColor },
  { part: 'hairColor', classes: FACE_RECIPE.hairColor },
  { part: 'clothing', classes: FACE_RECIPE.clothing },
  { part: 'backgroundColor', classes: FACE_RECIPE.backgroundColor },
];

/** The class of each factor of face `index`, in {@link FACE_FACTORS} order. */
export function faceFactorClasses(seed: number, index: number): Uint8Array {
  const choice = chooseFace(seed, index);
  return Uint8Array.from(FACE_FACTORS, ({ part, classes }) => {
    const value = choice[part] ?? NONE;
    const k = classes.indexOf(value);
    if (k < 0) throw new Error(`face ${index}: ${part} = ${value} is not one of its classes`);
    return k;
  });
}

/** The classes of faces [from, from + count), [count × factors] row-major. */
export function faceFactorTable(seed: number, from: number, count: number): Uint8Array {
  const out = new Uint8Array(count * FACE_FACTORS.length);
  for (let i = 0; i < count; i++)
    out.set(faceFactorClasses(seed, from + i), i * FACE_FACTORS.length);
  return out;
}
