import type { UnlearningEngine } from './types';
import type { UnlearnProgress } from '../train/unlearn/session';

/** Every engine method, by name: what a worker client may ask for. */
export type EngineMethod = keyof UnlearningEngine;

/** A call of one engine method; `run`'s progress callback stays on the client's side. */
export type EngineRequest = {
  [M in EngineMethod]: { kind: 'call'; id: number; method: M; args: CallArgs<M> };
}[EngineMethod];

type CallArgs<M extends EngineMethod> = M extends 'run'
  ? [opts: Parameters<UnlearningEngine['run']>[0]]
  : Parameters<UnlearningEngine[M]>;

/** What the worker sends back: a result, an error, or progress of a running `run` call. */
export type EngineResponse =
  | { kind: 'result'; id: number; value: unknown }
  | { kind: 'error'; id: number; error: { name: string; message: string } }
  | { kind: 'progress'; id: number; progress: UnlearnProgress };

/** The side of a MessagePort, Worker or worker global scope that both ends use. */
export interface MessageEndpoint {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  removeEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
}

/**
 * The buffers of the typed arrays in `value` (one level deep), to transfer rather than copy.
 * Only for values the sender will not use again.
 */
export function transferables(value: unknown): Transferable[] {
  const out = new Set<ArrayBuffer>();
  const visit = (v: unknown): void => {
    if (ArrayBuffer.isView(v) && v.buffer instanceof ArrayBuffer) out.add(v.buffer);
    else if (v instanceof ArrayBuffer) out.add(v);
  };
  visit(value);
  if (value !== null && typeof value === 'object' && !ArrayBuffer.isView(value)) {
    for (const v of Object.values(value)) visit(v);
  }
  return [...out];
}
