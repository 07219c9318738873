import {
  checkFileSize,
  ModelFileError,
  shortName,
  type NamedBytes,
} from '../../lib/models/layers-files';

/**
 * Whether `files` are already read (name + bytes) rather than File objects. (Not `'bytes' in f`:
 * browsers now give Blob a `bytes()` method.)
 */
export function isNamedBytes(
  files: ArrayLike<File> | readonly NamedBytes[],
): files is NamedBytes[] {
  const first = (files as ArrayLike<unknown>)[0];
  return (
    files.length === 0 ||
    (typeof first === 'object' &&
      first !== null &&
      (first as NamedBytes).bytes instanceof Uint8Array)
  );
}

/**
 * The bytes of the files a person picked or dropped, each refused by its size before it is read
 * (an oversized file is never loaded into memory).
 */
export async function readPicked(files: ArrayLike<File>): Promise<NamedBytes[]> {
  const list = Array.from(files);
  for (const f of list) checkFileSize(f.name, f.size);
  return Promise.all(
    list.map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })),
  );
}

/** Saves `bytes` as a download named `name`: one click, no second link. */
export function saveFile(bytes: Uint8Array, name: string, type = 'application/zip'): void {
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** An error's message for the page: our own errors are plain already; anything else is not shown. */
export function plainMessage(error: unknown): string {
  const plain = [
    'ModelFileError',
    'ModelCheckError',
    'ProvenanceError',
    'ImportError',
    'RecipeError',
  ];
  if (error instanceof Error && plain.includes(error.name)) return error.message;
  return 'The files could not be read as a model.';
}

/**
 * A model.json and the weight files it names, fetched from `address` on this site (same origin
 * only: the browser would refuse other sites' files anyway, and a link must not make the page
 * fetch from elsewhere).
 */
export async function fetchSameOrigin(address: string, page: string): Promise<NamedBytes[]> {
  let url: URL;
  try {
    url = new URL(address, page);
  } catch {
    throw new ModelFileError('That is not a web address.');
  }
  if (url.origin !== new URL(page).origin) {
    throw new ModelFileError(
      `Only this site's own addresses can be opened (${new URL(page).origin}); download the model and give its files instead.`,
    );
  }
  const get = async (u: URL): Promise<NamedBytes> => {
    if (u.origin !== new URL(page).origin) {
      throw new ModelFileError(
        'model.json names a weight file on another site; only this site can be fetched.',
      );
    }
    const response = await fetch(u).catch(() => null);
    if (response === null || !response.ok) {
      throw new ModelFileError(
        `${shortName(u.pathname)} could not be fetched${response ? ` (HTTP ${response.status})` : ''}.`,
      );
    }
    const size = Number(response.headers.get('content-length') ?? '0');
    checkFileSize(u.pathname, size || 1);
    const bytes = new Uint8Array(await response.arrayBuffer());
    checkFileSize(u.pathname, bytes.length);
    return { name: u.pathname.replace(/^.*\//, ''), bytes };
  };
  const json = await get(url);
  let paths: string[];
  try {
    const parsed = JSON.parse(new TextDecoder().decode(json.bytes)) as {
      weightsManifest?: { paths?: unknown }[];
    };
    paths = (parsed.weightsManifest ?? []).flatMap((g) =>
      Array.isArray(g.paths) ? g.paths.filter((p): p is string => typeof p === 'string') : [],
    );
  } catch {
    return [json];
  }
  const weights: NamedBytes[] = [];
  for (const p of paths.slice(0, 64)) weights.push(await get(new URL(p, url)));
  return [json, ...weights];
}
