import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelIndex } from '../../../src/lib/models/manifest';
import { TINY_FACE_IDS, writeTinyFaceModels } from '../../fixtures/faces/tiny-faces';
import { makeTestSite } from './fixture-site';

/**
 * The test site (dist/ with the repository's models) whose face models are the tiny stand-ins
 * of test/fixtures/faces, under the shipped ids: the face flow in seconds on SwiftShader,
 * whichever face models models/ holds.
 */
export async function makeFacesSite(): Promise<{
  dir: string;
  index: ModelIndex;
  remove: () => void;
}> {
  const site = await makeTestSite();
  const modelsDir = join(site.dir, 'models');
  for (const id of TINY_FACE_IDS) rmSync(join(modelsDir, id), { recursive: true, force: true });
  const tiny = await writeTinyFaceModels(modelsDir);
  const ids = new Set(tiny.map((m) => m.id));
  const shipped = JSON.parse(readFileSync(join(modelsDir, 'index.json'), 'utf8')) as ModelIndex;
  const index: ModelIndex = {
    ...shipped,
    models: [...shipped.models.filter((m) => !ids.has(m.id)), ...tiny],
  };
  writeFileSync(join(modelsDir, 'index.json'), JSON.stringify(index));
  return { ...site, index };
}
