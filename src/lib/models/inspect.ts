/**
 * TF.js-side checks of a user's model, after layers-files.ts has checked its files: that it
 * builds, takes a latent vector and draws square grey or RGB images within the limits, holds
 * finite weights of sane size, and draws finite pixels. Every failure is a plain sentence.
 */
import * as tf from '@tensorflow/tfjs';
import { modelFromBytes, type GeneratorBytes } from './bytes';
import { lastActivation, MODEL_LIMITS, rangeOfActivation } from './layers-files';
import type { ImageShape } from './image-shape';
import { shapeText } from './image-shape';
import type { OutputRange } from './image-range';
import { sampleLatents } from '../core/rng';

/** What a user's generator is, as read by TF.js. */
export interface GeneratorReport {
  latentDim: number;
  imageShape: ImageShape;
  parameters: number;
  /** The output activation in model.json, if it could be read. */
  lastActivation: string | null;
  /** tanh → 'tanh', sigmoid → 'unit'; null: the person is asked. */
  outputRange: OutputRange | null;
}

/** A model that TF.js cannot use as asked; the message is plain words. */
export class ModelCheckError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelCheckError';
  }
}

/** Largest |weight| accepted: trained weights are far smaller; beyond it, floats overflow. */
export const MAX_ABS_WEIGHT = 1e6;
/** Values of all layer outputs for one sample, at most: bounds the memory of a batch. */
export const MAX_ACTIVATIONS = 8 * 1024 * 1024;

/**
 * Builds a user's model with TF.js. TF.js's own errors are turned into plain words here; the
 * library text never reaches the page.
 */
export async function buildUserModel(bytes: GeneratorBytes): Promise<tf.LayersModel> {
  await checkWeightsFitLayers(bytes);
  try {
    return await modelFromBytes(bytes.modelJson, bytes.weights);
  } catch (error) {
    throw plainBuildError(error);
  }
}

/** TF.js's error from building a model, in plain words; its own text is never shown. */
function plainBuildError(error: unknown): ModelCheckError {
  const text = error instanceof Error ? error.message : '';
  const unknown = /Unknown (layer|activation|initializer|regularizer|constraint): (\w+)/.exec(text);
  if (unknown !== null) {
    return new ModelCheckError(`This model uses a ${unknown[1]} this app cannot run: ${unknown[2].slice(0, 40)}.`);
  }
  if (error instanceof RangeError || /memory|allocat/i.test(text)) {
    return new ModelCheckError('Building this model ran out of memory; it is too large for this app.');
  }
  return new ModelCheckError(
    'TF.js could not build this model from its model.json: its layers do not fit together.',
  );
}

/**
 * Builds the layers alone (no weights read yet) and compares their weights, by name and shape,
 * with model.json's manifest. Reading weights that do not fit would leave TF.js's decoded copies
 * behind; checking first means nothing is left when they do not fit.
 */
async function checkWeightsFitLayers(bytes: GeneratorBytes): Promise<void> {
  const variables = tf.engine().state.registeredVariables;
  const before = new Set(Object.keys(variables));
  let model: tf.LayersModel;
  try {
    model = await tf.models.modelFromJSON({
      modelTopology: bytes.modelJson.modelTopology,
    } as unknown as tf.io.ModelJSON);
  } catch (error) {
    // The layers built before the failing one keep their variables: free them.
    for (const name of Object.keys(variables)) if (!before.has(name)) variables[name].dispose();
    throw plainBuildError(error);
  }
  try {
    const want = new Map(
      bytes.modelJson.weightsManifest.flatMap((g) => g.weights).map((w) => [w.name, w.shape.join(',')]),
    );
    const have = model.weights.map((w) => [w.originalName, w.shape.join(',')] as const);
    const fits =
      have.length === want.size && have.every(([name, shape]) => want.get(name) === shape);
    if (!fits) {
      throw new ModelCheckError(
        "The weights do not fit model.json's layers (a weight is missing, extra, or of another shape).",
      );
    }
  } finally {
    model.dispose();
  }
}

async function checkWeights(model: tf.LayersModel): Promise<void> {
  for (const w of model.weights) {
    const values = await w.read().data();
    let max = 0;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (!Number.isFinite(v)) {
        throw new ModelCheckError(`The weights hold NaN or infinite values (in ${w.originalName.slice(0, 60)}).`);
      }
      const a = Math.abs(v);
      if (a > max) max = a;
    }
    if (max > MAX_ABS_WEIGHT) {
      throw new ModelCheckError(
        `The weights hold absurdly large values (${max.toExponential(1)} in ${w.originalName.slice(0, 60)}); trained weights stay far below ${MAX_ABS_WEIGHT.toExponential(0)}.`,
      );
    }
  }
}

