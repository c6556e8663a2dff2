/**
 * The MTCNN face detector: P-Net over an image pyramid, then R-Net and O-Net on batched crops, with the
 * original system's boxes, scores and five landmarks. Pure tfjs: a frame tensor in, plain data out.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { AssetReader } from '../core/assets';
import type { Box, FaceDetection } from '../core/types';
import {
  candidatesFromPnetMap,
  cropWindow,
  landmarksFromOnet,
  regressBox,
  scaleDetection,
  squareBox,
  truncateBox,
  type Candidate,
  type Offsets,
} from './boxes';
import type { FaceDetector } from './detector';
import { readMtcnnWeights } from './model-files';
import { disposeMtcnnParams, prepareMtcnnParams, runOnet, runPnet, runRnet, type MtcnnParams } from './networks';
import { nonMaxSuppression } from './nms';
import { resolveMtcnnOptions, type MtcnnOptions, type ResolvedMtcnnOptions } from './options';
import { computePyramid } from './pyramid';

/** Shifts (fractions of the box side) and scales of the boxes `refineLandmarks` runs O-Net on again. */
const LANDMARK_JITTERS: readonly (readonly [number, number, number])[] = [
  [0, 0, 1],
  [0.04, 0, 1],
  [-0.04, 0, 1],
  [0, 0.04, 1],
  [0, -0.04, 1],
  [0, 0, 0.92],
  [0, 0, 1.08],
];

/** Where the latest `detectFaces` spent its time, for benchmarks (each stage ends with its read-back). */
export interface MtcnnStages {
  /** Taking the frame down, and P-Net over the pyramid (with its one read-back), ms. */
  readonly pnetMs: number;
  readonly rnetMs: number;
  readonly onetMs: number;
  readonly levels: number;
  /** Candidates P-Net passed to R-Net, and R-Net to O-Net. */
  readonly toRnet: number;
  readonly toOnet: number;
}

export class MtcnnDetector implements FaceDetector {
  readonly id = 'mtcnn';
  private params: MtcnnParams | null;
  /** The latest detection's stages (see `MtcnnStages`); null before the first. */
  lastStages: MtcnnStages | null = null;
  /** Pyramid levels of the latest stage 1 (for `lastStages`). */
  private levelsRun = 0;

  private constructor(
    params: MtcnnParams,
    /** The options every call starts from. */
    readonly options: ResolvedMtcnnOptions,
  ) {
    this.params = params;
  }

  /**
   * Loads the weights that `npm run models` prepared (`mtcnn.json` and the files it names) through `read`.
   * Throws `ModelLoadError`, naming the file, when one is missing, truncated or corrupt.
   */
  static async load(read: AssetReader, options: MtcnnOptions = {}): Promise<MtcnnDetector> {
    const resolved = resolveMtcnnOptions(options);
    const weights = await readMtcnnWeights(read);
    try {
      return new MtcnnDetector(prepareMtcnnParams(weights), resolved);
    } finally {
      tf.dispose(weights);
    }
  }

  /** Builds a detector from the original weights by name (`pnet/conv1/weights`, …); `weights` stays the caller's. */
  static fromWeights(weights: tf.NamedTensorMap, options: MtcnnOptions = {}): MtcnnDetector {
    return new MtcnnDetector(prepareMtcnnParams(weights), resolveMtcnnOptions(options));
  }

  /**
   * Finds the faces in an RGB frame ([height, width, 3], 0..255, int32 or float32; the caller keeps it),
   * the most probable first. A frame without faces, or smaller than the smallest face, gives []. Boxes may
   * reach past the frame's edges where a face does.
   */
  async detectFaces(frame: tf.Tensor3D, options?: MtcnnOptions): Promise<FaceDetection[]> {
    const params = this.requireParams();
    const opts = options ? resolveMtcnnOptions({ ...this.options, ...options }) : this.options;
    if (frame.rank !== 3 || frame.shape[2] !== 3) {
      throw new RangeError(
        `detectFaces needs an RGB frame of shape [height, width, 3]; got [${frame.shape.join(', ')}].`,
      );
    }
    const t0 = performance.now();
    const { image, sx, sy } = prepareImage(frame, opts.maxInputSize);
    let t1 = t0;
    let t2 = t0;
    let boxes: Candidate[] = [];
    let refined: Candidate[] = [];
    try {
      boxes = await this.runStage1(image, params, opts);
      t1 = t2 = performance.now();
      if (boxes.length === 0) return [];
      refined = await this.runStage2(image, params, boxes, opts.thresholds[1]);
      t2 = performance.now();
      if (refined.length === 0) return [];
      const faces = await this.runStage3(image, params, refined, opts.thresholds[2]);
      return faces.slice(0, opts.maxFaces).map((f) => scaleDetection(f, sx, sy));
    } finally {
      image.dispose();
      const t3 = performance.now();
      this.lastStages = {
        pnetMs: t1 - t0,
        rnetMs: t2 - t1,
        onetMs: t3 - t2,
        levels: this.levelsRun,
        toRnet: boxes.length,
        toOnet: refined.length,
      };
    }
  }

