/**
 * Reading a user's TF.js layers model from files, before TF.js sees it: a .zip, or model.json and
 * its weight files. Everything is checked in plain JavaScript first — sizes, archive contents,
 * the JSON's structure, layer classes and their sizes, the weights manifest — so that a hostile
 * or broken file gets a plain-language message and never reaches TF.js's allocators.
 */
import { unzipSync } from 'fflate';
import type { ModelJson, WeightSpec } from './bytes';
import { joinArrays } from '../core/arrays';

/** What a user's model may be; the app states these limits next to the import. */
export const MODEL_LIMITS = Object.freeze({
  /** Bytes of one file, and of a zip's contents in all. */
  fileBytes: 64 * 1024 * 1024,
  /** Bytes of model.json. */
  jsonBytes: 4 * 1024 * 1024,
  /** Weights, counted. */
  parameters: 16_000_000,
  /** Files in a zip. */
  zipEntries: 64,
  /** Layers, nested models included. */
  layers: 500,
  /** Units, filters and other widths of one layer. */
  width: 16_384,
  /** Kernel, pool, stride and up-sampling sizes. */
  kernel: 64,
  /** Values in a shape a layer declares (input, reshape target). */
  shapeValues: 4 * 1024 * 1024,
  /** Side of the square images a generator may draw. */
  imageSide: 256,
  /** Values of a latent vector. */
  latentDim: 4096,
});

/** One file as the page read it. */
export interface NamedBytes {
  name: string;
  bytes: Uint8Array;
}

/** A model as model.json plus its weights joined in manifest order, checked. */
export interface LayersModelFiles {
  /** What to call it: the zip's or model.json's file name. */
  name: string;
  modelJson: ModelJson;
  weights: ArrayBuffer;
  /** model.json's `userDefinedMetadata`, unchecked (an export's provenance lives there). */
  metadata: unknown;
}

/** A file that is not a usable layers model; the message says why in plain words. */
export class ModelFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelFileError';
  }
}

/** The TF.js layer classes a model may use: the built-ins that make sense in an image model. */
export const KNOWN_LAYERS: ReadonlySet<string> = new Set([
  'Activation',
  'Add',
  'AlphaDropout',
  'Average',
  'AveragePooling1D',
  'AveragePooling2D',
  'AveragePooling3D',
  'BatchNormalization',
  'CenterCrop',
  'Concatenate',
  'Conv1D',
  'Conv2D',
  'Conv2DTranspose',
  'Conv3D',
  'Conv3DTranspose',
  'Cropping2D',
  'Dense',
  'DepthwiseConv2D',
  'Dot',
  'Dropout',
  'ELU',
  'Embedding',
  'Flatten',
  'Functional',
  'GaussianDropout',
  'GaussianNoise',
  'GlobalAveragePooling1D',
  'GlobalAveragePooling2D',
  'GlobalMaxPooling1D',
  'GlobalMaxPooling2D',
  'InputLayer',
  'LayerNormalization',
  'LeakyReLU',
  'Masking',
  'MaxPooling1D',
  'MaxPooling2D',
  'MaxPooling3D',
  'Maximum',
  'Minimum',
  'Model',
  'Multiply',
  'PReLU',
  'Permute',
  'ReLU',
  'RepeatVector',
  'Rescaling',
  'Reshape',
  'Resizing',
  'SeparableConv2D',
  'Sequential',
  'Softmax',
  'SpatialDropout1D',
  'ThresholdedReLU',
  'UpSampling2D',
  'ZeroPadding2D',
]);

const MB = 1024 * 1024;
const mb = (bytes: number): string => `${(bytes / MB).toFixed(bytes < 10 * MB ? 1 : 0)} MB`;
const count = (n: number): string => n.toLocaleString('en');

