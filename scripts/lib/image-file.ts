/** Decodes JPEG and PNG files (grey, RGB or RGBA) to RGB pixels in Node, without native code. */
import { readFileSync } from 'node:fs';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import * as tf from '@tensorflow/tfjs-core';
import { ImageDecodeError } from '../../src/core/errors';

export interface RgbImage {
  readonly width: number;
  readonly height: number;
  /** width × height × 3 bytes, row by row. */
  readonly data: Uint8Array;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47];

/** Throws `ImageDecodeError` naming the file when it is not a readable JPEG or PNG. */
export function decodeImageFile(path: string): RgbImage {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (cause) {
    throw new ImageDecodeError(path, `${path}: cannot read the file (${(cause as Error).message}).`, { cause });
  }
  return decodeImageBytes(bytes, path);
}

export function decodeImageBytes(bytes: Uint8Array, name: string): RgbImage {
  let rgba: { width: number; height: number; data: Uint8Array };
  try {
    if (bytes[0] === 0xff && bytes[1] === 0xd8) {
      rgba = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 1024 });
    } else if (PNG_SIGNATURE.every((b, i) => bytes[i] === b)) {
      rgba = PNG.sync.read(Buffer.from(bytes));
    } else {
      throw new Error('not a JPEG or PNG file');
    }
  } catch (cause) {
    throw new ImageDecodeError(name, `${name}: not a readable JPEG or PNG image (${(cause as Error).message}).`, {
      cause,
    });
  }
  if (!(rgba.width > 0 && rgba.height > 0)) throw new ImageDecodeError(name, `${name}: the image has no pixels.`);
  const n = rgba.width * rgba.height;
  const rgb = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    rgb[i * 3] = rgba.data[i * 4]!;
    rgb[i * 3 + 1] = rgba.data[i * 4 + 1]!;
    rgb[i * 3 + 2] = rgba.data[i * 4 + 2]!;
  }
  return { width: rgba.width, height: rgba.height, data: rgb };
}

/** The image as an int32 [height, width, 3] tensor the caller owns. */
export function imageToTensor(image: RgbImage): tf.Tensor3D {
  return tf.tensor3d(Int32Array.from(image.data), [image.height, image.width, 3], 'int32');
}