  /**
   * Steadier landmarks for faces already found in `frame` (the caller keeps both): O-Net runs again on
   * shifted and scaled copies of each face's square box, and the landmarks of every copy that still looks
   * like a face are averaged with the first ones. One O-Net pass gives landmarks that move by 1–4 % of the
   * face's width with the resolution of the same photo, which moves the aligned crop; the average moves
   * less. Boxes and scores stay as they were.
   */
  async refineLandmarks(frame: tf.Tensor3D, faces: readonly FaceDetection[]): Promise<FaceDetection[]> {
    if (faces.length === 0) return [];
    const params = this.requireParams();
    const { image, sx, sy } = prepareImage(frame, this.options.maxInputSize);
    try {
      const boxes: Candidate[] = faces.flatMap((f) => {
        const base = squareBox({
          x1: f.box.x / sx,
          y1: f.box.y / sy,
          x2: (f.box.x + f.box.width) / sx,
          y2: (f.box.y + f.box.height) / sy,
          score: f.score,
        });
        const side = base.x2 - base.x1;
        const cx = (base.x1 + base.x2) / 2;
        const cy = (base.y1 + base.y2) / 2;
        return LANDMARK_JITTERS.map(([dx, dy, scale]) => {
          const half = (side * scale) / 2;
          const x = cx + dx * side;
          const y = cy + dy * side;
          return truncateBox({ x1: x - half, y1: y - half, x2: x + half, y2: y + half, score: f.score });
        });
      });
      const out = tf.tidy(() => runOnet(cropBoxes(image, boxes, 48), params.onet));
      const values = await readAndDispose(out);
      return faces.map((face, i) => {
        const sums = face.landmarks.map((p) => ({ x: p.x / sx, y: p.y / sy }));
        let n = 1;
        LANDMARK_JITTERS.forEach((_, j) => {
          const k = i * LANDMARK_JITTERS.length + j;
          if (!(sigmoid(values[k * 15]!) > this.options.thresholds[2])) return;
          landmarksFromOnet(boxes[k]!, values, k * 15 + 5).forEach((p, m) => {
            sums[m] = { x: sums[m]!.x + p.x, y: sums[m]!.y + p.y };
          });
          n++;
        });
        const mean = sums.map((p) => ({ x: (p.x / n) * sx, y: (p.y / n) * sy }));
        return { ...face, landmarks: [mean[0]!, mean[1]!, mean[2]!, mean[3]!, mean[4]!] };
      });
    } finally {
      image.dispose();
    }
  }

  /**
   * Follows faces found in an earlier frame without a full detection: O-Net alone on a square crop around
   * each of `boxes` (grown by `margin`, to allow for movement), in the frame's own pixels. Gives each face's
   * new box, score and landmarks, or null where O-Net no longer sees a face there. About 1–2 ms a face on
   * WebAssembly, where a full detection of a classroom frame takes hundreds.
   */
  async refreshFaces(frame: tf.Tensor3D, boxes: readonly Box[], margin = 1.1): Promise<(FaceDetection | null)[]> {
    if (boxes.length === 0) return [];
    const params = this.requireParams();
    const [height, width] = frame.shape;
    const crops: Candidate[] = boxes.map((b) => {
      const side = Math.max(b.width, b.height) * margin;
      const cx = b.x + b.width / 2;
      const cy = b.y + b.height / 2;
      return truncateBox({ x1: cx - side / 2, y1: cy - side / 2, x2: cx + side / 2, y2: cy + side / 2, score: 0 });
    });
    const out = tf.tidy(() => {
      const image = tf.expandDims<tf.Tensor4D>(tf.cast(frame, 'float32'), 0);
      const windows = crops.flatMap((c) => cropWindow(c, 48, height, width));
      const batch = tf.image.cropAndResize(
        image,
        tf.tensor2d(windows, [crops.length, 4]),
        tf.zeros<tf.Rank.R1>([crops.length], 'int32'),
        [48, 48],
        'bilinear',
        0,
      );
      return runOnet(batch, params.onet);
    });
    const values = await readAndDispose(out);
    return crops.map((crop, i) => {
      const at = i * 15;
      const score = sigmoid(values[at]!);
      if (!(score > this.options.thresholds[2])) return null;
      const b = regressBox({ ...crop, score }, readOffsets(values, at + 1), true);
      return {
        box: { x: b.x1, y: b.y1, width: b.x2 - b.x1, height: b.y2 - b.y1 },
        score,
        landmarks: landmarksFromOnet(crop, values, at + 5),
      };
    });
  }

