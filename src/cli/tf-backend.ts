/**
 * Starts a TF.js backend for the Node CLIs: `wasm` (XNNPACK with SIMD, plus our training
 * kernels, src/lib/engine/wasm-kernels) or the pure-JavaScript `cpu` (slow; a reference).
 *
 * Threads: the wasm backend runs on one thread in Node. TF.js 4.22 reports no multithread
 * support under Node, and forcing it (WASM_HAS_MULTITHREAD_SUPPORT) fails the backend's start:
 * the threaded binary spawns its pthread workers from `blob:` URLs, which Node's
 * `worker_threads` reject (ERR_WORKER_PATH). `opts.threads` is therefore only honoured as 1.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels } from '../lib/engine/wasm-kernels/index';

/** The folder holding the .wasm binaries, with a trailing slash (a file path works in Node). */
function wasmDistDir(): string {
  const main = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm');
  return `${dirname(main)}/`;
}

type ProcessEvent = 'uncaughtException' | 'unhandledRejection';
const PROCESS_EVENTS: ProcessEvent[] = ['uncaughtException', 'unhandledRejection'];
const emitter: NodeJS.EventEmitter = process;

/**
 * Removes the handlers the Emscripten module adds when it starts: they rethrow every uncaught
 * error from inside the module's one 30 kB minified line, which Node then prints in full above
 * the real error. Without them Node reports the error and exits as it normally does.
 */
function dropEmscriptenHandlers(before: Map<ProcessEvent, unknown[]>): void {
  for (const event of PROCESS_EVENTS) {
    const known = before.get(event) ?? [];
    for (const listener of emitter.listeners(event)) {
      if (known.includes(listener)) continue;
      const source = String(listener);
      if (source.includes('ExitStatus') || source.includes('throw reason')) {
        emitter.removeListener(event, listener as (...args: unknown[]) => void);
      }
    }
  }
}

let warnedThreads = false;

/**
 * Makes `name` the active TF.js backend and returns its name (what `tf.getBackend()` says).
 * For wasm: points TF.js at the binaries in node_modules (it picks the SIMD one, since Node
 * has SIMD), registers our training kernels, and starts the backend.
 *
 * @param opts.threads wanted wasm threads; anything above 1 is reported and run on 1 (see top).
 */
export async function initNodeBackend(
  name: 'wasm' | 'cpu',
  opts?: { threads?: number },
): Promise<string> {
  if (name === 'wasm') {
    registerWasmTrainingKernels();
    const threads = opts?.threads;
    if (threads !== undefined && threads > 1 && !warnedThreads) {
      warnedThreads = true;
      process.stderr.write(
        `wasm: ${threads} threads asked, but the threaded wasm binary cannot start its workers ` +
          'in Node (blob: worker URLs); running on 1 thread.\n',
      );
    }
    if (tf.engine().registry.wasm === undefined) {
      setWasmPaths(wasmDistDir());
      setThreadsCount(1);
      const before = new Map(PROCESS_EVENTS.map((e) => [e, emitter.listeners(e)]));
      const started = await tf.setBackend('wasm');
      dropEmscriptenHandlers(before);
      if (!started) throw new Error("TF.js backend 'wasm' failed to start (see the warning above)");
    }
  }
  if (!(await tf.setBackend(name))) throw new Error(`TF.js backend '${name}' failed to start`);
  await tf.ready();
  return tf.getBackend();
}
