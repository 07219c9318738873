import { avataaars } from '@dicebear/collection';
import { describe, expect, it } from 'vitest';
import {
  FACE_ATTRIBUTES,
  FACE_LABEL_DEFINITIONS,
  FACE_RECIPE,
  UNIFORM_ORDER,
  buildFace,
  chooseFace,
  faceLabelsOf,
  type Face,
} from '../../../src/lib/data/faces/index';

/** The values avataaars' own schema allows for an option (an independent list). */
function schemaValues(option: string): string[] {
  const property = avataaars.schema?.properties?.[option] as { items?: { enum?: string[] } };
  return property.items?.enum ?? [];
}

const N = 2000;
const faces: Face[] = Array.from({ length: N }, (_, i) => buildFace(1, i));

describe('face recipe', () => {
  it('uses only values avataaars knows, with weights that add up to 1000', () => {
    for (const part of ['top', 'facialHair', 'accessories'] as const) {
      const groups = FACE_RECIPE[part];
      expect(groups.reduce((s, g) => s + g.weight, 0)).toBe(1000);
      for (const g of groups) for (const v of g.values) expect(schemaValues(part)).toContain(v);
    }
    for (const part of ['mouth', 'eyes', 'eyebrows', 'clothing', 'clothingGraphic'] as const) {
      for (const v of FACE_RECIPE[part]) expect(schemaValues(part)).toContain(v);
    }
    for (const a of FACE_ATTRIBUTES) {
      const { part, values } = FACE_LABEL_DEFINITIONS[a];
      for (const v of values) expect(schemaValues(part)).toContain(v);
    }
  });

  it('draws every part it picks uniformly', () => {
    expect([...UNIFORM_ORDER].sort()).toEqual(
      Object.keys(FACE_RECIPE)
        .filter((k) => Array.isArray(FACE_RECIPE[k as keyof typeof FACE_RECIPE]))
        .filter((k) => !['top', 'facialHair', 'accessories'].includes(k))
        .sort(),
    );
  });
});

describe('faceLabelsOf', () => {
  it('reads the labels from the parts drawn', () => {
    expect(faceLabelsOf({ top: 'miaWallace', accessories: 'round' })).toEqual({
      bangs: 1,
      beard: 0,
      hat: 0,
      glasses: 1,
    });
    expect(faceLabelsOf({ top: 'winterHat02', facialHair: 'beardMajestic' })).toEqual({
      bangs: 0,
      beard: 1,
      hat: 1,
      glasses: 0,
    });
    // A centre parting, a moustache, an eyepatch, or no part at all: no label.
    expect(
      faceLabelsOf({ top: 'bob', facialHair: 'moustacheFancy', accessories: 'eyepatch' }),
    ).toEqual({ bangs: 0, beard: 0, hat: 0, glasses: 0 });
    expect(faceLabelsOf({ top: undefined })).toEqual({ bangs: 0, beard: 0, hat: 0, glasses: 0 });
  });
});

describe('buildFace', () => {
  it('is a pure function of (seed, index)', () => {
    for (const i of [0, 1, 59_999, 123_456_789]) {
      expect(buildFace(1, i)).toEqual(buildFace(1, i));
    }
    expect(buildFace(1, 5).svg).toBe(faces[5].svg);
    const otherSeed = Array.from({ length: 20 }, (_, i) => buildFace(2, i).svg);
    const differ = otherSeed.filter((svg, i) => svg !== faces[i].svg).length;
    expect(differ).toBeGreaterThanOrEqual(19);
    expect(new Set(faces.slice(0, 200).map((f) => f.svg)).size).toBe(200);
  });

  it('draws exactly the options chosen, and the labels agree with what avataaars reports', () => {
    for (const [i, face] of faces.entries()) {
      const { choice, extra, labels } = face;
      expect(chooseFace(1, i)).toEqual(choice);
      expect(extra.top ?? null).toBe(choice.top);
      expect(extra.facialHair ?? null).toBe(choice.facialHair);
      expect(extra.accessories ?? null).toBe(choice.accessories);
      for (const part of ['mouth', 'eyes', 'eyebrows', 'clothing'] as const) {
        expect(extra[part]).toBe(choice[part]);
      }
      expect(extra.primaryBackgroundColor).toBe(`#${choice.backgroundColor}`);
      for (const a of FACE_ATTRIBUTES) {
        const { part, values } = FACE_LABEL_DEFINITIONS[a];
        expect(labels[a]).toBe(values.includes(choice[part] ?? '') ? 1 : 0);
      }
    }
  });

  it('shows each attribute on 5–15 % of faces', () => {
    for (const a of FACE_ATTRIBUTES) {
      const share = faces.filter((f) => f.labels[a] === 1).length / N;
      expect(share, a).toBeGreaterThanOrEqual(0.05);
      expect(share, a).toBeLessThanOrEqual(0.15);
    }
  });

  it('never draws the joke mouths and eyes, the eyepatch or the translucent bigHair', () => {
    const drawn = (part: string): Set<unknown> => new Set(faces.map((f) => f.extra[part]));
    const mouths = drawn('mouth');
    for (const m of ['eating', 'grimace', 'screamOpen', 'tongue', 'vomit'])
      expect(mouths).not.toContain(m);
    const eyes = drawn('eyes');
    for (const e of ['cry', 'eyeRoll', 'hearts', 'winkWacky', 'xDizzy'])
      expect(eyes).not.toContain(e);
    expect(drawn('accessories')).not.toContain('eyepatch');
    expect(drawn('top')).not.toContain('bigHair');
    expect(mouths.size).toBe(FACE_RECIPE.mouth.length);
    expect(eyes.size).toBe(FACE_RECIPE.eyes.length);
  });

  it('keeps bangs and hats exclusive, and the other attributes independent', () => {
    expect(faces.some((f) => f.labels.bangs && f.labels.hat)).toBe(false);
    expect(faces.some((f) => f.extra.top === 'hijab' && f.extra.facialHair)).toBe(false);
    // Pairs that may co-occur do, at about the product of their shares (1 %; 2,000 faces).
    for (const [a, b] of [
      ['bangs', 'beard'],
      ['bangs', 'glasses'],
      ['beard', 'glasses'],
      ['hat', 'glasses'],
      ['hat', 'beard'],
    ] as const) {
      const both = faces.filter((f) => f.labels[a] && f.labels[b]).length;
      expect(both, `${a} & ${b}`).toBeGreaterThan(4);
      expect(both, `${a} & ${b}`).toBeLessThan(50);
    }
  });
});