function checkActivations(model: tf.LayersModel): void {
  let total = 0;
  for (const layer of model.layers) {
    const shapes = (Array.isArray(layer.outputShape[0]) ? layer.outputShape : [layer.outputShape]) as (
      | number
      | null
    )[][];
    for (const shape of shapes) total += shape.slice(1).reduce<number>((a, d) => a * (d ?? 1), 1);
  }
  if (total > MAX_ACTIVATIONS) {
    throw new ModelCheckError(
      `This model's layers produce ${total.toLocaleString('en')} values per sample; at most ${MAX_ACTIVATIONS.toLocaleString('en')} fit in a training batch here.`,
    );
  }
}

/** The latent size of a model with one input [batch, d]. */
function latentSizeOf(model: tf.LayersModel): number {
  const shape = model.inputs[0].shape;
  if (shape.length !== 2 || shape[1] === null) {
    throw new ModelCheckError(
      `This model takes an input of shape [${shape.slice(1).join(', ')}]; a generator takes a latent vector [d].`,
    );
  }
  if (shape[1] > MODEL_LIMITS.latentDim) {
    throw new ModelCheckError(
      `This model takes latents of ${shape[1]} values; at most ${MODEL_LIMITS.latentDim} are supported.`,
    );
  }
  return shape[1];
}

/** The image a model with one output [batch, H, W, C] draws, or a plain reason it is none. */
export function imageShapeOf(model: tf.LayersModel): ImageShape {
  if (model.outputs.length !== 1) {
    throw new ModelCheckError(`This model has ${model.outputs.length} outputs; a generator draws one image.`);
  }
  const shape = model.outputs[0].shape.slice(1);
  if (shape.length !== 3 || shape.some((d) => d === null)) {
    throw new ModelCheckError(
      `This model draws [${shape.join(', ')}], not images [height, width, channels].`,
    );
  }
  const [h, w, c] = shape as number[];
  if (c !== 1 && c !== 3) {
    throw new ModelCheckError(`This model draws images with ${c} channels; 1 (grey) or 3 (RGB) are supported.`);
  }
  if (h !== w) throw new ModelCheckError(`This model draws ${h}×${w} images; only square images are supported.`);
  if (h > MODEL_LIMITS.imageSide || h < 8) {
    throw new ModelCheckError(
      `This model draws ${h}×${w} images; sizes from 8×8 to ${MODEL_LIMITS.imageSide}×${MODEL_LIMITS.imageSide} are supported.`,
    );
  }
  return { height: h, width: w, channels: c };
}

/** Runs 4 latents through the generator; throws when a pixel is NaN or infinite. */
async function probe(model: tf.LayersModel, latentDim: number): Promise<void> {
  const out = tf.tidy(() => {
    const z = tf.tensor2d(sampleLatents(1, 4, latentDim), [4, latentDim]);
    return model.apply(z, { training: false }) as tf.Tensor;
  });
  const values = await out.data();
  out.dispose();
  if (!values.every(Number.isFinite)) {
    throw new ModelCheckError('This generator draws NaN or infinite pixel values for ordinary latents.');
  }
}

/**
 * Checks a user's generator end to end and says what it is. Leaves no tensors behind.
 *
 * @throws ModelCheckError with a plain reason.
 */
export async function inspectGenerator(bytes: GeneratorBytes): Promise<GeneratorReport> {
  const model = await buildUserModel(bytes);
  try {
    if (model.inputs.length !== 1) {
      throw new ModelCheckError(`This model takes ${model.inputs.length} inputs; a generator takes one latent vector.`);
    }
    const latentDim = latentSizeOf(model);
    const imageShape = imageShapeOf(model);
    checkActivations(model);
    await checkWeights(model);
    await probe(model, latentDim);
    const activation = lastActivation(bytes.modelJson);
    return {
      latentDim,
      imageShape,
      parameters: model.countParams(),
      lastActivation: activation,
      outputRange: rangeOfActivation(activation),
    };
  } finally {
    model.dispose();
  }
}

/**
 * Builds a user's feature classifier `[H, W, C] → logit` for generators drawing `imageShape`.
 * The caller owns the model.
 *
 * @throws ModelCheckError when it reads other images or gives more than one logit.
 */
export async function buildFeatureClassifier(
  bytes: GeneratorBytes,
  imageShape: ImageShape,
): Promise<tf.LayersModel> {
  const model = await buildUserModel(bytes);
  try {
    const input = model.inputs[0].shape.slice(1);
    const want = shapeText(imageShape);
    if (model.inputs.length !== 1 || input.join('×') !== want) {
      throw new ModelCheckError(
        `This classifier reads [${input.join(', ')}] images; the generator draws ${want}.`,
      );
    }
    const out = model.outputs[0].shape.slice(1);
    if (out.length !== 1 || out[0] !== 1) {
      throw new ModelCheckError(
        `This classifier outputs [${out.join(', ')}]; a feature classifier gives one logit per image ([1]).`,
      );
    }
    checkActivations(model);
    await checkWeights(model);
    return model;
  } catch (error) {
    model.dispose();
    throw error;
  }
}
