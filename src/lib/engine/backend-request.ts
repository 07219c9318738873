/** Backend names, what a choice reports, and the ?backend= parameter: no TF.js, safe for the page's main bundle. */

/** The TF.js backends the browser app can run on, in the order they are tried. */
export const BACKEND_NAMES = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

/** How people write each backend's name. */
export const BACKEND_LABELS: Readonly<Record<BackendName, string>> = {
  webgpu: 'WebGPU',
  webgl: 'WebGL',
  wasm: 'WASM',
  cpu: 'CPU',
};

/** What the browser says about the WebGPU adapter; empty strings where it says nothing. */
export interface GpuAdapterSummary {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** True when the browser fell back to a software adapter it flags as such. */
  isFallbackAdapter: boolean;
}

/** The backend TF.js now runs on, and why each backend before it was skipped. */
export interface BackendChoice {
  name: BackendName;
  /** One human sentence per skipped backend, in the order they were considered. */
  reasons: string[];
  /** How the chosen backend runs, in a few words: the WebGL version, wasm's SIMD and threads. */
  detail: string;
  /** Set when `name` is `webgpu` and the browser described its adapter. */
  adapter: GpuAdapterSummary | null;
  /** Milliseconds spent choosing and initialising, failed attempts included. */
  ms: number;
}

/** Thrown by {@link chooseBackend} when no backend could start; `reasons` says why, per backend. */
export class NoBackendError extends Error {
  readonly reasons: string[];

  constructor(reasons: string[]) {
    super(`No TF.js backend could start: ${reasons.join(' ')}`);
    this.name = 'NoBackendError';
    this.reasons = reasons;
  }
}

/** The reading of a `?backend=` URL parameter. */
export type BackendRequest =
  | { kind: 'auto' }
  | { kind: 'forced'; name: BackendName }
  | { kind: 'invalid'; value: string; message: string };

/**
 * Reads the value of a `?backend=` URL parameter. Missing, empty and `auto` mean the automatic
 * order; a backend name (any case) forces that backend; anything else is `invalid`, with a
 * message a person can act on.
 */
export function parseBackendRequest(value: string | null): BackendRequest {
  const normalised = (value ?? '').trim().toLowerCase();
  if (normalised === '' || normalised === 'auto') return { kind: 'auto' };
  const name = BACKEND_NAMES.find((candidate) => candidate === normalised);
  if (name !== undefined) return { kind: 'forced', name };
  return {
    kind: 'invalid',
    value: value ?? '',
    message:
      `Unknown backend "${value ?? ''}" in ?backend=. ` +
      `Use one of ${BACKEND_NAMES.join(', ')} or auto; choosing automatically instead.`,
  };
}

/** Reads the `backend` parameter of a URL query string such as `location.search`. */
export function backendRequestFromSearch(search: string): BackendRequest {
  return parseBackendRequest(new URLSearchParams(search).get('backend'));
}
