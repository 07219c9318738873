/**
 * Tagging logic of the sample grid, as pure functions on plain arrays: which samples a click,
 * a shift-click or a key touches, and where the keyboard focus moves.
 */

/** Flips sample `index`; returns a new array. */
export function toggleTag(tags: Uint8Array, index: number): Uint8Array {
  const next = tags.slice();
  next[index] = next[index] ? 0 : 1;
  return next;
}

/**
 * Shift-click: sets every sample from `anchor` to `index` (either order, both included) to the
 * value the clicked sample takes, i.e. the opposite of its current tag. Returns a new array.
 */
export function tagRange(tags: Uint8Array, anchor: number, index: number): Uint8Array {
  const value = tags[index] ? 0 : 1;
  const next = tags.slice();
  const lo = Math.max(0, Math.min(anchor, index));
  const hi = Math.min(tags.length - 1, Math.max(anchor, index));
  for (let i = lo; i <= hi; i++) next[i] = value;
  return next;
}

/** Number of tagged samples. */
export function countTags(tags: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < tags.length; i++) if (tags[i]) n++;
  return n;
}

/**
 * Where focus goes from `index` on key `key` in a grid of `columns` columns holding `count`
 * items; null for keys the grid does not handle. Focus stops at the edges.
 */
export function moveFocus(
  index: number,
  key: string,
  columns: number,
  count: number,
): number | null {
  let next: number;
  switch (key) {
    case 'ArrowLeft':
      next = index - 1;
      break;
    case 'ArrowRight':
      next = index + 1;
      break;
    case 'ArrowUp':
      next = index - columns;
      break;
    case 'ArrowDown':
      next = index + columns;
      break;
    case 'Home':
      next = 0;
      break;
    case 'End':
      next = count - 1;
      break;
    default:
      return null;
  }
  return Math.max(0, Math.min(count - 1, next));
}
