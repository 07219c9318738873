import type { GeneratorBytes, ModelJson } from '../../lib/models/bytes';
import { sha256Hex } from '../../lib/models/manifest';

/** First bytes of an exported file: "FUNLEARN" and format version 1. */
const MAGIC = 'FUNLEARN';
const VERSION = 1;

/** Where an unlearned generator came from and how well it did: the file's provenance. */
export interface Provenance {
  app: { name: string; version: string };
  createdAt: string;
  base: { id: string; sha256: string };
  /** Seed and size of the tagged sample grid, and the tagged indices. */
  seed: number;
  count: number;
  tags: number[];
  /** z_e [latentDim] and t. */
  targetVector: number[];
  threshold: number;
  settings: Record<string, unknown>;
  steps: number;
  metrics: Record<string, number>;
  backend: string;
}

/** Provenance plus the SHA-256 of the weights, as stored in the file. */
export interface ContainerManifest extends Provenance {
  weightsSha256: string;
}

/** A file that is not an export of this app, or damaged; the message says what is wrong. */
export class ContainerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ContainerError';
  }
}

const encoder = new TextEncoder();

/**
 * One file: MAGIC (8 bytes), version (u32 LE), manifest length (u32 LE), manifest JSON,
 * model.json length (u32 LE), model.json, then the weights.bin bytes to the end.
 */
export async function packContainer(
  model: GeneratorBytes,
  provenance: Provenance,
): Promise<Uint8Array> {
  const manifest: ContainerManifest = {
    ...provenance,
    weightsSha256: await sha256Hex(model.weights),
  };
  const manifestBytes = encoder.encode(JSON.stringify(manifest));
  const modelBytes = encoder.encode(JSON.stringify(model.modelJson));
  const weights = new Uint8Array(model.weights);
  const out = new Uint8Array(8 + 12 + manifestBytes.length + modelBytes.length + weights.length);
  const view = new DataView(out.buffer);
  out.set(encoder.encode(MAGIC), 0);
  view.setUint32(8, VERSION, true);
  view.setUint32(12, manifestBytes.length, true);
  out.set(manifestBytes, 16);
  let at = 16 + manifestBytes.length;
  view.setUint32(at, modelBytes.length, true);
  out.set(modelBytes, at + 4);
  at += 4 + modelBytes.length;
  out.set(weights, at);
  return out;
}

function parseJson<T>(bytes: Uint8Array, what: string): T {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as T;
  } catch {
    throw new ContainerError(`The file's ${what} is damaged (not valid JSON).`);
  }
}

/**
 * Reads a file made by {@link packContainer}, checking its signature, lengths and the weights'
 * SHA-256.
 *
 * @throws ContainerError for a foreign, truncated or corrupted file.
 */
export async function unpackContainer(
  bytes: Uint8Array,
): Promise<{ manifest: ContainerManifest; model: GeneratorBytes }> {
  if (bytes.length < 20 || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) {
    throw new ContainerError(
      'This is not an unlearned-model file of this app (it lacks the FUNLEARN signature).',
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version !== VERSION) {
    throw new ContainerError(`This file has format version ${version}; this app reads ${VERSION}.`);
  }
  const manifestLength = view.getUint32(12, true);
  if (16 + manifestLength + 4 > bytes.length) {
    throw new ContainerError('The file is truncated (its manifest is cut off).');
  }
  const manifest = parseJson<ContainerManifest>(
    bytes.subarray(16, 16 + manifestLength),
    'manifest',
  );
  let at = 16 + manifestLength;
  const modelLength = view.getUint32(at, true);
  if (at + 4 + modelLength > bytes.length) {
    throw new ContainerError('The file is truncated (its model.json is cut off).');
  }
  const modelJson = parseJson<ModelJson>(
    bytes.subarray(at + 4, at + 4 + modelLength),
    'model.json',
  );
  at += 4 + modelLength;
  const weights = bytes.slice(at).buffer;
  if (typeof manifest?.weightsSha256 !== 'string' || typeof manifest.base?.id !== 'string') {
    throw new ContainerError("The file's manifest lacks the base model or the weights' hash.");
  }
  const digest = await sha256Hex(weights);
  if (digest !== manifest.weightsSha256) {
    throw new ContainerError(
      `The weights are corrupted: their SHA-256 is ${digest.slice(0, 12)}…, the manifest says ${manifest.weightsSha256.slice(0, 12)}….`,
    );
  }
  return { manifest, model: { modelJson, weights } };
}
