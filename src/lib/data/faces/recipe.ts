/**
 * What the face data set draws and how often: every avataaars option the faces use, with the
 * values kept and their weights. The recipe is data, so meta.json can store it and a cache made
 * from another recipe is recognised as stale.
 */
import { FACE_LABEL_DEFINITIONS } from './attributes';

/** Bump when the same recipe would give other pixels or labels (a drawing or framing change). */
export const FACES_VERSION = 1;

/** One branch of a weighted choice: picked with probability weight / 1000, then a value uniformly. */
export interface WeightedGroup {
  /** What the branch is, for docs. */
  name: string;
  /** Per mille; the weights of one choice add up to 1000. */
  weight: number;
  /** The values, each equally likely within the branch; empty means the part is not drawn. */
  values: readonly string[];
}

/**
 * The hair styles that are neither bangs nor head wear. Left out of the data: `bigHair`, which
 * lays a translucent sheet of hair over the whole face (a rendering that reads as neither bangs
 * nor no bangs). `bob`, `frida` (a flower crown) and `froBand` (a hair band) stay here: they
 * leave the middle of the forehead bare and hide no hair.
 */
const OTHER_HAIR = [
  'bob',
  'bun',
  'curly',
  'dreads',
  'dreads01',
  'dreads02',
  'frida',
  'frizzle',
  'fro',
  'froBand',
  'shavedSides',
  'shortCurly',
  'shortFlat',
  'shortRound',
  'shortWaved',
  'sides',
  'straight01',
  'straight02',
  'theCaesar',
  'theCaesarAndSidePart',
] as const;

/** Colours with enough contrast to the backgrounds and skins to be seen at 32 px. */
const DARK_OR_BRIGHT = ['262e33', '3c4f5c', '25557c', '5199e4', '929598', 'ff488e', 'ff5c5c'];

/**
 * The recipe. `top`, `facialHair` and `accessories` are weighted choices (the four attributes
 * live there); every other option is one value drawn uniformly from its list.
 */
export const FACE_RECIPE = {
  top: [
    { name: 'hat', weight: 100, values: FACE_LABEL_DEFINITIONS.hat.values },
    { name: 'bangs', weight: 100, values: FACE_LABEL_DEFINITIONS.bangs.values },
    { name: 'other hair', weight: 780, values: OTHER_HAIR },
    { name: 'no hair', weight: 20, values: [] },
  ],
  facialHair: [
    { name: 'beard', weight: 100, values: FACE_LABEL_DEFINITIONS.beard.values },
    { name: 'moustache', weight: 30, values: ['moustacheFancy', 'moustacheMagnum'] },
    { name: 'none', weight: 870, values: [] },
  ],
  accessories: [
    { name: 'glasses', weight: 100, values: FACE_LABEL_DEFINITIONS.glasses.values },
    { name: 'none', weight: 900, values: [] },
  ],
  /** Every mouth but the joke ones: eating, grimace, screamOpen, tongue, vomit. */
  mouth: ['concerned', 'default', 'disbelief', 'sad', 'serious', 'smile', 'twinkle'],
  /** Every pair of eyes but the joke ones: cry, eyeRoll, hearts, winkWacky, xDizzy. */
  eyes: ['closed', 'default', 'happy', 'side', 'squint', 'surprised', 'wink'],
  eyebrows: [
    'angry',
    'angryNatural',
    'default',
    'defaultNatural',
    'flatNatural',
    'frownNatural',
    'raisedExcited',
    'raisedExcitedNatural',
    'sadConcerned',
    'sadConcernedNatural',
    'unibrowNatural',
    'upDown',
    'upDownNatural',
  ],
  clothing: [
    'blazerAndShirt',
    'blazerAndSweater',
    'collarAndSweater',
    'graphicShirt',
    'hoodie',
    'overall',
    'shirtCrewNeck',
    'shirtScoopNeck',
    'shirtVNeck',
  ],
  clothingGraphic: [
    'bat',
    'bear',
    'cumbia',
    'deer',
    'diamond',
    'hola',
    'pizza',
    'resist',
    'skull',
    'skullOutline',
  ],
  /** avataaars' skin tones less the cartoon yellow (f8d25c) and orange (fd9841). */
  skinColor: ['614335', 'ae5d29', 'd08b5b', 'edb98a', 'ffdbb4'],
  /** avataaars' hair colours; a beard or moustache takes the hair's colour. */
  hairColor: [
    '2c1b18',
    '4a312c',
    '724133',
    'a55728',
    'b58143',
    'c93305',
    'd6b370',
    'ecdcbf',
    'e8e1e1',
    'f59797',
  ],
  hatColor: DARK_OR_BRIGHT,
  /** Frame colours of the glasses. */
  accessoriesColor: DARK_OR_BRIGHT,
  clothesColor: [
    '262e33',
    '25557c',
    '3c4f5c',
    '5199e4',
    '65c9ff',
    '929598',
    'a7ffc4',
    'b1e2ff',
    'e6e6e6',
    'ff488e',
    'ff5c5c',
    'ffafb9',
    'ffffb1',
    'ffffff',
  ],
  /**
   * Light backgrounds of many hues; none grey (white hair would vanish) and none peach (the
   * lightest skin would).
   */
  backgroundColor: ['b6e3f4', 'c0aede', 'd1d4f9', 'ffd5dc', 'c7f0d8', 'd5ecc2', '9fd3c7', 'f3c4fb'],
  /**
   * Framing: dicebear's `scale` (percent, about the centre) and `translateY` (percent of the
   * height). Zooms in on the head so the face has more pixels at 32 px; the top of the tallest
   * hat stays in the picture, the widest brim loses its tips.
   */
  scale: 120,
  translateY: 8,
} as const satisfies {
  top: readonly WeightedGroup[];
  facialHair: readonly WeightedGroup[];
  accessories: readonly WeightedGroup[];
  [list: string]: unknown;
};

/** The options drawn with a uniform pick from a list. */
export type UniformPart =
  | 'mouth'
  | 'eyes'
  | 'eyebrows'
  | 'clothing'
  | 'clothingGraphic'
  | 'skinColor'
  | 'hairColor'
  | 'hatColor'
  | 'accessoriesColor'
  | 'clothesColor'
  | 'backgroundColor';
