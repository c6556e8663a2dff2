/**
 * How sharp a face is, measured on the face's own pixels in the source image (never on a crop scaled up
 * for a model) and compared with what a sharp face of the same size gives.
 *
 * The measure: in each of four directions (0°, 45°, 90°, 135°), the share of the grey image's gradient
 * energy that a light blur along that direction (binomial 1-4-6-4-1) takes away, i.e. how much detail lives
 * at the finest scale. Motion blur empties one direction, defocus all of them, so the face scores its worst
 * direction, each direction divided by its value on a typical sharp face. Small faces carry more detail per
 * pixel than large ones, so the figure is then divided by what a sharp face of that eye distance gives:
 * about 1 is an ordinary sharp photo.
 *
 * The constants come from `npm run -s calibrate:sharpness` on ../shared/datasets (LFW, the TV-character
 * crops and the enrolment photos: 1,040 faces, each also taken down to 0.75, 0.5 and 0.35 of its size).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { FaceDetection } from '../core/types';

/** Each direction's detail figure on a typical sharp face (the median over the calibration photos). */
export const SHARP_DETAIL: readonly [number, number, number, number] = [0.369, 0.485, 0.405, 0.482];

/**
 * What a sharp face scores at each eye distance (pixels, as measured): the calibration's medians, flat from
 * 28 px on; a small face's features are only a few pixels wide, so each pixel carries more detail.
 */
const EXPECTED_BY_EYE_DISTANCE: readonly (readonly [number, number])[] = [
  [12, 1.55],
  [16, 1.52],
  [20, 1.27],
  [24, 1.18],
  [28, 0.92],
];

export function expectedSharpness(eyeDistance: number): number {
  const table = EXPECTED_BY_EYE_DISTANCE;
  if (eyeDistance <= table[0]![0]) return table[0]![1];
  for (let i = 1; i < table.length; i++) {
    const [d1, v1] = table[i]!;
    if (eyeDistance <= d1) {
      const [d0, v0] = table[i - 1]!;
      return v0 + ((v1 - v0) * (eyeDistance - d0)) / (d1 - d0);
    }
  }
  return table.at(-1)![1];
}

/**
 * Faces with eye distances of more than twice this are averaged down by a whole factor before they are
 * measured: past that, detail is finer than any model's crop keeps (FaceRes's has the eyes 70 px apart), and a
 * phone photo's smooth skin would read as blur.
 */
export const MEASURE_EYE_DISTANCE = 64;

/**
 * The least relative sharpness (`relative` of `SharpnessReading`) a sample needs: 98 % of the calibration
 * photos pass, and nearly all of them fail once smeared by a 9 px motion blur.
 */
export const MIN_RELATIVE_SHARPNESS = 0.5;

export interface SharpnessReading {
  /** The worst direction's detail, each direction relative to a typical sharp face. */
  readonly detail: number;
  /** Eye distance in the pixels measured (after any averaging down). */
  readonly eyeDistance: number;
  /** `detail` over what a sharp face of that size gives: about 1 for a sharp photo, under 0.5 for a blurred one. */
  readonly relative: number;
}

/** A grey image, row by row. */
export interface GreyImage {
  readonly width: number;
  readonly height: number;
  readonly data: Float32Array;
}

const TAPS = [1 / 16, 4 / 16, 6 / 16, 4 / 16, 1 / 16];
/** Unit steps of the four directions: 0°, 45°, 90°, 135°. */
const DIRECTIONS: readonly (readonly [number, number])[] = [
  [1, 0],
  [1, 1],
  [0, 1],
  [-1, 1],
];

/**
 * Each direction's detail figure: 1 − E[(∂(B∗I))²] / E[(∂I)²], with ∂ the difference along the direction and
 * B the binomial blur along it; a border of 3 pixels is left out. 0 where the image is flat.
 */