/** At most `max` characters of a name from a file, for messages (the page shows it as text). */
export function shortName(name: string, max = 60): string {
  const clean = name.replace(/\p{Cc}/gu, '?');
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

/**
 * Refuses an empty or oversized file by its size alone, so the page need not read it first.
 *
 * @throws ModelFileError in plain words.
 */
export function checkFileSize(name: string, size: number): void {
  if (size === 0) throw new ModelFileError(`${shortName(name)} is empty.`);
  if (size > MODEL_LIMITS.fileBytes) {
    throw new ModelFileError(
      `${shortName(name)} is ${mb(size)}; a model here is at most ${mb(MODEL_LIMITS.fileBytes)}.`,
    );
  }
}

/** The limits in one sentence, for the page. */
export function limitsText(): string {
  const L = MODEL_LIMITS;
  return (
    `A TF.js layers model (one .zip, or model.json with its weight files) of at most ${mb(L.fileBytes)} ` +
    `and ${count(L.parameters)} parameters, built from TF.js's own layers, taking a latent vector of ` +
    `up to ${count(L.latentDim)} values and drawing square images of 8 to ${L.imageSide} pixels with 1 (grey) or 3 (RGB) channels.`
  );
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function baseName(path: string): string {
  return path.replace(/^.*[\\/]/, '').replace(/^\.\//, '');
}

/** The files of a zip archive, with its size limits checked before anything is inflated. */
export function unzipModel(zip: NamedBytes): NamedBytes[] {
  const b = zip.bytes;
  if (b.length < 4 || b[0] !== 0x50 || b[1] !== 0x4b || b[2] !== 0x03 || b[3] !== 0x04) {
    throw new ModelFileError(`${shortName(zip.name)} is not a zip archive.`);
  }
  let entries = 0;
  let declared = 0;
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(b, {
      filter: (file) => {
        if (file.name.endsWith('/')) return false;
        entries++;
        declared += file.originalSize;
        if (entries > MODEL_LIMITS.zipEntries) {
          throw new ModelFileError(
            `${shortName(zip.name)} holds more than ${MODEL_LIMITS.zipEntries} files; a model is model.json and a few weight files.`,
          );
        }
        if (declared > MODEL_LIMITS.fileBytes) {
          throw new ModelFileError(
            `${shortName(zip.name)} would unpack to more than ${mb(MODEL_LIMITS.fileBytes)}; the limit for a model is ${mb(MODEL_LIMITS.fileBytes)}.`,
          );
        }
        return true;
      },
    });
  } catch (error) {
    if (error instanceof ModelFileError) throw error;
    throw new ModelFileError(`${shortName(zip.name)} is damaged or cut off (its zip data cannot be read).`);
  }
  return Object.entries(files).map(([name, bytes]) => ({ name, bytes }));
}

/** A layer's class and config, with nested models' layers flattened in. */
function layersOf(topology: Record<string, unknown>): { className: string; config: Record<string, unknown> }[] {
  const out: { className: string; config: Record<string, unknown> }[] = [];
  const visit = (node: unknown, depth: number): void => {
    if (depth > 8) throw new ModelFileError('model.json nests models more than 8 deep.');
    if (!isObject(node)) throw new ModelFileError('model.json has a layer that is not an object.');
    const className = node.class_name;
    if (typeof className !== 'string') throw new ModelFileError('model.json has a layer without a class name.');
    const config = node.config;
    if (className === 'Sequential' || className === 'Model' || className === 'Functional') {
      const layers = Array.isArray(config) ? config : isObject(config) ? config.layers : undefined;
      if (!Array.isArray(layers)) throw new ModelFileError(`model.json's ${className} lists no layers.`);
      out.push({ className, config: isObject(config) ? config : {} });
      for (const layer of layers) visit(layer, depth + 1);
    } else {
      out.push({ className, config: isObject(config) ? config : {} });
    }
    if (out.length > MODEL_LIMITS.layers) {
      throw new ModelFileError(`model.json has more than ${MODEL_LIMITS.layers} layers.`);
    }
  };
  visit(topology, 0);
  return out;
}

const WIDTH_FIELDS = ['units', 'filters', 'input_dim', 'output_dim', 'depth_multiplier', 'n'];
const KERNEL_FIELDS = ['kernel_size', 'pool_size', 'strides', 'size', 'dilation_rate'];
const SHAPE_FIELDS = ['target_shape', 'batch_input_shape', 'batch_shape', 'input_shape', 'dims'];

/** Checks one layer's sizes, so that building it cannot ask for gigabytes. */
function checkLayerSizes(className: string, config: Record<string, unknown>): void {
  const name = shortName(String(config.name ?? className), 40);
  const numbers = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);
  for (const field of WIDTH_FIELDS) {
    const v = config[field];
    if (v === undefined || v === null) continue;
    if (!Number.isInteger(v) || (v as number) < 1 || (v as number) > MODEL_LIMITS.width) {
      throw new ModelFileError(
        `Layer ${name} asks for ${field} ${shortName(String(v), 24)}; at most ${count(MODEL_LIMITS.width)} is allowed.`,
      );
    }
  }
  for (const field of KERNEL_FIELDS) {
    if (config[field] === undefined || config[field] === null) continue;
    for (const v of numbers(config[field])) {
      if (!Number.isInteger(v) || (v as number) < 1 || (v as number) > MODEL_LIMITS.kernel) {
        throw new ModelFileError(`Layer ${name} has ${field} ${shortName(JSON.stringify(config[field]), 24)}; at most ${MODEL_LIMITS.kernel} is allowed.`);
      }
    }
  }
  for (const field of SHAPE_FIELDS) {
    const v = config[field];
    if (v === undefined || v === null) continue;
    if (!Array.isArray(v) || v.length > 8) {
      throw new ModelFileError(`Layer ${name} has an invalid ${field}.`);
    }
    let product = 1;
    for (const d of v) {
      if (d === null) continue;
      if (!Number.isInteger(d) || d < 1 || d > MODEL_LIMITS.shapeValues) {
        throw new ModelFileError(`Layer ${name} has an invalid ${field} ${shortName(JSON.stringify(v), 40)}.`);
      }
      product *= d;
    }
    if (product > MODEL_LIMITS.shapeValues) {
      throw new ModelFileError(
        `Layer ${name} declares a shape of ${count(product)} values (${field}); at most ${count(MODEL_LIMITS.shapeValues)} are allowed.`,
      );
    }
  }
}

/** The root of a topology: Keras files may wrap it in `model_config`. */
function rootOf(topology: Record<string, unknown>): Record<string, unknown> {
  return isObject(topology.model_config) ? topology.model_config : topology;
}

/** Inputs and outputs of the root model, counted. */
function ioCounts(root: Record<string, unknown>): { inputs: number; outputs: number } {
  if (root.class_name === 'Sequential') return { inputs: 1, outputs: 1 };
  const config = isObject(root.config) ? root.config : {};
  const inputs = Array.isArray(config.input_layers) ? config.input_layers.length : 0;
  const outputs = Array.isArray(config.output_layers) ? config.output_layers.length : 0;
  return { inputs, outputs };
}

/**
 * Checks the structure of a parsed model.json: a layers model (not a graph model), only known
 * layer classes of bounded size, one input and one output, float32 weights within the limits.
 *
 * @param extraLayers layer classes the app registers itself, besides TF.js's built-ins.
 * @throws ModelFileError naming the first problem in plain words.
 */
export function checkModelJson(
  json: unknown,
  extraLayers: readonly string[] = [],
  what: 'generator' | 'classifier' = 'generator',
): ModelJson {
  if (!isObject(json)) throw new ModelFileError('model.json is not a TF.js model (it is not a JSON object).');
  if (json.format === 'graph-model' || isObject(json.modelTopology) && 'node' in json.modelTopology) {
    throw new ModelFileError(
      'This is a TF.js graph model (converted from a TensorFlow SavedModel); only layers models (from Keras or TF.js) can be fine-tuned here.',
    );
  }
  if (json.format !== undefined && json.format !== 'layers-model') {
    throw new ModelFileError(`model.json has format "${shortName(String(json.format), 24)}"; this app reads "layers-model".`);
  }
  if (!isObject(json.modelTopology)) {
    throw new ModelFileError('model.json is not a TF.js layers model (it has no modelTopology).');
  }
  const root = rootOf(json.modelTopology);
  if (root.class_name !== 'Sequential' && root.class_name !== 'Model' && root.class_name !== 'Functional') {
    throw new ModelFileError('model.json is not a TF.js layers model (its topology is not a Sequential or functional model).');
  }
  const known = new Set([...KNOWN_LAYERS, ...extraLayers]);
  for (const { className, config } of layersOf(root)) {
    if (!known.has(className)) {
      throw new ModelFileError(
        `This model uses a layer type this app cannot run: ${shortName(className, 40)}. Layers with custom code (Lambda, or classes of your own) cannot be loaded in the browser; rebuild the model from built-in layers.`,
      );
    }
    checkLayerSizes(className, config);
  }
  const { inputs, outputs } = ioCounts(root);
  if (inputs !== 1) {
    throw new ModelFileError(
      `This model takes ${inputs} inputs; a ${what} takes one (${what === 'generator' ? 'a latent vector' : 'an image'}).`,
    );
  }
  if (outputs !== 1) {
    throw new ModelFileError(
      `This model has ${outputs} outputs; a ${what} has one (${what === 'generator' ? 'an image' : 'a logit'}).`,
    );
  }
  const manifest = json.weightsManifest;
  if (!Array.isArray(manifest) || manifest.length === 0) {
    throw new ModelFileError('model.json has no weightsManifest (the list of its weight files).');
  }
  let parameters = 0;
  for (const group of manifest) {
    if (!isObject(group) || !Array.isArray(group.paths) || !Array.isArray(group.weights)) {
      throw new ModelFileError('model.json has a damaged weightsManifest.');
    }
    if (group.paths.some((p) => typeof p !== 'string' || p.length > 200)) {
      throw new ModelFileError('model.json names a weight file with an invalid path.');
    }
    for (const spec of group.weights) {
      const name = isObject(spec) ? shortName(String(spec.name ?? '?'), 40) : '?';
      if (!isObject(spec) || typeof spec.name !== 'string' || !Array.isArray(spec.shape)) {
        throw new ModelFileError(`model.json has a weight entry without a name or shape (${name}).`);
      }
      if (spec.quantization !== undefined) {
        throw new ModelFileError(`Weight ${name} is quantised; only float32 weights can be fine-tuned.`);
      }
      if (spec.dtype !== 'float32') {
        throw new ModelFileError(
          `Weight ${name} is stored as ${shortName(String(spec.dtype), 16)}; only float32 weights can be fine-tuned.`,
        );
      }
      let size = 1;
      for (const d of spec.shape as unknown[]) {
        if (!Number.isInteger(d) || (d as number) < 0 || (d as number) > MODEL_LIMITS.parameters) {
          throw new ModelFileError(`Weight ${name} has an invalid shape ${shortName(JSON.stringify(spec.shape), 40)}.`);
        }
        size *= d as number;
      }
      parameters += size;
      if (parameters > MODEL_LIMITS.parameters) {
        throw new ModelFileError(
          `This model would hold more than ${count(MODEL_LIMITS.parameters)} parameters (weight ${name} alone has ${count(size)}); that is the limit here.`,
        );
      }
    }
  }
  return json as unknown as ModelJson;
}

/** model.json's weight specs in manifest order, and the files each group names. */
function weightGroups(modelJson: ModelJson): { paths: string[]; bytes: number }[] {
  return modelJson.weightsManifest.map((group) => ({
    paths: group.paths,
    bytes: group.weights.reduce(
      (n: number, spec: WeightSpec) => n + 4 * spec.shape.reduce((a, b) => a * b, 1),
      0,
    ),
  }));
}

function parseJson(file: NamedBytes): unknown {
  if (file.bytes.length > MODEL_LIMITS.jsonBytes) {
    throw new ModelFileError(
      `${shortName(file.name)} is ${mb(file.bytes.length)}; a model.json is at most ${mb(MODEL_LIMITS.jsonBytes)}.`,
    );
  }
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(file.bytes)) as unknown;
  } catch {
    throw new ModelFileError(`${shortName(file.name)} is not valid JSON.`);
  }
}

