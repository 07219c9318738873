import * as tf from '@tensorflow/tfjs';
import {
  EqualizedConv2D,
  EqualizedDense,
  FadeIn,
  MinibatchStdDev,
  PixelNorm,
} from './layers/index';

/**
 * Progressive Growing of GANs (Karras et al. 2018) for small RGB images: the generator and
 * discriminator grow from 4×4 by doubling, each new resolution faded in; pixelwise feature
 * normalisation in G, equalised learning rate everywhere, minibatch standard deviation in D.
 *
 * The layers of every resolution are made once ({@link ProgGanLayers}) and shared by the
 * models of each phase of training ({@link phaseGenerator}, {@link phaseDiscriminator}), so a
 * phase trains the weights the earlier phases left.
 */

/** The architecture: latent size and the channels at 4, 8, 16, … px (one entry per resolution). */
export interface ProgGanConfig {
  latentDim: number;
  /** Feature maps per resolution, 4 px first; the last entry is the final resolution's. */
  channels: readonly number[];
  /** RGB. */
  imageChannels: number;
  /** Seeds the N(0, 1) initial weights. */
  seed: number;
}

/** 32×32 RGB: channels 96 / 96 / 48 / 16 at 4 / 8 / 16 / 32 px, z ∈ R^128 (sized so a face unlearning row fits 40 min on 2 cores). */
export const PROGGAN_FACES_CONFIG: ProgGanConfig = {
  latentDim: 128,
  channels: [96, 96, 48, 16],
  imageChannels: 3,
  seed: 1,
};

/** Side of the images at resolution index k: 4 · 2^k. */
export function resolutionSide(k: number): number {
  return 4 << k;
}

const LEAK = 0.2;

/** The layers of one generator: a block per resolution and an RGB output for each. */
interface GeneratorLayers {
  latentNorm: PixelNorm;
  /** Block 0: dense to 4×4, conv 3×3; block k ≥ 1: upsample, conv 3×3, conv 3×3. */
  blocks: tf.layers.Layer[][];
  toRgb: EqualizedConv2D[];
}

/** The layers of one discriminator: an RGB input and a block per resolution. */
interface DiscriminatorLayers {
  fromRgb: tf.layers.Layer[][];
  /** Block k ≥ 1: conv 3×3, conv 3×3, average pool; block 0: stddev, conv, dense, dense. */
  blocks: tf.layers.Layer[][];
}

/** Every layer of a ProgGAN's G (and of a second G that holds its moving average) and D. */
export class ProgGanLayers {
  readonly generator: GeneratorLayers;
  readonly average: GeneratorLayers;
  readonly discriminator: DiscriminatorLayers;

  constructor(readonly config: ProgGanConfig) {
    this.generator = generatorLayers(config, 'g');
    this.average = generatorLayers(config, 'gema');
    this.discriminator = discriminatorLayers(config);
  }

  /** Resolutions: 4 px … the final one. */
  get resolutions(): number {
    return this.config.channels.length;
  }

  /**
   * Frees the weights of every layer, however many phase models were built over them (those
   * models must not be used afterwards, nor disposed).
   */
  dispose(): void {
    const { generator: g, average: a, discriminator: d } = this;
    const all = [
      ...[g, a].flatMap((l) => [l.latentNorm, ...l.blocks.flat(), ...l.toRgb]),
      ...d.fromRgb.flat(),
      ...d.blocks.flat(),
    ];
    for (const layer of all) for (const w of layer.weights) w.dispose();
  }
}

