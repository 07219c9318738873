/**
 * A picture as a flat row-major array with its channels last: channel k of pixel (r, c) is
 * `pixels[(r * width + c) * channels + k]`; greyscale (1 channel) unless `channels` says 3 (RGB).
 */
export interface GreyImage {
  pixels: Float32Array;
  width: number;
  height: number;
  channels?: 1 | 3;
}

/** How to lay images out in {@link tileGrid}. */
export interface GridOptions {
  /** Images per row; default ⌈√count⌉. */
  cols?: number;
  /** Rows; default ⌈count / cols⌉. Images past rows·cols are left out. */
  rows?: number;
  /** Pixels between images and around the border; default 2. */
  padding?: number;
  /** Value of the padding and of empty cells; default 0 (black, the MNIST background). */
  background?: number;
  /** Channels of each image (1 grey, 3 RGB); default 1. */
  channels?: 1 | 3;
}

/**
 * Tiles `count` images of `height`×`width` (row-major, channels last, e.g. unitImages in [0, 1])
 * into one grid picture, image i at row ⌊i / cols⌋, column i mod cols. Values are copied as they
 * are: the caller chooses the range.
 *
 * @param images `count · height · width · channels` values, image after image.
 */
export function tileGrid(
  images: Float32Array,
  count: number,
  height: number,
  width: number,
  options: GridOptions = {},
): GreyImage {
  const channels = options.channels ?? 1;
  if (images.length < count * height * width * channels) {
    throw new Error(
      `tileGrid: ${images.length} values cannot hold ${count} images of ${height}×${width}×${channels}`,
    );
  }
  const padding = options.padding ?? 2;
  const background = options.background ?? 0;
  const cols = Math.max(1, options.cols ?? Math.ceil(Math.sqrt(count)));
  const rows = Math.max(1, options.rows ?? Math.ceil(count / cols));
  const gridWidth = cols * width + (cols + 1) * padding;
  const gridHeight = rows * height + (rows + 1) * padding;
  const pixels = new Float32Array(gridWidth * gridHeight * channels).fill(background);
  const shown = Math.min(count, rows * cols);
  for (let i = 0; i < shown; i++) {
    const top = padding + Math.floor(i / cols) * (height + padding);
    const left = padding + (i % cols) * (width + padding);
    for (let r = 0; r < height; r++) {
      const src = (i * height + r) * width * channels;
      pixels.set(
        images.subarray(src, src + width * channels),
        ((top + r) * gridWidth + left) * channels,
      );
    }
  }
  return { pixels, width: gridWidth, height: gridHeight, channels };
}