/**
 * Reads a layers model from the files a person gave: one .zip, or model.json and its weight
 * files (matched by file name), checking each step.
 *
 * @throws ModelFileError with a plain message for empty, foreign, truncated, oversized or
 *   inconsistent files.
 */
export function readModelFiles(
  given: readonly NamedBytes[],
  extraLayers: readonly string[] = [],
  what: 'generator' | 'classifier' = 'generator',
): LayersModelFiles {
  if (given.length === 0) throw new ModelFileError('No file was given.');
  for (const f of given) checkFileSize(f.name, f.bytes.length);
  const zips = given.filter((f) => /\.zip$/i.test(f.name) || (f.bytes[0] === 0x50 && f.bytes[1] === 0x4b));
  if (zips.length > 1 || (zips.length === 1 && given.length > 1)) {
    throw new ModelFileError('Give one .zip, or model.json with its weight files, not both.');
  }
  const files = zips.length === 1 ? unzipModel(zips[0]) : [...given];
  const jsons = files.filter((f) => /\.json$/i.test(f.name));
  const models = jsons.filter((f) => !/(^|\/)(metadata|manifest|provenance)[^/]*\.json$/i.test(f.name));
  if (models.length === 0) {
    throw new ModelFileError(
      zips.length === 1
        ? `${shortName(zips[0].name)} holds no model.json, so it is not a TF.js layers model.`
        : `${shortName(given[0].name)} is not a TF.js layers model: give its model.json and weight files, or a .zip of them.`,
    );
  }
  if (models.length > 1) {
    throw new ModelFileError(`${models.length} JSON files were given; give one model.json per model.`);
  }
  const modelJson = checkModelJson(parseJson(models[0]), extraLayers, what);
  const byName = new Map(files.filter((f) => f !== models[0]).map((f) => [baseName(f.name), f]));
  const parts: Uint8Array[] = [];
  for (const group of weightGroups(modelJson)) {
    const groupParts: Uint8Array[] = [];
    for (const path of group.paths) {
      const file = byName.get(baseName(path));
      if (file === undefined) {
        throw new ModelFileError(
          `model.json names the weight file ${shortName(baseName(path), 60)}, which is not among the files given.`,
        );
      }
      groupParts.push(file.bytes);
    }
    const got = groupParts.reduce((n, p) => n + p.length, 0);
    if (got !== group.bytes) {
      throw new ModelFileError(
        `The weight file${group.paths.length > 1 ? 's' : ''} ${group.paths.map((p) => shortName(baseName(p), 40)).join(', ')} hold${group.paths.length > 1 ? '' : 's'} ${count(got)} bytes; model.json describes ${count(group.bytes)}. They do not belong together.`,
      );
    }
    parts.push(...groupParts);
  }
  const weights = joinArrays(parts, (n) => new Uint8Array(new ArrayBuffer(n)));
  const json = modelJson as ModelJson & { userDefinedMetadata?: unknown };
  const single: ModelJson = {
    ...modelJson,
    weightsManifest: [
      { paths: ['weights.bin'], weights: modelJson.weightsManifest.flatMap((g) => g.weights) },
    ],
  };
  return {
    name: shortName(zips.length === 1 ? zips[0].name : models[0].name),
    modelJson: single,
    weights: weights.buffer as ArrayBuffer,
    metadata: json.userDefinedMetadata,
  };
}