function generatorLayers(config: ProgGanConfig, prefix: string): GeneratorLayers {
  const { channels, latentDim, seed } = config;
  let s = seed * 1000;
  const conv = (filters: number, name: string): EqualizedConv2D =>
    new EqualizedConv2D({ filters, kernelSize: 3, seed: s++, name: `${prefix}_${name}` });
  const blocks: tf.layers.Layer[][] = channels.map((c, k) => {
    const n = (what: string): string => `${k}_${what}`;
    const act = (what: string): tf.layers.Layer[] => [
      tf.layers.leakyReLU({ alpha: LEAK, name: `${prefix}_${n(`${what}_lrelu`)}` }),
      new PixelNorm({ name: `${prefix}_${n(`${what}_norm`)}` }),
    ];
    if (k === 0) {
      return [
        // As in ProgGAN, the first layer's gain is √2 / 4: a dense layer to 4×4×C acts as a
        // 4×4 convolution on a 1×1 input.
        new EqualizedDense({
          units: 16 * c,
          gain: Math.SQRT2 / 4,
          seed: s++,
          name: `${prefix}_${n('dense')}`,
        }),
        tf.layers.reshape({ targetShape: [4, 4, c], name: `${prefix}_${n('to_map')}` }),
        ...act('dense'),
        conv(c, n('conv')),
        ...act('conv'),
      ];
    }
    return [
      tf.layers.upSampling2d({ size: [2, 2], name: `${prefix}_${n('up')}` }),
      conv(c, n('conv1')),
      ...act('conv1'),
      conv(c, n('conv2')),
      ...act('conv2'),
    ];
  });
  void latentDim;
  const toRgb = channels.map(
    (_, k) =>
      new EqualizedConv2D({
        filters: config.imageChannels,
        kernelSize: 1,
        gain: 1,
        seed: s++,
        name: `${prefix}_${k}_to_rgb`,
      }),
  );
  return { latentNorm: new PixelNorm({ name: `${prefix}_latent_norm` }), blocks, toRgb };
}

function discriminatorLayers(config: ProgGanConfig): DiscriminatorLayers {
  const { channels, seed } = config;
  let s = seed * 1000 + 500;
  const conv = (filters: number, name: string, kernelSize = 3): EqualizedConv2D =>
    new EqualizedConv2D({ filters, kernelSize, seed: s++, name: `d_${name}` });
  const lrelu = (name: string): tf.layers.Layer => tf.layers.leakyReLU({ alpha: LEAK, name: `d_${name}` });
  const fromRgb = channels.map((c, k) => [conv(c, `${k}_from_rgb`, 1), lrelu(`${k}_from_rgb_lrelu`)]);
  const blocks = channels.map((c, k) => {
    if (k === 0) {
      return [
        new MinibatchStdDev({ groupSize: 4, name: 'd_0_stddev' }),
        conv(c, '0_conv'),
        lrelu('0_conv_lrelu'),
        tf.layers.flatten({ name: 'd_0_flat' }),
        new EqualizedDense({ units: c, seed: s++, name: 'd_0_dense' }),
        lrelu('0_dense_lrelu'),
        new EqualizedDense({ units: 1, gain: 1, seed: s++, name: 'd_0_logit' }),
      ];
    }
    return [
      conv(c, `${k}_conv1`),
      lrelu(`${k}_conv1_lrelu`),
      conv(channels[k - 1], `${k}_conv2`),
      lrelu(`${k}_conv2_lrelu`),
      tf.layers.averagePooling2d({ poolSize: 2, strides: 2, name: `d_${k}_down` }),
    ];
  });
  return { fromRgb, blocks };
}

function applyAll(layers: tf.layers.Layer[], x: tf.SymbolicTensor): tf.SymbolicTensor {
  return layers.reduce((h, layer) => layer.apply(h) as tf.SymbolicTensor, x);
}

/**
 * The generator of one phase: z [b, latentDim] → tanhImages [b, s, s, C] with s the side of
 * resolution `k`. While `fading`, the output is (1 − α)·upsampled RGB of resolution k − 1 +
 * α·RGB of resolution k (α set on the FadeIn layer); a tanh maps the result to [−1, 1].
 */
export function phaseGenerator(
  layers: GeneratorLayers,
  config: ProgGanConfig,
  k: number,
  fading: boolean,
  name: string,
): tf.LayersModel {
  const z = tf.input({ shape: [config.latentDim], name: `${name}_z` });
  let h = layers.latentNorm.apply(z) as tf.SymbolicTensor;
  let previous: tf.SymbolicTensor | null = null;
  for (let i = 0; i <= k; i++) {
    previous = h;
    h = applyAll(layers.blocks[i], h); // [b, 4·2^i, 4·2^i, channels[i]]
  }
  let rgb = layers.toRgb[k].apply(h) as tf.SymbolicTensor;
  if (fading && k > 0 && previous !== null) {
    const up = tf.layers.upSampling2d({ size: [2, 2], name: `${name}_fade_up` });
    const old = up.apply(layers.toRgb[k - 1].apply(previous)) as tf.SymbolicTensor;
    rgb = new FadeIn({ name: `${name}_fade` }).apply([old, rgb]) as tf.SymbolicTensor;
  }
  const out = tf.layers.activation({ activation: 'tanh', name: `${name}_tanh` }).apply(rgb);
  return tf.model({ inputs: z, outputs: out as tf.SymbolicTensor, name });
}

