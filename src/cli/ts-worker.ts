import { Worker } from 'node:worker_threads';

/**
 * Starts a worker thread running the TypeScript module at `target` (a file: URL). Node 20 does
 * not pass tsx's module hooks on to worker threads, so the worker is a small bootstrap that loads
 * the .ts file through tsx's `tsImport` API (which works the same under `npx tsx` and vitest).
 */
export function startTsWorker(target: URL): Worker {
  let api = 'tsx/esm/api';
  try {
    api = import.meta.resolve(api);
  } catch {
    // Left bare: resolved from the working directory, the project root.
  }
  const href = JSON.stringify(target.href);
  const code = `import(${JSON.stringify(api)}).then(({ tsImport }) => tsImport(${href}, ${href}));`;
  return new Worker(code, { eval: true, execArgv: [] });
}