/** Classes that only reshape or move values: the activation of the output is before them. */
const SHAPE_ONLY = new Set(['Reshape', 'Flatten', 'Permute', 'Cropping2D', 'ZeroPadding2D', 'UpSampling2D', 'Dropout', 'SpatialDropout1D', 'GaussianDropout', 'GaussianNoise', 'AlphaDropout']);

type LayerJson = { class_name?: unknown; name?: unknown; config?: Record<string, unknown>; inbound_nodes?: unknown };

/** The layer before `layer` in a functional model: the first layer of its first inbound node. */
function inboundOf(layer: LayerJson, byName: Map<string, LayerJson>): LayerJson | null {
  const nodes = layer.inbound_nodes;
  const first = Array.isArray(nodes) && Array.isArray(nodes[0]) ? nodes[0][0] : null;
  const name = Array.isArray(first) ? first[0] : isObject(first) ? first.name : null;
  return typeof name === 'string' ? (byName.get(name) ?? null) : null;
}

/**
 * The activation that makes a generator's output, read from model.json: the output layer's
 * `activation`, looking past layers that only reshape (Sequential: the layers from the end;
 * functional: from the output layer back along its first input). Null when it cannot tell: the
 * person is asked.
 */
export function lastActivation(modelJson: ModelJson): string | null {
  const root = rootOf(modelJson.modelTopology as Record<string, unknown>);
  const config = isObject(root.config) ? root.config : {};
  const layers = (Array.isArray(root.config) ? root.config : config.layers) as LayerJson[] | undefined;
  if (!Array.isArray(layers) || layers.length === 0) return null;
  let layer: LayerJson | null;
  let previous: (l: LayerJson) => LayerJson | null;
  if (root.class_name === 'Sequential') {
    let i = layers.length - 1;
    layer = layers[i];
    previous = () => (--i >= 0 ? layers[i] : null);
  } else {
    const byName = new Map(layers.map((l) => [String(l.name ?? l.config?.name), l]));
    const outputs = config.output_layers;
    const out = Array.isArray(outputs) && Array.isArray(outputs[0]) ? outputs[0][0] : null;
    layer = typeof out === 'string' ? (byName.get(out) ?? null) : null;
    previous = (l) => inboundOf(l, byName);
  }
  for (let hops = 0; layer !== null && hops < MODEL_LIMITS.layers; hops++) {
    if (typeof layer.class_name !== 'string') return null;
    if (!SHAPE_ONLY.has(layer.class_name)) {
      const activation = layer.config?.activation;
      return typeof activation === 'string' ? activation : null;
    }
    layer = previous(layer);
  }
  return null;
}

/** The output range a last activation implies: tanh → tanh, sigmoid → unit, else unknown. */
export function rangeOfActivation(activation: string | null): 'tanh' | 'unit' | null {
  if (activation === 'tanh') return 'tanh';
  if (activation === 'sigmoid' || activation === 'hard_sigmoid') return 'unit';
  return null;
}
