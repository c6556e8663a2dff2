/**
 * Box arithmetic of the MTCNN cascade, following the original (FaceNet's `detect_face.py`): corners are
 * pixel coordinates, and a box spans x2 - x1 + 1 pixels where regression and cropping are concerned.
 */
import type { FaceDetection, FiveLandmarks, Point } from '../core/types';
import type { Corners } from './nms';
import { PNET_CELL_SIZE, PNET_STRIDE } from './pyramid';

export interface Candidate extends Corners {
  readonly score: number;
}

/** Regression offsets, as fractions of the box's width and height, for x1, y1, x2, y2. */
export type Offsets = readonly [number, number, number, number];

/**
 * Reads one P-Net output map (`rows × cols` cells, `channels` values a cell: face logit margin first, then
 * the four offsets) and returns the cells whose face probability is at least `threshold`, already moved by
 * their offsets, each box mapped back to frame pixels through `scale`.
 *
 * The margin is logit(face) − logit(background), so the probability is its sigmoid: the same number the
 * original's two-way softmax gave, computed here only for cells that can pass.
 */
export function candidatesFromPnetMap(
  map: Float32Array,
  offset: number,
  rows: number,
  cols: number,
  scale: number,
  threshold: number,
): { boxes: Candidate[]; offsets: Offsets[] } {
  const minMargin = threshold <= 0 ? -Infinity : threshold >= 1 ? Infinity : Math.log(threshold / (1 - threshold));
  const boxes: Candidate[] = [];
  const offsets: Offsets[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const at = offset + (r * cols + c) * 5;
      const margin = map[at]!;
      if (!(margin >= minMargin)) continue;
      const score = 1 / (1 + Math.exp(-margin));
      if (score < threshold) continue;
      boxes.push({
        x1: Math.trunc((PNET_STRIDE * c + 1) / scale),
        y1: Math.trunc((PNET_STRIDE * r + 1) / scale),
        x2: Math.trunc((PNET_STRIDE * c + PNET_CELL_SIZE) / scale),
        y2: Math.trunc((PNET_STRIDE * r + PNET_CELL_SIZE) / scale),
        score,
      });
      offsets.push([map[at + 1]!, map[at + 2]!, map[at + 3]!, map[at + 4]!]);
    }
  }
  return { boxes, offsets };
}

/**
 * Moves a box by regression offsets. P-Net's first-stage offsets are relative to x2 - x1 (`inclusive`
 * false); R-Net's and O-Net's to x2 - x1 + 1 (`inclusive` true), as in the original.
 */
export function regressBox(box: Candidate, offsets: Offsets, inclusive: boolean): Candidate {
  const extra = inclusive ? 1 : 0;
  const w = box.x2 - box.x1 + extra;
  const h = box.y2 - box.y1 + extra;
  return {
    x1: box.x1 + offsets[0] * w,
    y1: box.y1 + offsets[1] * h,
    x2: box.x2 + offsets[2] * w,
    y2: box.y2 + offsets[3] * h,
    score: box.score,
  };
}

/** The square with the box's centre and its longer side (the original's `rerec`). */
export function squareBox(box: Candidate): Candidate {
  const w = box.x2 - box.x1;
  const h = box.y2 - box.y1;
  const side = Math.max(w, h);
  const x1 = box.x1 + w / 2 - side / 2;
  const y1 = box.y1 + h / 2 - side / 2;
  return { x1, y1, x2: x1 + side, y2: y1 + side, score: box.score };
}

/** Truncates the corners towards zero, as `np.fix` did before each crop. */
export function truncateBox(box: Candidate): Candidate {
  return {
    x1: Math.trunc(box.x1),
    y1: Math.trunc(box.y1),
    x2: Math.trunc(box.x2),
    y2: Math.trunc(box.y2),
    score: box.score,
  };
}

/**
 * The crop window of a box in `cropAndResize`'s normalised coordinates, such that the `size`×`size`
 * samples fall where OpenCV's resize of the original's padded crop would take them (pixel centres, half-
 * pixel convention); the crop covers 1-based pixels x1..x2, so 0-based x1 - 1 .. x2 - 1. Parts outside the
 * frame read the extrapolation value, which stands for the original's zero padding.
 */
export function cropWindow(
  box: Corners,
  size: number,
  frameHeight: number,
  frameWidth: number,
): [number, number, number, number] {
  const axis = (lo: number, hi: number, extent: number): [number, number] => {
    const span = hi - lo + 1;
    const step = span / size;
    const first = lo - 1 + step / 2 - 0.5;
    const last = first + step * (size - 1);
    const denom = Math.max(extent - 1, 1);
    return [first / denom, last / denom];
  };
  const [y1, y2] = axis(box.y1, box.y2, frameHeight);
  const [x1, x2] = axis(box.x1, box.x2, frameWidth);
  return [y1, x1, y2, x2];
}

/**
 * O-Net's landmark outputs (five x fractions, then five y fractions of the box before its last regression)
 * in frame pixels.
 */
export function landmarksFromOnet(box: Corners, values: ArrayLike<number>, at: number): FiveLandmarks {
  const w = box.x2 - box.x1 + 1;
  const h = box.y2 - box.y1 + 1;
  const point = (k: number): Point => ({
    x: box.x1 + w * values[at + k]! - 1,
    y: box.y1 + h * values[at + 5 + k]! - 1,
  });
  return [point(0), point(1), point(2), point(3), point(4)];
}

/** Scales a detection from a downscaled frame back to the frame's own pixels. */
export function scaleDetection(face: FaceDetection, sx: number, sy: number): FaceDetection {
  if (sx === 1 && sy === 1) return face;
  const p = (q: Point): Point => ({ x: q.x * sx, y: q.y * sy });
  const l = face.landmarks;
  return {
    box: { x: face.box.x * sx, y: face.box.y * sy, width: face.box.width * sx, height: face.box.height * sy },
    score: face.score,
    landmarks: [p(l[0]), p(l[1]), p(l[2]), p(l[3]), p(l[4])],
  };
}
