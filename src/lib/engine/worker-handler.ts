import type { UnlearnCheckpoint, UnlearningEngine } from './types';
import {
  transferables,
  type EngineRequest,
  type EngineResponse,
  type MessageEndpoint,
} from './worker-protocol';

/**
 * Serves `engine` over `endpoint` (the worker's global scope, or a MessagePort in tests): each
 * call is answered with its result or its error; `run` also streams progress messages.
 */
export function serveEngine(engine: UnlearningEngine, endpoint: MessageEndpoint): () => void {
  const send = (response: EngineResponse, transfer: Transferable[] = []): void =>
    endpoint.postMessage(response, transfer);

  const listener = (event: MessageEvent): void => {
    const request = event.data as EngineRequest;
    if (request?.kind !== 'call') return;
    void handle(request).then(
      (value) =>
        send({ kind: 'result', id: request.id, value }, resultTransferables(request, value)),
      (e: unknown) => {
        const error = e instanceof Error ? e : new Error(String(e));
        send({
          kind: 'error',
          id: request.id,
          error: { name: error.name, message: error.message },
        });
      },
    );
  };

  const handle = (request: EngineRequest): Promise<unknown> => {
    if (request.method === 'run') {
      return engine.run(request.args[0], (progress) =>
        send({ kind: 'progress', id: request.id, progress }),
      );
    }
    const method = engine[request.method] as (...args: unknown[]) => Promise<unknown>;
    return method.apply(engine, request.args);
  };

  endpoint.addEventListener('message', listener);
  return () => endpoint.removeEventListener('message', listener);
}

/**
 * What to transfer with a result: its typed arrays, and for `checkpoint` the weight and Adam
 * buffers one level further in (fresh copies made by encodeWeights, megabytes that would
 * otherwise be cloned on the page's main thread every few steps).
 */
function resultTransferables(request: EngineRequest, value: unknown): Transferable[] {
  if (request.method !== 'checkpoint') return transferables(value);
  const checkpoint = value as UnlearnCheckpoint;
  return [...new Set([checkpoint.student.data, checkpoint.optimizer.data])];
}
