/**
 * The model-independent face image kept with every enrolment sample: the face aligned to the five-point
 * template in a generous square (the whole head and some shoulder), with its detection in the image's own
 * pixels. Every model's crop (FaceRes and MobileFace aligned at zoom 1, ResNet-34 at 1.25, FaceNet's
 * box-and-margin) lies inside it, so stored samples are re-embedded when the model changes instead of
 * being taken again.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { FaceDetection, Point } from '../core/types';
import { applySimilarity, fitSimilarity, scaledTemplate, type Similarity } from './align';
import { alignFaces } from './embedder';

/** Side of the stored face image, in pixels. */
export const FACE_IMAGE_SIZE = 320;
/**
 * Template zoom of the stored image: 0.7 leaves 1/0.7 of a zoom-1 crop's width around the face, and puts
 * the eyes 70 px apart, as far apart as in FaceRes's own 224-px crop (no detail lost for it).
 */
export const FACE_IMAGE_ZOOM = 0.7;

function invert(t: Similarity, p: Point): Point {
  const n = t.a * t.a + t.b * t.b;
  const x = p.x - t.tx;
  const y = p.y - t.ty;
  return { x: (t.a * x + t.b * y) / n, y: (-t.b * x + t.a * y) / n };
}

/** A detection in frame pixels, moved into the pixels of the face image cut for it. */
export function detectionInFaceImage(face: FaceDetection): FaceDetection {
  const t = fitSimilarity(scaledTemplate(FACE_IMAGE_SIZE, FACE_IMAGE_ZOOM), face.landmarks);
  const { x, y, width, height } = face.box;
  const corners = [
    { x, y },
    { x: x + width, y },
    { x, y: y + height },
    { x: x + width, y: y + height },
  ].map((p) => invert(t, p));
  const xs = corners.map((p) => p.x);
  const ys = corners.map((p) => p.y);
  const l = face.landmarks.map((p) => invert(t, p));
  return {
    box: {
      x: Math.min(...xs),
      y: Math.min(...ys),
      width: Math.max(...xs) - Math.min(...xs),
      height: Math.max(...ys) - Math.min(...ys),
    },
    score: face.score,
    landmarks: [l[0]!, l[1]!, l[2]!, l[3]!, l[4]!],
  };
}

/**
 * Each face's stored image ([n, FACE_IMAGE_SIZE, FACE_IMAGE_SIZE, 3], float 0..255; the caller owns it)
 * and its detection in that image.
 */
export function cutFaceImages(
  frame: tf.Tensor3D,
  faces: readonly FaceDetection[],
): { images: tf.Tensor4D; detections: FaceDetection[] } {
  return {
    images: alignFaces(frame, faces, FACE_IMAGE_SIZE, FACE_IMAGE_ZOOM),
    detections: faces.map(detectionInFaceImage),
  };
}

/** Where a point of the face image lies in the frame it was cut from (for tests). */
export function faceImageToFrame(face: FaceDetection, p: Point): Point {
  return applySimilarity(fitSimilarity(scaledTemplate(FACE_IMAGE_SIZE, FACE_IMAGE_ZOOM), face.landmarks), p);
}
