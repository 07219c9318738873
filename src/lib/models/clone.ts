import * as tf from '@tensorflow/tfjs';

/** The topology and weights of a layers model, in memory (what `model.save` would write). */
export async function modelArtifacts(model: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  let artifacts: tf.io.ModelArtifacts | null = null;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (artifacts === null) throw new Error(`Saving ${model.name} produced no artifacts.`);
  return artifacts;
}

/** A new model with `model`'s architecture and a copy of all its weights; the caller owns it. */
export async function cloneModel(model: tf.LayersModel): Promise<tf.LayersModel> {
  return tf.loadLayersModel(tf.io.fromMemory(await modelArtifacts(model)));
}
