import { describe, expect, it } from 'vitest';
import {
  DEFAULT_UNLEARN_OPTIONS,
  OPTION_TABLE,
  optionFromText,
  optionToText,
  optionValue,
  withOption,
  LOSS_TERM_HELP,
  OptionsError,
  resolveOptions,
  UNLEARN_OPTION_HELP,
  PRESET_HELP,
  PRESET_NAMES,
  presetOf,
  presetOptions,
  type UnlearnOptionsInput,
} from '../../src/lib/core/options';

function fieldOf(input: unknown): string | null {
  try {
    resolveOptions(input as UnlearnOptionsInput);
    return null;
  } catch (e) {
    expect(e).toBeInstanceOf(OptionsError);
    return (e as OptionsError).field;
  }
}

describe('resolveOptions', () => {
  it("defaults to the paper's MNIST settings and docs/method.md's option defaults", () => {
    expect(resolveOptions()).toEqual({
      threshold: 'pooled',
      shift: 'literal',
      margin: 0,
      direction: 'meanDiff',
      shrinkage: 'ledoitWolf',
      alpha: 3,
      learningRate: 1e-4,
      batchSize: 64,
      epochs: 200,
      latents: 'pool',
      terms: { recon: true, unlearn: true, percep: true },
      batchNorm: 'inference',
      seed: 0,
    });
    expect(resolveOptions({})).toEqual(resolveOptions());
  });

  it('keeps given values and fills the rest, including single loss terms', () => {
    const o = resolveOptions({
      threshold: 'midpoint',
      shift: 'unit',
      margin: 0.5,
      direction: 'lda',
      shrinkage: 0.2,
      alpha: 1,
      steps: 10,
      latents: 'fresh',
      batchNorm: 'train',
      seed: 42,
      terms: { percep: false },
    });
    expect(o.threshold).toBe('midpoint');
    expect(o.shift).toBe('unit');
    expect(o.margin).toBe(0.5);
    expect(o.direction).toBe('lda');
    expect(o.shrinkage).toBe(0.2);
    expect(o.steps).toBe(10);
    expect(o.terms).toEqual({ recon: true, unlearn: true, percep: false });
    expect(o.learningRate).toBe(1e-4);
    expect(o.seed).toBe(42);
  });

  it('returns a fresh object and leaves the defaults alone', () => {
    const o = resolveOptions();
    o.terms.recon = false;
    expect(DEFAULT_UNLEARN_OPTIONS.terms.recon).toBe(true);
    expect(resolveOptions().terms.recon).toBe(true);
  });

  it('names the field of each bad value', () => {
    expect(fieldOf({ alpha: 0 })).toBe('alpha');
    expect(fieldOf({ alpha: Number.NaN })).toBe('alpha');
    expect(fieldOf({ learningRate: -1e-4 })).toBe('learningRate');
    expect(fieldOf({ batchSize: 0 })).toBe('batchSize');
    expect(fieldOf({ batchSize: 1.5 })).toBe('batchSize');
    expect(fieldOf({ epochs: 0 })).toBe('epochs');
    expect(fieldOf({ steps: 0 })).toBe('steps');
    expect(fieldOf({ margin: -0.1 })).toBe('margin');
    expect(fieldOf({ threshold: 'median' })).toBe('threshold');
    expect(fieldOf({ shift: 'half' })).toBe('shift');
    expect(fieldOf({ direction: 'pca' })).toBe('direction');
    expect(fieldOf({ shrinkage: 1.5 })).toBe('shrinkage');
    expect(fieldOf({ latents: 'both' })).toBe('latents');
    expect(fieldOf({ batchNorm: 'off' })).toBe('batchNorm');
    expect(fieldOf({ seed: -1 })).toBe('seed');
    expect(fieldOf({ seed: 2 ** 32 })).toBe('seed');
    expect(fieldOf({ terms: { recon: 'yes' } })).toBe('terms.recon');
    expect(fieldOf({ terms: { style: true } })).toBe('terms.style');
    expect(fieldOf({ terms: { recon: false, unlearn: false, percep: false } })).toBe('terms');
    expect(fieldOf({ learningrate: 1e-3 })).toBe('learningrate');
    expect(fieldOf({ alpha: 2, batchSize: 32 })).toBeNull();
  });

  it('says what went wrong in the message', () => {
    expect(() => resolveOptions({ alpha: -3 })).toThrow(/alpha: must be a finite number > 0/);
  });
});