  /**
   * Runs every net once on a blank frame of the given size, so that a WebGL backend compiles its shaders
   * before the first real frame. Defaults to 640×480.
   */
  async warmUp(width = 640, height = 480): Promise<void> {
    const params = this.requireParams();
    const blank = tf.zeros<tf.Rank.R3>([height, width, 3], 'int32');
    try {
      await this.detectFaces(blank);
      const outputs = tf.tidy(() => [
        runRnet(tf.zeros([1, 24, 24, 3]), params.rnet),
        runOnet(tf.zeros([1, 48, 48, 3]), params.onet),
      ]);
      await Promise.all(outputs.map((t) => t.data()));
      tf.dispose(outputs);
    } finally {
      blank.dispose();
    }
  }

  /** Frees the weights; the detector cannot be used afterwards. */
  dispose(): void {
    if (this.params) disposeMtcnnParams(this.params);
    this.params = null;
  }

  private requireParams(): MtcnnParams {
    if (!this.params) throw new Error('This MtcnnDetector was disposed; load a new one with MtcnnDetector.load().');
    return this.params;
  }

  /** P-Net over the pyramid: one read-back for all levels, NMS within and across levels, regression. */
  private async runStage1(image: tf.Tensor4D, params: MtcnnParams, opts: ResolvedMtcnnOptions): Promise<Candidate[]> {
    const [, height, width] = image.shape;
    const levels = computePyramid(height, width, opts.minFaceSize, opts.scaleFactor);
    this.levelsRun = levels.length;
    if (levels.length === 0) return [];
    const shapes: [number, number][] = [];
    const flat = tf.tidy(() => {
      const maps: tf.Tensor[] = [];
      let source: tf.Tensor4D = image;
      for (const level of levels) {
        // Each level is resized from the one before it: small bilinear steps alias far less than one jump.
        source = tf.image.resizeBilinear(source, [level.height, level.width], false, true);
        const out = runPnet(source, params.pnet);
        shapes.push([out.shape[1], out.shape[2]]);
        maps.push(tf.reshape(out, [-1]));
      }
      return tf.concat(maps);
    });
    let data: Float32Array;
    try {
      data = (await flat.data()) as Float32Array;
    } finally {
      flat.dispose();
    }
    const kept: Candidate[] = [];
    const keptOffsets: Offsets[] = [];
    let at = 0;
    levels.forEach((level, i) => {
      const [rows, cols] = shapes[i]!;
      const { boxes, offsets } = candidatesFromPnetMap(data, at, rows, cols, level.scale, opts.thresholds[0]);
      at += rows * cols * 5;
      for (const k of nonMaxSuppression(boxes, scoresOf(boxes), 0.5, 'union')) {
        kept.push(boxes[k]!);
        keptOffsets.push(offsets[k]!);
      }
    });
    return nonMaxSuppression(kept, scoresOf(kept), 0.7, 'union').map((k) =>
      truncateBox(squareBox(regressBox(kept[k]!, keptOffsets[k]!, false))),
    );
  }

