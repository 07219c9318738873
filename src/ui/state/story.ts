import { PRESETS, type FeatureKey } from './tag-step.svelte';
import type { Playground } from './playground.svelte';

/**
 * The steps of the method that the demo and a `?step=` link run for the person: each does
 * nothing when its result is already there, so a person's own tags and target are kept.
 */

/** The feature named `name` for the loaded generator: a menu key, or a Morpho feature's name. */
export function findFeature(app: Playground, name: string): FeatureKey | null {
  const wanted = name.toLowerCase();
  const byKey = app.tags.choices.find((c) => c.key.toLowerCase() === wanted);
  if (byKey !== undefined) return byKey.key;
  const preset = Object.entries(PRESETS).find(([, p]) => p.feature === wanted);
  const key = preset?.[0] as FeatureKey | undefined;
  return key !== undefined && app.tags.choices.some((c) => c.key === key) ? key : null;
}

/** The first feature that a measure can tag (the demo's), or null when none can. */
export function measuredFeature(app: Playground): FeatureKey | null {
  return app.tags.choices.find((c) => c.key !== 'tags')?.key ?? null;
}

/** Tags the grid with the chosen measure unless something is tagged; false when nothing could. */
export async function ensureTags(app: Playground): Promise<boolean> {
  if (app.tags.board.tagged === 0 && app.tags.labeler() !== null) await app.tags.tagForMe();
  return app.tags.board.tagged > 0;
}

/** Finds z_e and t from the tags unless they are found; false when they could not be. */
export async function ensureTarget(app: Playground): Promise<boolean> {
  if (!(await ensureTags(app))) return false;
  if (app.inspector.target === null) await app.inspector.inspect();
  return app.inspector.target !== null;
}
