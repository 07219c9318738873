import { WorkerEngine } from '../../lib/engine/worker-client';
import type { MessageEndpoint } from '../../lib/engine/worker-protocol';

/** Starts the engine worker; `onCrash` hears when it dies (out of memory, GPU process gone). */
export function startEngineWorker(onCrash: (message: string) => void): {
  engine: WorkerEngine;
  terminate: () => void;
  /** Kills the worker as a lost GPU device or a crash would: calls fail, `onCrash` hears. */
  crash: (message: string) => void;
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
  const crash = (message: string): void => {
    worker.terminate();
    engine.failAll(new Error(message));
    onCrash(message);
  };
  return { engine, terminate: () => worker.terminate(), crash };
}
