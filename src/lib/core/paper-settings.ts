import { resolveOptions, type UnlearnOptions } from './options';

/**
 * The paper's unlearning settings (Table 4) per data set: MNIST, and CelebA, which our avatar
 * faces stand in for. The batch size is not given; ours is 64.
 */
export const PAPER_SETTINGS = {
  mnist: { alpha: 3, learningRate: 1e-4, epochs: 200 },
  celeba: { alpha: 300, learningRate: 2e-4, epochs: 500 },
} as const satisfies Record<string, Partial<UnlearnOptions>>;

/** A data set of Table 4. */
export type PaperData = keyof typeof PAPER_SETTINGS;

/**
 * `options` for a generator of `data`: each Table 4 setting that still holds another data
 * set's paper value takes `data`'s; a value a person chose stays as it is.
 */
export function withPaperSettings(options: UnlearnOptions, data: PaperData): UnlearnOptions {
  const next: Record<string, unknown> = { ...options };
  const wanted: Record<string, number> = PAPER_SETTINGS[data];
  for (const [other, values] of Object.entries(PAPER_SETTINGS)) {
    if (other === data) continue;
    for (const [key, value] of Object.entries(values as Record<string, number>)) {
      if (next[key] === value) next[key] = wanted[key];
    }
  }
  return resolveOptions(next as Partial<UnlearnOptions>);
}
