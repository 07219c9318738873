/**
 * What TF.js needs before the project's models are built, loaded or trained: the custom layer
 * classes they use (looked up by name in model.json), and a fast gradient for Tile, which
 * LayerNormalization uses (core/gradients/tile.ts). Import it for its effect wherever models
 * are made from JSON or trained.
 */
import { registerTileGradient } from '../../core/gradients/tile';

export { MinibatchStdDev } from './minibatch-stddev';
export { PixelNorm } from './pixel-norm';
export { FadeIn, setFadeAlpha } from './fade-in';
export { EqualizedConv2D, EqualizedDense } from './equalized';

registerTileGradient();
