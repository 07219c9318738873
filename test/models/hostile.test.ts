import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { hostileCorpus, type HostileCase } from '../fixtures/hostile/corpus';
import { ModelFileError, readModelFiles } from '../../src/lib/models/layers-files';
import { buildFeatureClassifier, inspectGenerator, ModelCheckError } from '../../src/lib/models/inspect';
import { readUnlearned } from '../../src/lib/share/unlearned-zip';
import { parseRecipe, RecipeError } from '../../src/lib/core/recipe';

let corpus: HostileCase[];

beforeAll(async () => {
  await tf.setBackend('cpu');
  corpus = await hostileCorpus();
}, 120_000);

/** What a validator said about a case, or null when it passed. */
async function messageOf(c: HostileCase): Promise<{ name: string; message: string } | null> {
  try {
    if (c.kind === 'link') {
      parseRecipe(c.link ?? '');
    } else if (c.kind === 'export') {
      await readUnlearned(c.files ?? [], 16);
    } else {
      const read = readModelFiles(c.files ?? [], [], c.kind);
      const bytes = { modelJson: read.modelJson, weights: read.weights };
      if (c.kind === 'generator') await inspectGenerator(bytes);
      else (await buildFeatureClassifier(bytes, { height: 32, width: 32, channels: 3 })).dispose();
    }
    return null;
  } catch (e) {
    const error = e as Error;
    return { name: error.name, message: error.message };
  }
}

const CATCHER_ERRORS: Record<string, string[]> = {
  files: [ModelFileError.name],
  engine: [ModelCheckError.name],
  provenance: ['ProvenanceError', 'ImportError', ModelFileError.name],
  recipe: [RecipeError.name],
};

describe('the hostile corpus', () => {
  it('has at least 40 cases, each with its own id', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(40);
    expect(new Set(corpus.map((c) => c.id)).size).toBe(corpus.length);
  });

  it('gets a plain message from the validator that should catch each case', async () => {
    const before = tf.memory().numTensors;
    for (const c of corpus.filter((x) => x.catcher !== 'page')) {
      const got = await messageOf(c);
      expect(got, c.id).not.toBeNull();
      expect(CATCHER_ERRORS[c.catcher], `${c.id}: ${got?.name}`).toContain(got?.name);
      expect(got?.message, c.id).toMatch(c.message);
      // Plain words, short, not a library's text.
      expect(got?.message.length, c.id).toBeLessThan(320);
      expect(got?.message, c.id).not.toMatch(/\bat \w+ \(|TypeError|undefined|\[object|tfjs|Uncaught/);
    }
    expect(tf.memory().numTensors).toBe(before);
  }, 120_000);

  it('lets the cases only the page can judge through the lower checks', async () => {
    for (const c of corpus.filter((x) => x.catcher === 'page')) {
      expect(await messageOf(c), c.id).toBeNull();
    }
  });
});
