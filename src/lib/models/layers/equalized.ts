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

/** A 'same'-padded, stride-1 convolution with an equalised learning rate. */
export class EqualizedConv2D extends tf.layers.Layer {
  static readonly className = 'EqualizedConv2D';
  readonly filters: number;
  readonly kernelSize: number;
  readonly gain: number;
  readonly seed: number | undefined;
  readonly useBias: boolean;
  private kernel: tf.LayerVariable | null = null;
  private bias: tf.LayerVariable | null = null;

  constructor(args: EqualizedArgs & { filters: number; kernelSize: number }) {
    super({ name: args.name });
    this.filters = args.filters;
    this.kernelSize = args.kernelSize;
    this.gain = args.gain ?? Math.SQRT2;
    this.seed = args.seed;
    this.useBias = args.useBias ?? true;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const channels = shape[shape.length - 1] ?? 0;
    const k = this.kernelSize;
    this.kernel = this.addWeight(
      'kernel',
      [k, k, channels, this.filters],
      'float32',
      tf.initializers.randomNormal({ mean: 0, stddev: 1, seed: this.seed }),
    );
    if (this.useBias) {
      this.bias = this.addWeight('bias', [this.filters], 'float32', tf.initializers.zeros());
    }
    this.built = true;
  }

  /** c = gain / √(k·k·channels in). */
  get scale(): number {
    const [k, , cin] = this.kernelVariable().shape as number[];
    return this.gain / Math.sqrt(k * k * cin);
  }

  private kernelVariable(): tf.LayerVariable {
    if (this.kernel === null) throw new Error(`${this.name} is not built yet`);
    return this.kernel;
  }

  /** The kernel a stock Conv2D needs to compute the same: kernel · c. Owned by the caller. */
  foldedKernel(): tf.Tensor4D {
    return tf.tidy(() => this.kernelVariable().read().mul(this.scale) as tf.Tensor4D);
  }

  /** The bias, borrowed (null without one). */
  biasValue(): tf.Tensor | null {
    return this.bias?.read() ?? null;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [...shape.slice(0, -1), this.filters];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      const w = this.kernelVariable().read().mul(this.scale) as tf.Tensor4D;
      const y = tf.conv2d(x, w, 1, 'same');
      return this.bias === null ? y : y.add(this.bias.read());
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      filters: this.filters,
      kernelSize: this.kernelSize,
      gain: this.gain,
      seed: this.seed ?? null,
      useBias: this.useBias,
    };
  }
}

/** A dense layer with an equalised learning rate. */
export class EqualizedDense extends tf.layers.Layer {
  static readonly className = 'EqualizedDense';
  readonly units: number;
  readonly gain: number;
  readonly seed: number | undefined;
  readonly useBias: boolean;
  private kernel: tf.LayerVariable | null = null;
  private bias: tf.LayerVariable | null = null;

  constructor(args: EqualizedArgs & { units: number }) {
    super({ name: args.name });
    this.units = args.units;
    this.gain = args.gain ?? Math.SQRT2;
    this.seed = args.seed;
    this.useBias = args.useBias ?? true;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const inputs = shape[shape.length - 1] ?? 0;
    this.kernel = this.addWeight(
      'kernel',
      [inputs, this.units],
      'float32',
      tf.initializers.randomNormal({ mean: 0, stddev: 1, seed: this.seed }),
    );
    if (this.useBias) {
      this.bias = this.addWeight('bias', [this.units], 'float32', tf.initializers.zeros());
    }
    this.built = true;
  }

  /** c = gain / √(inputs). */
  get scale(): number {
    return this.gain / Math.sqrt((this.kernelVariable().shape as number[])[0]);
  }

  private kernelVariable(): tf.LayerVariable {
    if (this.kernel === null) throw new Error(`${this.name} is not built yet`);
    return this.kernel;
  }

  /** The kernel a stock Dense needs to compute the same: kernel · c. Owned by the caller. */
  foldedKernel(): tf.Tensor2D {
    return tf.tidy(() => this.kernelVariable().read().mul(this.scale) as tf.Tensor2D);
  }

  /** The bias, borrowed (null without one). */
  biasValue(): tf.Tensor | null {
    return this.bias?.read() ?? null;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [...shape.slice(0, -1), this.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor2D;
      const y = tf.matMul(x, this.kernelVariable().read().mul(this.scale) as tf.Tensor2D);
      return this.bias === null ? y : y.add(this.bias.read());
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      units: this.units,
      gain: this.gain,
      seed: this.seed ?? null,
      useBias: this.useBias,
    };
  }
}

tf.serialization.registerClass(EqualizedConv2D);
tf.serialization.registerClass(EqualizedDense);
