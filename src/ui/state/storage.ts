import { createStore, del, get, keys, set, type UseStore } from 'idb-keyval';

/** Model files, by path under models/ (large: weights). */
export const fileStore: UseStore = createStore('unlearning-playground-files', 'files');
/** Small app state: tags, the last model index, settings. */
export const stateStore: UseStore = createStore('unlearning-playground-state', 'state');

/** A storage failure in words a person can act on: quota, private mode, or other. */
export function storageMessage(error: unknown, what: string): string {
  const name = (error as { name?: string } | null)?.name;
  if (name === 'QuotaExceededError') {
    return `The browser's storage is full, so ${what} could not be saved. Delete cached models in the storage panel, or free space for this site, then try again. Nothing else was lost.`;
  }
  if (name === 'InvalidStateError' || name === 'SecurityError') {
    return `This browser blocks storage for the site (private mode?), so ${what} is kept only until the page closes.`;
  }
  return `Could not save ${what}: ${error instanceof Error ? error.message : String(error)}.`;
}

export async function getState<T>(key: string): Promise<T | undefined> {
  try {
    return await get<T>(key, stateStore);
  } catch {
    return undefined;
  }
}

/** Saves small app state; rejects with a readable message (see {@link storageMessage}). */
export async function setState(key: string, value: unknown, what: string): Promise<void> {
  try {
    await set(key, value, stateStore);
  } catch (error) {
    throw new Error(storageMessage(error, what), { cause: error });
  }
}

export { del, get, keys, set };
