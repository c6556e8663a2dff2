/** Shared plain-data types. Pixel coordinates are in the frame the detector was given, origin top left. */

export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/**
 * The five MTCNN landmarks, in this order: left eye, right eye, nose, left mouth corner, right mouth corner
 * ("left" as seen in the image).
 */
export type FiveLandmarks = readonly [Point, Point, Point, Point, Point];

export interface FaceDetection {
  readonly box: Box;
  /** O-Net face probability, 0..1. */
  readonly score: number;
  readonly landmarks: FiveLandmarks;
}
