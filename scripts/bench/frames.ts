/** The benchmark's frames: the six photos @vladmandic/face-api ships, fitted into 640×480 (letterboxed). */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import * as tf from '@tensorflow/tfjs-core';
import { decodeImageFile } from '../lib/image-file';
import { npmPhotoDir } from '../../tests/helpers/images';

export interface BenchFrame {
  readonly name: string;
  readonly width: number;
  readonly height: number;
  /** RGB bytes. */
  readonly data: Uint8Array;
}

export function makeBenchFrames(width = 640, height = 480): BenchFrame[] {
  const files = readdirSync(npmPhotoDir)
    .filter((f) => /^sample\d\.jpg$/.test(f))
    .sort();
  return files.map((name) => {
    const photo = decodeImageFile(join(npmPhotoDir, name));
    const data = tf.tidy(() => {
      const scale = Math.min(width / photo.width, height / photo.height);
      const w = Math.round(photo.width * scale);
      const h = Math.round(photo.height * scale);
      let x = tf.tensor4d(photo.data, [1, photo.height, photo.width, 3], 'float32');
      const block = Math.floor(1 / scale);
      if (block >= 2) x = tf.avgPool(x, block, block, 'valid');
      const fitted = tf.image.resizeBilinear(x, [h, w], false, true);
      const top = Math.floor((height - h) / 2);
      const left = Math.floor((width - w) / 2);
      const padded = tf.pad(fitted, [
        [0, 0],
        [top, height - h - top],
        [left, width - w - left],
        [0, 0],
      ]);
      return Uint8Array.from(tf.clipByValue(tf.round(padded), 0, 255).dataSync());
    });
    return { name, width, height, data };
  });
}

/** Writes a frame as a PNG (lossless, no colour profile), for the browser half. */
export function writeFramePng(frame: BenchFrame, path: string): void {
  const png = new PNG({ width: frame.width, height: frame.height });
  for (let i = 0; i < frame.width * frame.height; i++) {
    png.data[i * 4] = frame.data[i * 3]!;
    png.data[i * 4 + 1] = frame.data[i * 3 + 1]!;
    png.data[i * 4 + 2] = frame.data[i * 3 + 2]!;
    png.data[i * 4 + 3] = 255;
  }
  writeFileSync(path, PNG.sync.write(png));
}
