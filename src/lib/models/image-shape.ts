/** The shape of one image a generator draws: height × width × channels (1 grey, 3 RGB). */
export interface ImageShape {
  height: number;
  width: number;
  channels: 1 | 3;
}

/** MNIST's 28×28 greyscale digits. */
export const MNIST_SHAPE: Readonly<ImageShape> = Object.freeze({
  height: 28,
  width: 28,
  channels: 1,
});

/** Values per image: height · width · channels. */
export function pixelsOf(shape: ImageShape): number {
  return shape.height * shape.width * shape.channels;
}

/** Whether `shape` is MNIST's, the one the Morpho measure and the MNIST classifier read. */
export function isMnistShape(shape: ImageShape): boolean {
  return shape.height === 28 && shape.width === 28 && shape.channels === 1;
}

/** `28×28×1`. */
export function shapeText(shape: ImageShape): string {
  return `${shape.height}×${shape.width}×${shape.channels}`;
}
