/**
 * The export: the unlearned generator as stock TF.js layers files — model.json, whose
 * `userDefinedMetadata.unlearning` carries the provenance, and weights.bin — in one .zip.
 * `tf.loadLayersModel` reads the unpacked pair unchanged; this app reads the zip back.
 *
 * The zip is written and read with fflate (MIT, 8 kB, no dependencies, the same code in the
 * browser and Node): the archive format's details (CRCs, central directory, deflate) are better
 * left to a library that is fuzzed and used by millions than to a hand-written packer.
 */
import { zipSync } from 'fflate';
import type { GeneratorBytes, ModelJson } from '../models/bytes';
import { sha256Hex } from '../models/manifest';
import { readModelFiles, type NamedBytes } from '../models/layers-files';
import { parseProvenance, ProvenanceError, type Provenance } from './provenance';

/** The key under model.json's `userDefinedMetadata` that holds the provenance. */
export const METADATA_KEY = 'unlearning';

/** model.json with the provenance in its metadata, and weights.bin named by its manifest. */
export function withProvenance(model: GeneratorBytes, provenance: Provenance): ModelJson {
  return {
    format: 'layers-model',
    generatedBy: model.modelJson.generatedBy,
    convertedBy: model.modelJson.convertedBy ?? null,
    modelTopology: model.modelJson.modelTopology,
    weightsManifest: [
      {
        paths: ['weights.bin'],
        weights: model.modelJson.weightsManifest.flatMap((g) => g.weights),
      },
    ],
    userDefinedMetadata: { [METADATA_KEY]: provenance },
  } as ModelJson;
}

/**
 * The export zip: model.json (with the provenance, `weightsSha256` filled in) and weights.bin.
 *
 * @param provenance everything but `weightsSha256`, which is computed here.
 */
export async function packUnlearnedZip(
  model: GeneratorBytes,
  provenance: Omit<Provenance, 'weightsSha256'>,
): Promise<Uint8Array> {
  const weights = new Uint8Array(model.weights);
  const full: Provenance = { ...provenance, weightsSha256: await sha256Hex(weights) };
  const json = new TextEncoder().encode(JSON.stringify(withProvenance(model, full), null, 1));
  return zipSync(
    {
      'model.json': [json, { level: 6 }],
      // Float weights barely compress; storing them keeps export and import fast.
      'weights.bin': [weights, { level: 0 }],
    },
    { mtime: new Date(full.createdAt) },
  );
}

/** An imported unlearned generator: its bytes and its validated provenance. */
export interface UnlearnedModel {
  model: GeneratorBytes;
  provenance: Provenance;
  name: string;
}

/** An imported file that is not an unlearned generator of this app, in plain words. */
export class ImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportError';
  }
}

/**
 * Reads an exported generator back: a zip, or model.json + weights, checked as any user's model,
 * then its provenance validated (`latentDim` bounds z_e's length) and its weights' SHA-256
 * compared with the one recorded.
 *
 * @throws ModelFileError, ProvenanceError or ImportError with a plain message.
 */
export async function readUnlearned(
  files: readonly NamedBytes[],
  latentDim?: number,
): Promise<UnlearnedModel> {
  if (files.length === 1 && isOldContainer(files[0].bytes)) {
    throw new ImportError(
      `${files[0].name} is in the format of an earlier version of this app (FUNLEARN), which this version no longer reads. Export the model again with this version.`,
    );
  }
  const read = readModelFiles(files);
  const metadata = read.metadata as Record<string, unknown> | undefined;
  const raw =
    typeof metadata === 'object' && metadata !== null ? metadata[METADATA_KEY] : undefined;
  if (raw === undefined) {
    throw new ImportError(
      `${read.name} is a TF.js model without this app's provenance, so it cannot be compared with a base. To unlearn it, open it in step 1 as a generator of your own.`,
    );
  }
  let provenance: Provenance;
  try {
    provenance = parseProvenance(raw, latentDim);
  } catch (e) {
    if (e instanceof ProvenanceError) throw e;
    throw new ImportError(`${read.name}: its provenance cannot be read.`);
  }
  const digest = await sha256Hex(read.weights);
  if (digest !== provenance.weightsSha256) {
    throw new ImportError(
      `The weights of ${read.name} do not match the SHA-256 its provenance records (${digest.slice(0, 12)}… vs ${provenance.weightsSha256.slice(0, 12)}…): the file was changed or damaged.`,
    );
  }
  return {
    model: { modelJson: read.modelJson, weights: read.weights },
    provenance,
    name: read.name,
  };
}

function isOldContainer(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && new TextDecoder().decode(bytes.subarray(0, 8)) === 'FUNLEARN';
}
