/**
 * Variants of a photo for the evaluation harness: the face taken down to a classroom size (40–80 px, as a
 * webcam sees a student a few metres away), moved and scaled a little from frame to frame, with sensor noise,
 * so that several "frames" of one face differ as a camera's frames do.
 */
import * as tf from '@tensorflow/tfjs-core';
import { seededRandom } from '../../src/classifier/random';

export interface VariantOptions {
  /** Scale of the whole photo (1 keeps it). */
  readonly scale: number;
  /** Shift in output pixels. */
  readonly dx: number;
  readonly dy: number;
  /** Standard deviation of the added noise, in grey levels (0: none). */
  readonly noise: number;
  readonly seed: number;
}

/**
 * The photo ([h, w, 3], 0..255) scaled (averaged down by whole blocks first, as a camera's optics would
 * rather than point-sampled), shifted and noised; int32, the caller owns it.
 */
export function photoVariant(frame: tf.Tensor3D, o: VariantOptions): tf.Tensor3D {
  return tf.tidy(() => {
    const [h, w] = frame.shape;
    const th = Math.max(16, Math.round(h * o.scale));
    const tw = Math.max(16, Math.round(w * o.scale));
    let x = tf.expandDims<tf.Tensor4D>(tf.cast(frame, 'float32'), 0);
    const block = Math.floor(1 / o.scale);
    if (block >= 2 && Math.floor(h / block) >= th && Math.floor(w / block) >= tw)
      x = tf.avgPool(x, block, block, 'valid');
    x = tf.image.resizeBilinear(x, [th, tw], false, true);
    if (o.dx !== 0 || o.dy !== 0) {
      x = tf.image.transform(x, tf.tensor2d([[1, 0, -o.dx, 0, 1, -o.dy, 0, 0]]), 'bilinear', 'nearest');
    }
    if (o.noise > 0) x = tf.add(x, tf.randomNormal(x.shape, 0, o.noise, 'float32', o.seed));
    return tf.cast(tf.round(tf.clipByValue(tf.squeeze<tf.Tensor3D>(x, [0]), 0, 255)), 'int32');
  });
}

/**
 * The variants for `frames` frames of one face: scaled so the face's width is drawn from `faceSize`
 * (or left as it is), each frame moved by up to ±2 px and scaled by ±4 %, with noise σ 2 when there is more
 * than one frame or the face is scaled.
 */
export function frameVariants(
  faceWidth: number,
  faceSize: readonly [number, number] | null,
  frames: number,
  seed: number,
): VariantOptions[] {
  const random = seededRandom(seed);
  const base = faceSize ? (faceSize[0] + (faceSize[1] - faceSize[0]) * random()) / faceWidth : 1;
  return Array.from({ length: frames }, (_, i) => {
    const moving = frames > 1;
    return {
      scale: Math.min(1, base * (moving ? 0.96 + 0.08 * random() : 1)),
      dx: moving ? (random() - 0.5) * 4 : 0,
      dy: moving ? (random() - 0.5) * 4 : 0,
      noise: moving || faceSize ? 2 : 0,
      seed: seed * 31 + i,
    };
  });
}
