/**
 * The options of face `index` of the data set with seed `seed`: a pure function of the two,
 * drawn with the project's PCG32 (`latentRng(seed, index)`: its own stream per face, so any face
 * is made without the ones before it).
 */
import { latentRng, type Rng } from '../../core/rng';
import { FACE_RECIPE, type UniformPart, type WeightedGroup } from './recipe';

/** Every option of one face, each a single value; `null` for a part that is not drawn. */
export type FaceChoice = Record<UniformPart, string> & {
  top: string | null;
  facialHair: string | null;
  accessories: string | null;
};

/** The order in which {@link chooseFace} draws the uniform parts (fixed: it defines the data). */
export const UNIFORM_ORDER: readonly UniformPart[] = [
  'mouth',
  'eyes',
  'eyebrows',
  'clothing',
  'clothingGraphic',
  'skinColor',
  'hairColor',
  'hatColor',
  'accessoriesColor',
  'clothesColor',
  'backgroundColor',
];

/** Picks a branch by its per-mille weight, then one of its values uniformly. */
function pickWeighted(rng: Rng, groups: readonly WeightedGroup[]): string | null {
  let roll = rng.nextBelow(1000);
  for (const group of groups) {
    if (roll < group.weight) {
      return group.values.length === 0 ? null : group.values[rng.nextBelow(group.values.length)];
    }
    roll -= group.weight;
  }
  throw new Error('face recipe: weights must add up to 1000');
}

function pick(rng: Rng, values: readonly string[]): string {
  return values[rng.nextBelow(values.length)];
}

/**
 * Draws face `index`'s options, always in this order: top, facial hair, accessories, then the
 * uniform parts in {@link UNIFORM_ORDER}. A hijab is never combined with facial hair (the
 * avataaars art's own rule): the facial hair drawn for it is dropped, so beard shares are ~1 %
 * smaller among hats.
 *
 * @param seed the data set's seed, an integer in [−2³¹, 2⁵³).
 * @param index the face's index, an integer in [0, 2³²).
 */
export function chooseFace(seed: number, index: number): FaceChoice {
  const rng = latentRng(seed, index);
  const top = pickWeighted(rng, FACE_RECIPE.top);
  const facialHair = pickWeighted(rng, FACE_RECIPE.facialHair);
  const accessories = pickWeighted(rng, FACE_RECIPE.accessories);
  const uniform = {} as Record<UniformPart, string>;
  for (const part of UNIFORM_ORDER) uniform[part] = pick(rng, FACE_RECIPE[part]);
  return { ...uniform, top, facialHair: top === 'hijab' ? null : facialHair, accessories };
}
