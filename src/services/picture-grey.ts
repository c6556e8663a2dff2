/**
 * The faces' grey pictures the picture check compares (see `picture-check.ts`): for each face a square
 * 2.2 eye distances wide, centred half an eye distance below the eyes, taken down to 32×32, grey, and
 * contrast-normalised. One crop of the frame for every face and one read-back.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { FaceDetection } from '../core/types';
import { normaliseContrast, PICTURE_SIDE } from './picture-check';

export async function faceGreys(frame: tf.Tensor3D, faces: readonly FaceDetection[]): Promise<Float32Array[]> {
  if (faces.length === 0) return [];
  const [h, w] = frame.shape;
  const boxes = faces.flatMap((f) => {
    const [le, re] = f.landmarks;
    const eye = Math.hypot(re.x - le.x, re.y - le.y) || f.box.width / 3;
    const cx = (le.x + re.x) / 2;
    const cy = (le.y + re.y) / 2 + 0.5 * eye;
    const half = 1.1 * eye;
    return [(cy - half) / (h - 1), (cx - half) / (w - 1), (cy + half) / (h - 1), (cx + half) / (w - 1)];
  });
  const grey = tf.tidy(() => {
    const image = tf.expandDims<tf.Tensor4D>(tf.cast(frame, 'float32'), 0);
    const crops = tf.image.cropAndResize(
      image,
      tf.tensor2d(boxes, [faces.length, 4]),
      tf.zeros<tf.Rank.R1>([faces.length], 'int32'),
      [PICTURE_SIDE, PICTURE_SIDE],
      'bilinear',
    );
    return tf.mean(crops, 3);
  });
  try {
    const data = (await grey.data()) as Float32Array;
    const size = PICTURE_SIDE * PICTURE_SIDE;
    return faces.map((_, i) => normaliseContrast(data.slice(i * size, (i + 1) * size)));
  } finally {
    grey.dispose();
  }
}
