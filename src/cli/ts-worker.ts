/** Starting a worker thread on a TypeScript file, under `npx tsx` and under vitest alike. */
import { Worker } from 'node:worker_threads';

/**
 * Starts a worker running the .ts module at `url`. Node 20 does not pass tsx's module hooks on
 * to worker threads, so the worker is a small bootstrap that loads the file through tsx's
 * `tsImport` API (which works the same under `npx tsx` and vitest).
 */
export function startTsWorker(url: URL): Worker {
  const target = url.href;
  let api = 'tsx/esm/api';
  try {
    api = import.meta.resolve(api);
  } catch {
    // Left bare: resolved from the working directory, the project root.
  }
  const code = `import(${JSON.stringify(api)}).then(({ tsImport }) => tsImport(${JSON.stringify(target)}, ${JSON.stringify(target)}));`;
  return new Worker(code, { eval: true, execArgv: [] });
}