  /** R-Net on 24×24 crops: rejects most candidates and refines the rest. */
  private async runStage2(
    image: tf.Tensor4D,
    params: MtcnnParams,
    boxes: Candidate[],
    threshold: number,
  ): Promise<Candidate[]> {
    const out = tf.tidy(() => runRnet(cropBoxes(image, boxes, 24), params.rnet));
    const values = await readAndDispose(out);
    const passed: Candidate[] = [];
    const offsets: Offsets[] = [];
    boxes.forEach((box, i) => {
      const score = sigmoid(values[i * 5]!);
      if (!(score > threshold)) return;
      passed.push({ ...box, score });
      offsets.push(readOffsets(values, i * 5 + 1));
    });
    return nonMaxSuppression(passed, scoresOf(passed), 0.7, 'union').map((k) =>
      truncateBox(squareBox(regressBox(passed[k]!, offsets[k]!, true))),
    );
  }

  /** O-Net on 48×48 crops: final scores, boxes and landmarks. */
  private async runStage3(
    image: tf.Tensor4D,
    params: MtcnnParams,
    boxes: Candidate[],
    threshold: number,
  ): Promise<FaceDetection[]> {
    const out = tf.tidy(() => runOnet(cropBoxes(image, boxes, 48), params.onet));
    const values = await readAndDispose(out);
    const regressed: Candidate[] = [];
    const faces: Omit<FaceDetection, 'box'>[] = [];
    boxes.forEach((box, i) => {
      const at = i * 15;
      const score = sigmoid(values[at]!);
      if (!(score > threshold)) return;
      faces.push({ score, landmarks: landmarksFromOnet(box, values, at + 5) });
      regressed.push(regressBox({ ...box, score }, readOffsets(values, at + 1), true));
    });
    return nonMaxSuppression(regressed, scoresOf(regressed), 0.7, 'min').map((k) => {
      const b = regressed[k]!;
      return {
        box: { x: b.x1, y: b.y1, width: b.x2 - b.x1, height: b.y2 - b.y1 },
        score: faces[k]!.score,
        landmarks: faces[k]!.landmarks,
      };
    });
  }
}

/** Frame to a float batch of one, downscaled where its longer side is over `maxInputSize`. */
function prepareImage(frame: tf.Tensor3D, maxInputSize: number): { image: tf.Tensor4D; sx: number; sy: number } {
  const [h, w] = frame.shape;
  const longer = Math.max(h, w);
  if (maxInputSize === 0 || longer <= maxInputSize) {
    return { image: tf.tidy(() => tf.expandDims(tf.cast(frame, 'float32'), 0)), sx: 1, sy: 1 };
  }
  const f = longer / maxInputSize;
  const th = Math.max(1, Math.round(h / f));
  const tw = Math.max(1, Math.round(w / f));
  const image = tf.tidy(() => {
    let x = tf.expandDims<tf.Tensor4D>(tf.cast(frame, 'float32'), 0);
    // Average whole blocks first, so the bilinear step that follows scales by less than 2.
    const block = Math.floor(f);
    if (block >= 2 && Math.floor(h / block) >= th && Math.floor(w / block) >= tw)
      x = tf.avgPool(x, block, block, 'valid');
    return tf.image.resizeBilinear(x, [th, tw], false, true);
  });
  return { image, sx: w / tw, sy: h / th };
}

/**
 * Crops every box from the image at `size`×`size`, as one batch. The original resized its crops with area
 * interpolation; bilinear sampling stands in for it: sampling at twice the size and averaging down (closer
 * to area) found the same dlib faces (42 of 43) and cost about 20 ms more a frame on wasm.
 */
function cropBoxes(image: tf.Tensor4D, boxes: readonly Candidate[], size: number): tf.Tensor4D {
  const [, height, width] = image.shape;
  const windows = boxes.flatMap((b) => cropWindow(b, size, height, width));
  return tf.image.cropAndResize(
    image,
    tf.tensor2d(windows, [boxes.length, 4]),
    tf.zeros<tf.Rank.R1>([boxes.length], 'int32'),
    [size, size],
    'bilinear',
    0,
  );
}

async function readAndDispose(t: tf.Tensor): Promise<Float32Array> {
  try {
    return (await t.data()) as Float32Array;
  } finally {
    t.dispose();
  }
}

function readOffsets(values: Float32Array, at: number): Offsets {
  return [values[at]!, values[at + 1]!, values[at + 2]!, values[at + 3]!];
}

function sigmoid(margin: number): number {
  return 1 / (1 + Math.exp(-margin));
}

function scoresOf(boxes: readonly Candidate[]): number[] {
  return boxes.map((b) => b.score);
}
