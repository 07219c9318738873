import { WorkerEngine } from '../../lib/engine/worker-client';
import type { MessageEndpoint } from '../../lib/engine/worker-protocol';

/** Starts the engine worker; `onCrash` hears when it dies (out of memory, GPU process gone). */
export function startEngineWorker(onCrash: (message: string) => void): {
  engine: WorkerEngine;
  terminate: () => void;
} {
  const worker = new Worker(new URL('../../lib/engine/engine.worker.ts', import.meta.url), {
    type: 'module',
  });
  const engine = new WorkerEngine(worker as unknown as MessageEndpoint);
  worker.addEventListener('error', (event) => {
    const message = `The engine worker stopped: ${event.message || 'unknown error'}.`;
    engine.failAll(new Error(message));
    onCrash(message);
  });
  return { engine, terminate: () => worker.terminate() };
}
