import * as tf from '@tensorflow/tfjs';
import { modelArtifacts } from './clone';

/** The parts of a TF.js model.json that loading needs. */
export interface ModelJson {
  modelTopology: object;
  weightsManifest: { paths: string[]; weights: WeightSpec[] }[];
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  /** Anything the writer adds; an export's provenance lives under `unlearning`. */
  userDefinedMetadata?: { [key: string]: unknown };
}

export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32' | 'bool' | 'string' | 'complex64';
}

/** A trained generator serialised back to bytes (the unlearned g_θ, for export). */
export interface GeneratorBytes {
  modelJson: ModelJson;
  weights: ArrayBuffer;
}

/** Loads a layers model from model.json + weights.bin bytes; shape or count mismatches throw. */
export async function modelFromBytes(
  modelJson: ModelJson,
  weights: ArrayBuffer,
): Promise<tf.LayersModel> {
  if (modelJson.modelTopology === undefined || !Array.isArray(modelJson.weightsManifest)) {
    throw new Error('This is not a TF.js layers model: model.json lacks a topology or manifest.');
  }
  const weightSpecs = modelJson.weightsManifest.flatMap((group) => group.weights);
  const expected = weightSpecs.reduce(
    (bytes, spec) => bytes + 4 * spec.shape.reduce((a, b) => a * b, 1),
    0,
  );
  if (expected !== weights.byteLength) {
    throw new Error(
      `The weights file holds ${weights.byteLength} bytes; model.json describes ${expected}.`,
    );
  }
  return tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: modelJson.modelTopology,
      weightSpecs: weightSpecs as tf.io.WeightsManifestEntry[],
      weightData: weights,
    }),
  );
}

/** A layers model as model.json + weights.bin bytes (one weights file, named weights.bin). */
export async function modelToBytes(model: tf.LayersModel): Promise<GeneratorBytes> {
  const artifacts = await modelArtifacts(model);
  const weightData = artifacts.weightData;
  const weights =
    weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(weightData);
  return {
    modelJson: {
      format: 'layers-model',
      generatedBy: artifacts.generatedBy,
      convertedBy: artifacts.convertedBy ?? null,
      modelTopology: artifacts.modelTopology as object,
      weightsManifest: [
        { paths: ['weights.bin'], weights: (artifacts.weightSpecs ?? []) as WeightSpec[] },
      ],
    },
    weights,
  };
}