/**
 * The discriminator of one phase: tanhImages [b, s, s, C] → logits [b, 1]. While `fading`, the
 * new resolution's features are mixed with those of the half-size image: (1 − α)·fromRGB(pool(x))
 * + α·block_k(fromRGB(x)).
 */
export function phaseDiscriminator(
  layers: DiscriminatorLayers,
  config: ProgGanConfig,
  k: number,
  fading: boolean,
  name: string,
): tf.LayersModel {
  const side = resolutionSide(k);
  const x = tf.input({ shape: [side, side, config.imageChannels], name: `${name}_x` });
  let h = applyAll(layers.fromRgb[k], x);
  if (k > 0) {
    h = applyAll(layers.blocks[k], h); // [b, side/2, side/2, channels[k−1]]
    if (fading) {
      const pool = tf.layers.averagePooling2d({ poolSize: 2, strides: 2, name: `${name}_fade_down` });
      const old = applyAll(layers.fromRgb[k - 1], pool.apply(x) as tf.SymbolicTensor);
      h = new FadeIn({ name: `${name}_fade` }).apply([old, h]) as tf.SymbolicTensor;
    }
    for (let i = k - 1; i >= 1; i--) h = applyAll(layers.blocks[i], h);
  }
  const logits = applyAll(layers.blocks[0], h); // [b, 1]
  return tf.model({ inputs: x, outputs: logits, name });
}

/**
 * The final generator as a model of stock TF.js layers, for shipping: equalised weights folded
 * into Dense / Conv2D (w · c), no fade-in. It still needs the PixelNorm class registered
 * (src/lib/models/layers/pixel-norm.ts). Weights are copied from `layers` (the moving average).
 */
export function exportGenerator(layers: GeneratorLayers, config: ProgGanConfig): tf.LayersModel {
  const last = config.channels.length - 1;
  const z = tf.input({ shape: [config.latentDim], name: 'z' });
  const copies: [tf.layers.Layer, tf.Tensor[]][] = [];
  const stock = (layer: tf.layers.Layer, name: string): tf.layers.Layer => {
    if (layer instanceof EqualizedDense) {
      const dense = tf.layers.dense({ units: layer.units, name });
      copies.push([dense, folded(layer)]);
      return dense;
    }
    if (layer instanceof EqualizedConv2D) {
      const conv = tf.layers.conv2d({
        filters: layer.filters,
        kernelSize: layer.kernelSize,
        padding: 'same',
        name,
      });
      copies.push([conv, folded(layer)]);
      return conv;
    }
    if (layer instanceof PixelNorm) return new PixelNorm({ name });
    const config = layer.getConfig();
    switch (layer.getClassName()) {
      case 'Reshape':
        return tf.layers.reshape({ targetShape: config.targetShape as number[], name });
      case 'LeakyReLU':
        return tf.layers.leakyReLU({ alpha: config.alpha as number, name });
      case 'UpSampling2D':
        return tf.layers.upSampling2d({ size: config.size as number[], name });
      default:
        throw new Error(`exportGenerator: no stock layer for ${layer.getClassName()}`);
    }
  };
  let h = stock(layers.latentNorm, 'g_latent_norm').apply(z) as tf.SymbolicTensor;
  for (let k = 0; k <= last; k++) {
    for (const layer of layers.blocks[k]) {
      h = stock(layer, layer.name.replace(/^gema_/, 'g_')).apply(h) as tf.SymbolicTensor;
    }
  }
  h = stock(layers.toRgb[last], 'g_to_rgb').apply(h) as tf.SymbolicTensor;
  const out = tf.layers.activation({ activation: 'tanh', name: 'tanh' }).apply(h);
  const model = tf.model({ inputs: z, outputs: out as tf.SymbolicTensor, name: 'proggan_generator' });
  for (const [layer, weights] of copies) {
    layer.setWeights(weights);
    tf.dispose(weights);
  }
  return model;
}

function folded(layer: EqualizedConv2D | EqualizedDense): tf.Tensor[] {
  const bias = layer.biasValue();
  return [layer.foldedKernel(), ...(bias === null ? [] : [bias.clone()])];
}
