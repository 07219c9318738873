import { describe, expect, it } from 'vitest';
import {
  checkReplay,
  describeReplay,
  formatRanges,
  formatRecipe,
  parseRanges,
  parseRecipe,
  recipeHash,
  RecipeError,
  targetFingerprint,
  type Recipe,
} from '../../src/lib/core/recipe';
import { OPTION_TABLE, resolveOptions } from '../../src/lib/core/options';
import { createHash } from 'node:crypto';

const recipe: Recipe = {
  model: 'dcgan-mnist',
  count: 500,
  tags: [1, 2, 3, 40],
  feature: { kind: 'morpho', feature: 'slant', slantSide: 'left' },
  options: {
    ...resolveOptions({
      alpha: 2,
      threshold: 'midpoint',
      shrinkage: 0.25,
      seed: 7,
      terms: { percep: false },
    }),
    steps: 120,
  },
  evalCount: 200,
  expect: { tfr: 0.042, threshold: -0.123456789012345, targetVector: '0123456789abcdef' },
};

describe('index ranges', () => {
  it('writes and reads index ranges, refusing bad ones', () => {
    expect(formatRanges([5, 1, 2, 3, 9, 10])).toBe('1-3,5,9-10');
    expect(parseRanges('1-3,5,9-10', 20)).toEqual([1, 2, 3, 5, 9, 10]);
    expect(() => parseRanges('3-1', 20)).toThrow(/outside/);
    expect(() => parseRanges('1,x', 20)).toThrow(/"x"/);
    expect(() => parseRanges('25', 20)).toThrow(/outside/);
    expect(() => parseRanges('1,1,1', 20)).toThrow(/repeats/);
    expect(() => parseRanges('5,2', 20)).toThrow(/repeats or goes back/);
    expect(() => parseRanges('0-4294967295', 500)).toThrow(/outside/);
  });
});

describe('recipe links', () => {
  it('round-trip every option of the table, the tags, the feature and the expected values', () => {
    const hash = formatRecipe(recipe);
    for (const spec of OPTION_TABLE) expect(hash).toContain(`&${spec.url}=`);
    expect(parseRecipe(hash)).toEqual(recipe);
  });

  it('round-trip a face attribute and the IS_faces / FID_faces a run reached', () => {
    const faces: Recipe = {
      ...recipe,
      model: 'proggan-faces',
      feature: { kind: 'attribute', attribute: 'glasses' },
      expect: { ...recipe.expect, isFaces: 3.25, fidFaces: 12.5 },
    };
    const hash = formatRecipe(faces);
    expect(hash).toContain('&feature=glasses&');
    expect(parseRecipe(hash)).toEqual(faces);
    expect(() => parseRecipe(hash.replace('feature=glasses', 'feature=moustache'))).toThrow(
      /"feature" must be thickness, slant, bangs, beard, hat, glasses or classifier/,
    );
  });

  it('check IS_faces within 2 % and FID_faces within 5 % of the recorded values', () => {
    const expectations = { isFaces: 3, fidFaces: 20 };
    expect(checkReplay(expectations, { isFaces: 3.05, fidFaces: 20.9 }).reproduced).toBe(true);
    expect(checkReplay(expectations, { isFaces: 3.07, fidFaces: 20 }).reproduced).toBe(false);
    expect(checkReplay(expectations, { isFaces: 3, fidFaces: 21.1 }).reproduced).toBe(false);
    expect(describeReplay(checkReplay(expectations, { isFaces: 3, fidFaces: 21.1 }))).toContain(
      'FID_faces 21.100 vs 20.000 (differs)',
    );
  });

  it('are found in a whole link, a hash or a bare recipe', () => {
    const hash = formatRecipe(recipe);
    expect(recipeHash(`https://example.org/app/?backend=wasm${hash}`)).toBe(hash);
    expect(recipeHash(hash)).toBe(hash);
    expect(recipeHash(hash.slice(1))).toBe(hash);
  });

  const base = '#recipe&v=2&model=vae-mnist&n=500&steps=3';
  it.each([
    ['#nothing', /does not start with #recipe/],
    ['#recipe&model=vae-mnist&grid=1&n=500&steps=3', /earlier version/],
    ['#recipe&v=9&model=vae-mnist&n=500&steps=3', /version "9"/],
    [`${base.replace('n=500', 'n=abc')}`, /"n" must be a whole number/],
    [`${base.replace('n=500', 'n=1e300')}`, /"n" must be a whole number/],
    [`${base}&tags=1-900`, /"tags"/],
    [`${base}&tags=${'1,'.repeat(40_000)}1`, /KB long/],
    [`${base}&tags=3,3`, /repeats/],
    [`${base}&tags=-1`, /"tags"/],
    [`${base}&alpha=-1`, /alpha/],
    [`${base}&batch=99999999999999999999`, /batchSize/],
    [`${base}&lr=abc`, /learningRate: must be a number/],
    [`${base}&recon=0&unlearn=0&percep=0`, /at least one loss term/],
    [`${base}&shrinkage=constructor`, /shrinkage/],
    ['#recipe&v=2&model=../etc&n=500&steps=3', /"model"/],
    ['#recipe&v=2&model=<img src=x>&n=500&steps=3', /"model"/],
    ['#recipe&v=2&model=vae-mnist&n=500', /"steps" is missing/],
    [`${base}&expect.tfr=abc`, /expect.tfr/],
    [`${base}&expect.targetVector=<b>`, /16 hexadecimal/],
    [`${base}&feature=<script>`, /"feature"/],
    [`${base}&eval=1000000000`, /"eval"/],
  ])('refuses %s with a reason', (hash, reason) => {
    expect(() => parseRecipe(hash)).toThrow(RecipeError);
    expect(() => parseRecipe(hash)).toThrow(reason);
  });

  it('quote at most a few dozen characters of a bad value back', () => {
    try {
      parseRecipe(`${base}&threshold=${'x'.repeat(5000)}`);
    } catch (e) {
      expect((e as Error).message.length).toBeLessThan(200);
    }
    expect(() => parseRecipe(`${base}&threshold=${'x'.repeat(5000)}`)).toThrow(RecipeError);
  });
});

describe('target fingerprint', () => {
  it('is the first 16 hex digits of the SHA-256 of the float32 bytes', async () => {
    const zE = Float32Array.from([0.5, -1.25, 3]);
    const expected = createHash('sha256').update(Buffer.from(zE.buffer)).digest('hex').slice(0, 16);
    expect(await targetFingerprint(zE)).toBe(expected);
  });
});
