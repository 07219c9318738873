import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { registerWasmTrainingKernels } from './wasm-kernels/index';

import {
  BACKEND_LABELS,
  BACKEND_NAMES,
  NoBackendError,
  type BackendChoice,
  type BackendName,
  type GpuAdapterSummary,
} from './backend-request';

export {
  BACKEND_LABELS,
  BACKEND_NAMES,
  NoBackendError,
  backendRequestFromSearch,
  parseBackendRequest,
  type BackendChoice,
  type BackendName,
  type BackendRequest,
  type GpuAdapterSummary,
} from './backend-request';

/**
 * The slice of the WebGPU API this file reads. Declared here because TypeScript's DOM library has
 * no WebGPU types and `@webgpu/types` is only a transitive dependency.
 */
interface GpuAdapterInfoLike {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
}
interface GpuAdapterLike {
  info?: GpuAdapterInfoLike;
  isFallbackAdapter?: boolean;
  requestAdapterInfo?: () => Promise<GpuAdapterInfoLike>;
}
interface GpuLike {
  requestAdapter(options?: { powerPreference?: string }): Promise<GpuAdapterLike | null>;
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && 'message' in error) {
    return String((error as { message: unknown }).message);
  }
  return String(error);
}

async function summariseAdapter(adapter: GpuAdapterLike): Promise<GpuAdapterSummary> {
  let info: GpuAdapterInfoLike = adapter.info ?? {};
  if (adapter.info === undefined && typeof adapter.requestAdapterInfo === 'function') {
    info = await adapter.requestAdapterInfo().catch(() => ({}));
  }
  return {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    device: info.device ?? '',
    description: info.description ?? '',
    isFallbackAdapter: adapter.isFallbackAdapter === true,
  };
}

/**
 * Asks for the adapter the way TF.js's webgpu backend will (high-performance), so that a missing
 * adapter is reported in words instead of as the TypeError TF.js throws on `null.features`.
 */
async function probeWebGpu(): Promise<GpuAdapterSummary> {
  const gpu = (globalThis.navigator as { gpu?: GpuLike } | undefined)?.gpu;
  if (gpu === undefined) {
    if (globalThis.isSecureContext === false) {
      throw new Error(
        'navigator.gpu is missing because this page is not a secure context ' +
          '(serve it over https, or from localhost or 127.0.0.1)',
      );
    }
    throw new Error('navigator.gpu is missing (needs a secure context and a browser with WebGPU)');
  }
  let adapter: GpuAdapterLike | null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (error) {
    throw new Error(`requestAdapter failed: ${errorMessage(error)}`, { cause: error });
  }
  if (adapter === null) {
    throw new Error('no adapter (the browser offers no usable GPU, or WebGPU is blocked)');
  }
  return summariseAdapter(adapter);
}

let wasmPrepared = false;

/** The threaded wasm binary starts at most this many threads (its pthread pool). */
const WASM_MAX_THREADS = 8;

/**
 * Threads for the wasm backend: every logical core. Left to itself, TF.js's threaded binary
 * uses half of them (it assumes two hyper-threads per core), which on a 2-core machine means a
 * single thread.
 */
export function wasmThreadCount(cores: number | undefined): number {
  const n = Number.isInteger(cores) && (cores ?? 0) > 0 ? (cores as number) : 1;
  return Math.min(n, WASM_MAX_THREADS);
}

/**
 * TF.js's wasm module caps its thread pool at navigator.hardwareConcurrency / 2 when it starts
 * (src/cc/backend.cc: it counts hyper-threads as half cores). While the module starts, this
 * shows it twice the logical cores, so the cap is every core; the returned function puts the
 * browser's own value back.
 */
function showWasmEveryCore(): () => void {
  const nav = globalThis.navigator as Navigator | undefined;
  const cores = nav?.hardwareConcurrency;
  if (nav === undefined || cores === undefined || !(cores > 0)) return () => undefined;
  Object.defineProperty(nav, 'hardwareConcurrency', { value: 2 * cores, configurable: true });
  return () => {
    Reflect.deleteProperty(nav, 'hardwareConcurrency');
  };
}

