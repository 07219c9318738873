import { describe, expect, it } from 'vitest';
import { resolveOptions } from '../../src/lib/core/options';
import { PAPER_SETTINGS, withPaperSettings } from '../../src/lib/core/paper-settings';

describe("the paper's settings per data set (Table 4)", () => {
  it('are the values Table 4 prints', () => {
    expect(PAPER_SETTINGS.mnist).toEqual({ alpha: 3, learningRate: 1e-4, epochs: 200 });
    expect(PAPER_SETTINGS.celeba).toEqual({ alpha: 300, learningRate: 2e-4, epochs: 500 });
  });

  it("switch the other data set's values and keep a person's own", () => {
    const mnist = resolveOptions({ batchSize: 8, steps: 30 });
    const faces = withPaperSettings(mnist, 'celeba');
    expect(faces).toMatchObject({ alpha: 300, learningRate: 2e-4, epochs: 500 });
    expect(faces).toMatchObject({ batchSize: 8, steps: 30 });
    expect(withPaperSettings(faces, 'mnist')).toEqual(mnist);
    const own = resolveOptions({ alpha: 5, learningRate: 1e-4 });
    expect(withPaperSettings(own, 'celeba')).toMatchObject({ alpha: 5, learningRate: 2e-4 });
  });
});
