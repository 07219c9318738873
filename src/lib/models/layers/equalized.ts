import * as tf from '@tensorflow/tfjs';

/**
 * Equalised learning rate (Karras et al. 2018, § 4.1): weights start as N(0, 1) and are scaled
 * at every call by the He constant c = gain / √fan_in, so Adam, which is blind to a weight's
 * scale, moves every layer at the same relative speed. A shipped model folds c into stock
 * Conv2D / Dense weights (`foldedKernel`).
 */

interface EqualizedArgs {
  /** √2 before a (leaky) ReLU, 1 before a linear output. */
  gain?: number;
  /** Seed of the N(0, 1) kernel. */
  seed?: number;
  useBias?: boolean;
  name?: string;
}

function firstShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
  return (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
}

/**
 * What the equalised layers share: an N(0, 1) kernel whose last axis is the layer's outputs, an
 * optional zero bias, the scale c from the kernel's fan-in (every axis but the last), and the
 * folded kernel for export. Subclasses say the kernel's shape and the operation.
 */
abstract class EqualizedLayer<K extends tf.Tensor> extends tf.layers.Layer {
  readonly gain: number;
  readonly seed: number | undefined;
  readonly useBias: boolean;
  private kernel: tf.LayerVariable | null = null;
  private bias: tf.LayerVariable | null = null;

  protected constructor(
    args: EqualizedArgs,
    /** Channels or units out: the kernel's last axis. */
    protected readonly outputs: number,
  ) {
    super({ name: args.name });
    this.gain = args.gain ?? Math.SQRT2;
    this.seed = args.seed;
    this.useBias = args.useBias ?? true;
  }

  /** The kernel's shape for `inputs` channels or features in. */
  protected abstract kernelShape(inputs: number): number[];

  /** The layer's operation with the scaled kernel `w` (before the bias). */
  protected abstract operate(x: tf.Tensor, w: K): tf.Tensor;

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = firstShape(inputShape);
    this.kernel = this.addWeight(
      'kernel',
      this.kernelShape(shape[shape.length - 1] ?? 0),
      'float32',
      tf.initializers.randomNormal({ mean: 0, stddev: 1, seed: this.seed }),
    );
    if (this.useBias) {
      this.bias = this.addWeight('bias', [this.outputs], 'float32', tf.initializers.zeros());
    }
    this.built = true;
  }

  /** c = gain / √fan_in, fan_in the product of every kernel axis but the last. */
  get scale(): number {
    const fanIn = this.kernelVariable()
      .shape.slice(0, -1)
      .reduce<number>((a, b) => a * (b ?? 0), 1);
    return this.gain / Math.sqrt(fanIn);
  }

  private kernelVariable(): tf.LayerVariable {
    if (this.kernel === null) throw new Error(`${this.name} is not built yet`);
    return this.kernel;
  }

  /** The kernel a stock layer needs to compute the same: kernel · c. Owned by the caller. */
  foldedKernel(): K {
    return tf.tidy(() => this.kernelVariable().read().mul(this.scale) as K);
  }

  /** The bias, borrowed (null without one). */
  biasValue(): tf.Tensor | null {
    return this.bias?.read() ?? null;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return [...firstShape(inputShape).slice(0, -1), this.outputs];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const y = this.operate(x, this.kernelVariable().read().mul(this.scale) as K);
      return this.bias === null ? y : y.add(this.bias.read());
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      gain: this.gain,
      seed: this.seed ?? null,
      useBias: this.useBias,
    };
  }
}

/** A 'same'-padded, stride-1 convolution with an equalised learning rate. */
export class EqualizedConv2D extends EqualizedLayer<tf.Tensor4D> {
  static readonly className = 'EqualizedConv2D';
  readonly filters: number;
  readonly kernelSize: number;

  constructor(args: EqualizedArgs & { filters: number; kernelSize: number }) {
    super(args, args.filters);
    this.filters = args.filters;
    this.kernelSize = args.kernelSize;
  }

  protected kernelShape(channels: number): number[] {
    return [this.kernelSize, this.kernelSize, channels, this.filters];
  }

  protected operate(x: tf.Tensor, w: tf.Tensor4D): tf.Tensor {
    return tf.conv2d(x as tf.Tensor4D, w, 1, 'same');
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), filters: this.filters, kernelSize: this.kernelSize };
  }
}

/** A dense layer with an equalised learning rate. */
export class EqualizedDense extends EqualizedLayer<tf.Tensor2D> {
  static readonly className = 'EqualizedDense';
  readonly units: number;

  constructor(args: EqualizedArgs & { units: number }) {
    super(args, args.units);
    this.units = args.units;
  }

  protected kernelShape(inputs: number): number[] {
    return [inputs, this.units];
  }

  protected operate(x: tf.Tensor, w: tf.Tensor2D): tf.Tensor {
    return tf.matMul(x as tf.Tensor2D, w);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), units: this.units };
  }
}

tf.serialization.registerClass(EqualizedConv2D);
tf.serialization.registerClass(EqualizedDense);
