import * as tf from '@tensorflow/tfjs';

/** Named tensors flattened to one buffer, as in a TF.js weights file: specs say how to cut it. */
export interface WeightsBlob {
  specs: tf.io.WeightsManifestEntry[];
  data: ArrayBuffer;
}

/**
 * Everything needed to resume a training run exactly where it stopped: every weight of every
 * model (trainable and not, e.g. BatchNorm moving statistics), every optimizer's state (Adam:
 * iteration count and both moment estimates), and how far the run got.
 */
export interface TrainCheckpoint {
  /** Optimisation steps done since the start of the run. */
  globalStep: number;
  stepsPerEpoch: number;
  /** Training wall time so far, in seconds, earlier resumed parts included. */
  elapsedSeconds: number;
  models: Record<string, WeightsBlob>;
  optimizers: Record<string, WeightsBlob>;
}

/** All weights of `model`, in `model.weights` order. */
export async function captureModelWeights(model: tf.LayersModel): Promise<WeightsBlob> {
  const named = model.weights.map((w, i) => ({ name: `${i}/${w.originalName}`, tensor: w.read() }));
  return tf.io.encodeWeights(named);
}

/**
 * Sets every weight of `model` from `blob`, by position; throws if the count or a shape differs.
 */
export function restoreModelWeights(model: tf.LayersModel, blob: WeightsBlob): void {
  if (blob.specs.length !== model.weights.length) {
    throw new Error(
      `checkpoint holds ${blob.specs.length} weights, ${model.name} has ${model.weights.length}`,
    );
  }
  const map = tf.io.decodeWeights(blob.data, blob.specs);
  const tensors = blob.specs.map((s) => map[s.name]);
  try {
    model.weights.forEach((w, i) => {
      if (!tf.util.arraysEqual(w.shape as number[], tensors[i].shape)) {
        throw new Error(
          `checkpoint weight ${blob.specs[i].name} has shape ${tensors[i].shape}, ${w.name} ${w.shape}`,
        );
      }
    });
    model.setWeights(tensors);
  } finally {
    tf.dispose(tensors);
  }
}

/**
 * The state of `optimizer` (for Adam: iterations, then first and second moments). Empty until
 * its first step. TF.js keys the moments by position in the variable list, so the same list,
 * in the same order, must be trained after a restore.
 */
export async function captureOptimizerState(optimizer: tf.Optimizer): Promise<WeightsBlob> {
  const weights = await optimizer.getWeights();
  try {
    return await tf.io.encodeWeights(weights);
  } finally {
    // getWeights returns a fresh `iter` scalar first; the rest are the optimizer's own variables.
    if (weights.length > 0) weights[0].tensor.dispose();
  }
}

/** Restores the state captured by {@link captureOptimizerState}. */
export async function restoreOptimizerState(
  optimizer: tf.Optimizer,
  blob: WeightsBlob,
): Promise<void> {
  if (blob.specs.length === 0) return;
  const map = tf.io.decodeWeights(blob.data, blob.specs);
  const named = blob.specs.map((s) => ({ name: s.name, tensor: map[s.name] }));
  await optimizer.setWeights(named);
  // setWeights copies the moments into variables of its own; the decoded tensors are ours.
  tf.dispose(named.map((n) => n.tensor));
}

/** Captures models and optimizers under the given names. */
export async function captureCheckpoint(
  globalStep: number,
  stepsPerEpoch: number,
  elapsedSeconds: number,
  models: Record<string, tf.LayersModel>,
  optimizers: Record<string, tf.Optimizer>,
): Promise<TrainCheckpoint> {
  const ckpt: TrainCheckpoint = {
    globalStep,
    stepsPerEpoch,
    elapsedSeconds,
    models: {},
    optimizers: {},
  };
  for (const [name, model] of Object.entries(models)) {
    ckpt.models[name] = await captureModelWeights(model);
  }
  for (const [name, optimizer] of Object.entries(optimizers)) {
    ckpt.optimizers[name] = await captureOptimizerState(optimizer);
  }
  return ckpt;
}

/** Restores models and optimizers from `ckpt`; every name given must be in it. */
export async function restoreCheckpoint(
  ckpt: TrainCheckpoint,
  models: Record<string, tf.LayersModel>,
  optimizers: Record<string, tf.Optimizer>,
): Promise<void> {
  for (const [name, model] of Object.entries(models)) {
    const blob = ckpt.models[name];
    if (blob === undefined) throw new Error(`checkpoint has no model "${name}"`);
    restoreModelWeights(model, blob);
  }
  for (const [name, optimizer] of Object.entries(optimizers)) {
    const blob = ckpt.optimizers[name];
    if (blob === undefined) throw new Error(`checkpoint has no optimizer "${name}"`);
    await restoreOptimizerState(optimizer, blob);
  }
}
