/**
 * TF.js layers models on disk, in the format `tf.loadLayersModel(url)` reads in the browser:
 * a folder with model.json (topology + weights manifest) and one weights.bin.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { sha256Hex } from '../lib/models/manifest';

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';

/** One file written by {@link saveModelToDir}: its name inside the folder, SHA-256 and size. */
export interface WrittenFile {
  name: string;
  sha256: string;
  size: number;
}

/** SHA-256 and size of a file on disk. */
export async function describeFile(path: string, name: string): Promise<WrittenFile> {
  const bytes = readFileSync(path);
  return { name, sha256: await sha256Hex(bytes), size: bytes.byteLength };
}

/**
 * An IOHandler that saves a layers model to `dir` (model.json + weights.bin) and loads it back.
 * `written` collects the files of the last save with their SHA-256 and size.
 */
export class DirectoryIO implements tf.io.IOHandler {
  written: WrittenFile[] = [];

  constructor(readonly dir: string) {}

  async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
    if (artifacts.modelTopology instanceof ArrayBuffer) {
      throw new Error('DirectoryIO saves layers models (JSON topology) only');
    }
    mkdirSync(this.dir, { recursive: true });
    const weights = new Uint8Array(
      artifacts.weightData === undefined
        ? new ArrayBuffer(0)
        : tf.io.CompositeArrayBuffer.join(artifacts.weightData),
    );
    const modelJson: tf.io.ModelJSON = {
      modelTopology: artifacts.modelTopology ?? {},
      format: artifacts.format ?? 'layers-model',
      generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version_layers}`,
      convertedBy: artifacts.convertedBy ?? null,
      weightsManifest: [{ paths: [`./${WEIGHTS_BIN}`], weights: artifacts.weightSpecs ?? [] }],
    };
    if (artifacts.trainingConfig !== undefined) modelJson.trainingConfig = artifacts.trainingConfig;
    if (artifacts.userDefinedMetadata !== undefined) {
      modelJson.userDefinedMetadata = artifacts.userDefinedMetadata;
    }
    const jsonBytes = new TextEncoder().encode(JSON.stringify(modelJson));
    writeFileSync(join(this.dir, MODEL_JSON), jsonBytes);
    writeFileSync(join(this.dir, WEIGHTS_BIN), weights);
    this.written = [
      { name: MODEL_JSON, sha256: await sha256Hex(jsonBytes), size: jsonBytes.byteLength },
      { name: WEIGHTS_BIN, sha256: await sha256Hex(weights), size: weights.byteLength },
    ];
    return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
  }

  async load(): Promise<tf.io.ModelArtifacts> {
    const modelJson = JSON.parse(
      readFileSync(join(this.dir, MODEL_JSON), 'utf8'),
    ) as tf.io.ModelJSON;
    return tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
      const specs: tf.io.WeightsManifestEntry[] = [];
      const buffers: ArrayBuffer[] = [];
      for (const group of manifest) {
        specs.push(...group.weights);
        for (const path of group.paths) {
          const bytes = readFileSync(join(this.dir, path));
          buffers.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
        }
      }
      return [specs, tf.io.CompositeArrayBuffer.join(buffers)];
    });
  }
}

/** Saves `model` to `dir`; returns model.json and weights.bin with their SHA-256 and size. */
export async function saveModelToDir(model: tf.LayersModel, dir: string): Promise<WrittenFile[]> {
  const io = new DirectoryIO(dir);
  await model.save(io);
  return io.written;
}

/** Loads the layers model saved in `dir`. The caller owns (and disposes) it. */
export async function loadModelFromDir(dir: string): Promise<tf.LayersModel> {
  return tf.loadLayersModel(new DirectoryIO(dir));
}
