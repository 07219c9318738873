/**
 * The weights of a program's models in one SharedArrayBuffer of float32: the coordinator writes
 * them after each optimizer step, the workers copy them into their own variables before the next
 * phase. The layout is every weight of every model (trainable or not), model by model in the
 * order the program names them, layer by layer, each layer's weights in its own order — the same
 * on every thread, since the workers rebuild the models from the same topology. (Not
 * `model.weights`: that lists trainable weights first, so freezing a layer reorders it.)
 */
import * as tf from '@tensorflow/tfjs';

/** Where one weight lives in the buffer (in float32 elements). */
export interface WeightSlot {
  offset: number;
  size: number;
  shape: number[];
}

/** The weights of `models` laid out one after another. */
export function weightSlots(models: Readonly<Record<string, tf.LayersModel>>): {
  slots: Map<tf.Variable, WeightSlot>;
  total: number;
} {
  const slots = new Map<tf.Variable, WeightSlot>();
  let total = 0;
  for (const model of Object.values(models)) {
    for (const weight of model.layers.flatMap((layer) => layer.weights)) {
      const variable = weight.read() as tf.Variable;
      const shape = [...variable.shape];
      const size = shape.reduce((a, b) => a * b, 1);
      slots.set(variable, { offset: total, size, shape });
      total += size;
    }
  }
  return { slots, total };
}

/** Copies the values of `variables` into `buffer` at their slots. */
export async function writeVariables(
  buffer: Float32Array,
  slots: Map<tf.Variable, WeightSlot>,
  variables: Iterable<tf.Variable>,
): Promise<void> {
  for (const variable of variables) {
    const slot = slotOf(slots, variable);
    buffer.set((await variable.data()) as Float32Array, slot.offset);
  }
}

/** Sets `variables` from their slots of `buffer`. */
export function readVariables(
  buffer: Float32Array,
  slots: Map<tf.Variable, WeightSlot>,
  variables: Iterable<tf.Variable>,
): void {
  for (const variable of variables) {
    const slot = slotOf(slots, variable);
    tf.tidy(() =>
      variable.assign(tf.tensor(buffer.slice(slot.offset, slot.offset + slot.size), slot.shape)),
    );
  }
}

function slotOf(slots: Map<tf.Variable, WeightSlot>, variable: tf.Variable): WeightSlot {
  const slot = slots.get(variable);
  if (slot === undefined)
    throw new Error(`Variable ${variable.name} is not in the shared weights.`);
  return slot;
}

/** Floats that the gradients of the largest phase need (one slot per worker holds them). */
export function gradientCapacity(variablesByPhase: tf.Variable[][]): number {
  return Math.max(0, ...variablesByPhase.map((vars) => vars.reduce((n, v) => n + v.size, 0)));
}
