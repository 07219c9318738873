import type { ModelEntry, ModelIndex } from '../../lib/models/manifest';

/**
 * Whether the app reads a model's file at `path`: the model's own files (model.json, weights,
 * statistics), not the extras in its subfolders (a GAN's discriminator, a VAE's encoder) nor
 * its sample sheet, which only the CLI and the README use.
 */
export function appNeeds(path: string): boolean {
  return path.split('/').length === 2 && !path.endsWith('.png');
}

/** Bytes the app downloads for a model. */
function appBytes(entry: ModelEntry): number {
  return entry.files.filter((f) => appNeeds(f.path)).reduce((total, f) => total + f.size, 0);
}

/**
 * The shipped generator a first visit opens with: the smallest download among the MNIST ones
 * (ids ending in `-mnist`: digits draw and judge fastest, and the face models also need their
 * classifiers), or among all generators when there is no MNIST one; null when none.
 */
export function defaultGenerator(index: ModelIndex): string | null {
  const all = index.models.filter((m) => m.kind === 'generator');
  const digits = all.filter((m) => m.id.endsWith('-mnist'));
  const generators = digits.length > 0 ? digits : all;
  if (generators.length === 0) return null;
  return generators.reduce((best, m) => (appBytes(m) < appBytes(best) ? m : best)).id;
}
