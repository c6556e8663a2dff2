/**
 * The recognition rules the app had before issue 11 (commit 2928654), kept here as the anchor that
 * `npm run bench:classroom` prints beside today's pipeline: a photo enrols only when it shows exactly one
 * face whose aligned 224-px crop has a Laplacian variance of 6 or more; the classifier's threshold comes from
 * the leave-one-student-out impostors alone; a student is marked once recognised in 2 frames within 5 s.
 * Its crops are cut as they were then (one resampling of the whole frame, then a warp). The detector, the
 * FaceRes network and the SVM are the app's own.
 */
import * as tf from '@tensorflow/tfjs-core';
import { predict, trainClassifier, type ClassifierSnapshot, type TrainingSample } from '../../src/classifier';
import type { FaceDetection } from '../../src/core/types';
import { applySimilarity, fitSimilarity, scaledTemplate } from '../../src/embedding/align';
import type { FacePipeline } from '../../src/services/face-pipeline';

export const BASELINE_MIN_SHARPNESS = 6;

function laplacianVariance(crops: tf.Tensor4D): tf.Tensor1D {
  return tf.tidy(() => {
    const grey = tf.mean<tf.Tensor4D>(crops, 3, true);
    const kernel = tf.tensor4d([0, 1, 0, 1, -4, 1, 0, 1, 0], [3, 3, 1, 1]);
    const lap = tf.conv2d(grey, kernel, 1, 'valid');
    return tf.moments(lap, [1, 2, 3]).variance as tf.Tensor1D;
  });
}

/** The alignment before issue 11: one `cropAndResize` of the whole frame, then a warp. */
function oldAlignFaces(frame: tf.Tensor3D, faces: readonly FaceDetection[], size: number, zoom: number): tf.Tensor4D {
  const [height, width] = frame.shape;
  const template = scaledTemplate(size, zoom);
  const windows: number[] = [];
  const transforms: number[] = [];
  for (const face of faces) {
    // Output (crop) pixels → frame pixels.
    const t = fitSimilarity(template, face.landmarks);
    const corners = [
      { x: 0, y: 0 },
      { x: size, y: 0 },
      { x: 0, y: size },
      { x: size, y: size },
    ].map((p) => applySimilarity(t, p));
    const x0 = Math.min(...corners.map((p) => p.x));
    const y0 = Math.min(...corners.map((p) => p.y));
    const side = Math.max(Math.max(...corners.map((p) => p.x)) - x0, Math.max(...corners.map((p) => p.y)) - y0);
    const step = side / size;
    // cropAndResize samples row i at y1·(H−1) + i·(y2−y1)·(H−1)/(size−1): put them at y0 + i·step.
    const last = (size - 1) * step;
    windows.push(
      y0 / Math.max(height - 1, 1),
      x0 / Math.max(width - 1, 1),
      (y0 + last) / Math.max(height - 1, 1),
      (x0 + last) / Math.max(width - 1, 1),
    );
    // Output → window pixels: divide the frame transform by the step and shift by the window origin.
    transforms.push(t.a / step, -t.b / step, (t.tx - x0) / step, t.b / step, t.a / step, (t.ty - y0) / step, 0, 0);
  }
  return tf.tidy(() => {
    const batch = tf.expandDims<tf.Tensor4D>(tf.cast(frame, 'float32'), 0);
    const windowsT = tf.tensor2d(windows, [faces.length, 4]);
    const crops = tf.image.cropAndResize(
      batch,
      windowsT,
      tf.zeros<tf.Rank.R1>([faces.length], 'int32'),
      [size, size],
      'bilinear',
      0,
    );
    return tf.image.transform(crops, tf.tensor2d(transforms, [faces.length, 8]), 'bilinear', 'constant', 0, [
      size,
      size,
    ]);
  });
}

/** The old upload rule: exactly one face, sharp enough by the old measure. */
export async function baselineEnrol(
  pipeline: FacePipeline,
  frame: tf.Tensor3D,
): Promise<{ embedding: Float32Array } | { problem: string }> {
  const faces = await pipeline.detector.detectFaces(frame);
  if (faces.length === 0) return { problem: 'no face' };
  if (faces.length > 1) return { problem: `${faces.length} faces` };
  const crops = oldAlignFaces(frame, faces, 224, 1);
  try {
    const [sharpness] = await laplacianVariance(crops).data();
    if (sharpness! < BASELINE_MIN_SHARPNESS) return { problem: 'blurred' };
    const [embedding] = await pipeline.embedder.embedCrops(crops);
    return { embedding: embedding! };
  } finally {
    crops.dispose();
  }
}

/** The old training: the app's SVM, with the threshold from the leave-one-student-out impostors only. */
export function baselineTrain(samples: readonly TrainingSample[], modelId: string): ClassifierSnapshot {
  return trainClassifier(samples, { modelId });
}

/** The old live rule: each frame's faces classified alone; a student marked after 2 hits within 5 s. */
export class BaselineLive {
  private readonly seen = new Map<string, number[]>();

  constructor(
    private readonly classifier: ClassifierSnapshot,
    private readonly modelId: string,
  ) {}

  frame(
    faces: readonly { readonly detection: FaceDetection; readonly embedding: Float32Array }[],
    now: number,
  ): { face: FaceDetection; studentId: string }[] {
    const marks: { face: FaceDetection; studentId: string }[] = [];
    for (const f of faces) {
      const p = predict(this.classifier, f.embedding, this.modelId);
      if (p.label === null) continue;
      const times = (this.seen.get(p.label) ?? []).filter((t) => now - t <= 5000);
      times.push(now);
      this.seen.set(p.label, times);
      if (times.length >= 2) marks.push({ face: f.detection, studentId: p.label });
    }
    return marks;
  }
}
