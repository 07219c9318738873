import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { appNeeds, defaultGenerator } from '../../src/ui/logic/startup';
import { parseUrlState, withChoice } from '../../src/ui/logic/url-state';
import type { ModelEntry, ModelIndex } from '../../src/lib/models/manifest';

function generator(id: string, sizes: Record<string, number>): ModelEntry {
  return {
    id,
    kind: 'generator',
    architecture: '',
    latentDim: 2,
    outputRange: 'unit',
    files: Object.entries(sizes).map(([path, size]) => ({
      path: `${id}/${path}`,
      sha256: '',
      size,
    })),
    command: '',
    config: {},
    wallTimeSeconds: 0,
    metrics: {},
    createdAt: '',
  };
}

describe('the model a first visit opens', () => {
  it("counts only the files the app downloads, not a model's extras", () => {
    expect(appNeeds('vae-mnist/weights.bin')).toBe(true);
    expect(appNeeds('mnist-classifier/test-stats.json')).toBe(true);
    expect(appNeeds('vae-mnist/encoder/weights.bin')).toBe(false);
    expect(appNeeds('dcgan-mnist/samples.png')).toBe(false);
    // Big's own weights are smaller, but it has a large encoder the app never fetches.
    const index: ModelIndex = {
      version: 1,
      models: [
        generator('big', { 'model.json': 10, 'weights.bin': 900, 'encoder/weights.bin': 1 }),
        generator('small', { 'model.json': 10, 'weights.bin': 500, 'encoder/weights.bin': 9e6 }),
      ],
    };
    expect(defaultGenerator(index)).toBe('small');
    expect(defaultGenerator({ version: 1, models: [] })).toBeNull();
  });

  it('prefers a digit generator to a smaller face one', () => {
    const index: ModelIndex = {
      version: 1,
      models: [
        generator('vae-faces', { 'model.json': 10, 'weights.bin': 100 }),
        generator('vae-mnist', { 'model.json': 10, 'weights.bin': 500 }),
      ],
    };
    expect(defaultGenerator(index)).toBe('vae-mnist');
    expect(defaultGenerator({ version: 1, models: [index.models[0]] })).toBe('vae-faces');
  });

  it('is the VAE among the shipped models (1.9 MB of weights against the DCGAN’s 3.1 MB)', () => {
    const index = JSON.parse(readFileSync('models/index.json', 'utf8')) as ModelIndex;
    expect(defaultGenerator(index)).toBe('vae-mnist');
  });
});

describe('the URL state', () => {
  it('reads model, feature, step (by name or number) and embed', () => {
    expect(parseUrlState('?model=dcgan-mnist&feature=left&step=unlearn')).toEqual({
      model: 'dcgan-mnist',
      feature: 'left',
      step: 'unlearn',
      embed: false,
      problems: [],
    });
    expect(parseUrlState('?step=3&embed').step).toBe('tag');
    expect(parseUrlState('?embed').embed).toBe(true);
    expect(parseUrlState('?embed=0').embed).toBe(false);
    expect(parseUrlState('?model=&feature=%20').model).toBeNull();
  });

  it('says what is wrong with an unknown step and ignores it', () => {
    const state = parseUrlState('?step=9');
    expect(state.step).toBeNull();
    expect(state.problems[0]).toContain('Unknown step "9"');
  });

  it('writes the choice back and keeps the other parameters', () => {
    expect(withChoice('?backend=wasm&embed', 'vae-mnist', 'thick')).toBe(
      '?backend=wasm&embed&model=vae-mnist&feature=thick',
    );
    expect(withChoice('?model=a&feature=b', null, null)).toBe('');
  });
});