export function directionalDetail(image: GreyImage): [number, number, number, number] {
  const { width: w, height: h, data: g } = image;
  const at = (x: number, y: number): number =>
    g[Math.min(h - 1, Math.max(0, y)) * w + Math.min(w - 1, Math.max(0, x))]!;
  const out: number[] = [];
  for (const [dx, dy] of DIRECTIONS) {
    const blurred = new Float32Array(w * h);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        let s = 0;
        for (let t = -2; t <= 2; t++) s += TAPS[t + 2]! * at(x + t * dx, y + t * dy);
        blurred[y * w + x] = s;
      }
    }
    let sharp = 0;
    let soft = 0;
    const x0 = 3 + Math.max(0, -dx);
    const x1 = w - 3 - Math.max(0, dx);
    for (let y = 3; y < h - 3 - dy; y++) {
      for (let x = x0; x < x1; x++) {
        const p = y * w + x;
        const q = (y + dy) * w + x + dx;
        const a = g[q]! - g[p]!;
        const b = blurred[q]! - blurred[p]!;
        sharp += a * a;
        soft += b * b;
      }
    }
    out.push(sharp > 0 ? 1 - soft / sharp : 0);
  }
  return out as [number, number, number, number];
}

/** The reading of a grey face region whose eyes are `eyeDistance` pixels apart. */
export function readSharpness(image: GreyImage, eyeDistance: number): SharpnessReading {
  const detail = Math.min(...directionalDetail(image).map((v, i) => v / SHARP_DETAIL[i]!));
  return { detail, eyeDistance, relative: detail / expectedSharpness(eyeDistance) };
}

/**
 * The inner face (brows to below the mouth, a little beyond the eyes and mouth corners) of a detected face,
 * in grey, cut exactly from the frame ([height, width, 3], 0..255; the caller keeps it) and averaged down by
 * a whole factor where the eyes are more than 2 × `MEASURE_EYE_DISTANCE` apart.
 */
export async function innerFace(
  frame: tf.Tensor3D,
  face: FaceDetection,
): Promise<{ image: GreyImage; eyeDistance: number }> {
  const [le, re, , lm, rm] = face.landmarks;
  const d = Math.max(Math.hypot(re.x - le.x, re.y - le.y), face.box.width / 4, 4);
  const [height, width] = frame.shape;
  const x0 = Math.max(0, Math.floor(Math.min(le.x, lm.x) - 0.35 * d));
  const x1 = Math.min(width, Math.ceil(Math.max(re.x, rm.x) + 0.35 * d));
  const y0 = Math.max(0, Math.floor(Math.min(le.y, re.y) - 0.45 * d));
  const y1 = Math.min(height, Math.ceil(Math.max(lm.y, rm.y) + 0.3 * d));
  const factor = Math.max(1, Math.floor(d / MEASURE_EYE_DISTANCE));
  if (x1 - x0 < 8 * factor || y1 - y0 < 8 * factor) {
    return { image: { width: 0, height: 0, data: new Float32Array(0) }, eyeDistance: d / factor };
  }
  const region = tf.tidy(() => {
    const grey = tf.mean(tf.cast(tf.slice(frame, [y0, x0, 0], [y1 - y0, x1 - x0, 3]), 'float32'), 2, true);
    const batch = tf.expandDims<tf.Tensor4D>(grey, 0);
    return factor > 1 ? tf.avgPool(batch, factor, factor, 'valid') : batch;
  });
  try {
    const data = (await region.data()) as Float32Array;
    return { image: { width: region.shape[2], height: region.shape[1], data }, eyeDistance: d / factor };
  } finally {
    region.dispose();
  }
}

/** The sharpness reading of a detected face in a frame; a face too small to measure reads 0. */
export async function faceSharpness(frame: tf.Tensor3D, face: FaceDetection): Promise<SharpnessReading> {
  const { image, eyeDistance } = await innerFace(frame, face);
  if (image.width === 0) return { detail: 0, eyeDistance, relative: 0 };
  return readSharpness(image, eyeDistance);
}