/**
 * Points TF.js at the .wasm files Vite bundled, so nothing is fetched from a CDN, asks for a
 * thread per core (used when the page is cross-origin isolated and the threaded binary loads),
 * and adds the gradient kernels wasm lacks for training (Conv2DBackpropFilter). Idempotent.
 */
function prepareWasm(): void {
  registerWasmTrainingKernels();
  if (wasmPrepared) return;
  setWasmPaths({
    'tfjs-backend-wasm.wasm': wasmUrl,
    'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
    'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimdUrl,
  });
  setThreadsCount(wasmThreadCount(globalThis.navigator?.hardwareConcurrency));
  wasmPrepared = true;
}

/**
 * Starts one backend and makes it the active one, or throws with the reason it cannot run.
 *
 * `tf.setBackend` turns a failing factory into a console warning and `false`; to keep the
 * message, the factory runs here and the engine is handed the instance it made.
 */
async function activate(name: BackendName): Promise<void> {
  if (tf.getBackend() === name) return;
  if (name === 'wasm') prepareWasm();
  const factory = tf.findBackendFactory(name);
  if (factory === null) {
    throw new Error('it is not registered with TF.js in this build');
  }
  if (tf.engine().registry[name] === undefined) {
    const restore = name === 'wasm' ? showWasmEveryCore() : () => undefined;
    let instance: Awaited<ReturnType<typeof factory>> | undefined;
    try {
      instance = await factory();
    } finally {
      restore();
    }
    if (instance === null || instance === undefined) {
      throw new Error('its factory returned nothing');
    }
    tf.removeBackend(name);
    tf.registerBackend(name, () => instance);
  }
  if (!(await tf.setBackend(name))) {
    throw new Error('tf.setBackend returned false (see the console for TF.js warnings)');
  }
  await tf.ready();
}

/** A few words on how the active backend `name` runs. */
async function describeActive(name: BackendName): Promise<string> {
  switch (name) {
    case 'webgpu':
      return 'compute shaders on the GPU';
    case 'webgl':
      return `WebGL ${tf.env().getNumber('WEBGL_VERSION')} fragment shaders`;
    case 'wasm': {
      const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
      const threads = getThreadsCount();
      return `${simd ? 'SIMD' : 'no SIMD'}, ${threads} thread${threads === 1 ? '' : 's'}`;
    }
    case 'cpu':
      return 'plain JavaScript, no SIMD or threads';
  }
}

/**
 * Chooses and activates a TF.js backend: WebGPU, then WebGL, then WASM, then CPU, the first that
 * starts; or only `forced` when given, the others being reported as skipped by request.
 *
 * @throws NoBackendError when no candidate starts.
 */
export async function chooseBackend(
  options: { forced?: BackendName; unavailable?: Partial<Record<BackendName, string>> } = {},
): Promise<BackendChoice> {
  const start = performance.now();
  const { forced, unavailable = {} } = options;
  const candidates = forced === undefined ? BACKEND_NAMES : [forced];
  const reasons = BACKEND_NAMES.filter((name) => !candidates.includes(name)).map(
    (name) => `${BACKEND_LABELS[name]} skipped: ?backend=${forced} asked for ${forced} only.`,
  );
  for (const name of candidates) {
    try {
      const known = unavailable[name];
      if (known !== undefined) throw new Error(known);
      const adapter = name === 'webgpu' ? await probeWebGpu() : null;
      await activate(name);
      const detail = await describeActive(name);
      return { name, reasons, detail, adapter, ms: performance.now() - start };
    } catch (error) {
      reasons.push(`${BACKEND_LABELS[name]} unavailable: ${errorMessage(error)}.`);
    }
  }
  throw new NoBackendError(reasons);
}