describe('option help', () => {
  it('has one line for every option and every loss term', () => {
    const keys = [...Object.keys(DEFAULT_UNLEARN_OPTIONS), 'steps'].sort();
    expect(Object.keys(UNLEARN_OPTION_HELP).sort()).toEqual(keys);
    for (const line of [...Object.values(UNLEARN_OPTION_HELP), ...Object.values(LOSS_TERM_HELP)]) {
      expect(line.length).toBeGreaterThan(10);
      expect(line).not.toMatch(/\n/);
    }
    expect(Object.keys(LOSS_TERM_HELP).sort()).toEqual(['percep', 'recon', 'unlearn']);
  });
});

describe('the option table', () => {
  it('declares every option once, with its own CLI flag and URL key', () => {
    const keys = OPTION_TABLE.map((s) => s.key);
    const fields = [
      ...Object.keys(DEFAULT_UNLEARN_OPTIONS).filter((k) => k !== 'terms'),
      'steps',
      'terms.recon',
      'terms.unlearn',
      'terms.percep',
    ];
    expect([...keys].sort()).toEqual(fields.sort());
    expect(new Set(OPTION_TABLE.map((s) => s.cli)).size).toBe(OPTION_TABLE.length);
    expect(new Set(OPTION_TABLE.map((s) => s.url)).size).toBe(OPTION_TABLE.length);
  });

  it('reads back as text what it writes, for a value other than the default', () => {
    const o = resolveOptions({
      alpha: 2.5,
      learningRate: 3e-4,
      batchSize: 16,
      epochs: 5,
      steps: 40,
      threshold: 'midpoint',
      shift: 'unit',
      margin: 0.25,
      direction: 'lda',
      shrinkage: 0.3,
      latents: 'fresh',
      batchNorm: 'train',
      seed: 99,
      terms: { recon: false },
    });
    let back = resolveOptions();
    for (const spec of OPTION_TABLE) {
      const text = optionToText(spec, optionValue(o, spec.key));
      back = withOption(back, spec.key, optionFromText(spec, text));
    }
    expect(back).toEqual(o);
  });

  it('names the option a bad text belongs to', () => {
    const lr = OPTION_TABLE.find((s) => s.cli === 'lr')!;
    expect(() => optionFromText(lr, 'fast')).toThrow(/learningRate: must be a number, got "fast"/);
    const recon = OPTION_TABLE.find((s) => s.url === 'recon')!;
    expect(() => optionFromText(recon, 'yes')).toThrow(/terms.recon: must be true or false/);
    const shrink = OPTION_TABLE.find((s) => s.key === 'shrinkage')!;
    expect(optionFromText(shrink, 'ledoitWolf')).toBe('ledoitWolf');
    expect(() => optionFromText(shrink, '2')).toThrow(/shrinkage/);
  });
});

describe('presets', () => {
  it('paper is the defaults, seed kept', () => {
    expect(presetOptions('paper', 9)).toEqual({ ...DEFAULT_UNLEARN_OPTIONS, seed: 9 });
    expect(presetOf(DEFAULT_UNLEARN_OPTIONS)).toBe('paper');
  });

  it('each preset resolves, is recognised, and has a help line', () => {
    for (const name of PRESET_NAMES) {
      const options = presetOptions(name, 3);
      expect(options.seed).toBe(3);
      expect(presetOf(options)).toBe(name);
      expect(PRESET_HELP[name].length).toBeGreaterThan(10);
    }
  });

  it('quality departs from the paper, and one changed option makes a custom mix', () => {
    const quality = presetOptions('quality');
    expect(quality).not.toEqual(DEFAULT_UNLEARN_OPTIONS);
    expect(quality.alpha).toBe(DEFAULT_UNLEARN_OPTIONS.alpha);
    expect(presetOf(withOption(quality, 'alpha', 4))).toBeNull();
  });
});
