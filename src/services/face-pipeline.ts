/**
 * The face pipeline without the DOM: detector and embedder over a frame tensor, for the page, a worker and
 * the Node benchmarks alike. The browser's `FaceEngine` feeds it camera frames and photos and turns its
 * crops into JPEG files.
 */
import { faceGreys } from './picture-grey';
import * as tf from '@tensorflow/tfjs-core';
import type { FaceDetection } from '../core/types';
import type { DetectOptions, FaceDetector } from '../detection';
import type { EmbeddingModelDescriptor, FaceEmbedder } from '../embedding';
import { cutFaceImages, FACE_IMAGE_SIZE } from '../embedding/face-image';
import { faceSharpness } from '../embedding/sharpness';
import type { FrameWork } from './live-session';

/** How far from the camera the smallest face to find sits, in the teacher's words (Settings). */
export type SmallestFace = 'near' | 'middle' | 'back';

/** The smallest face to find live, as a share of the frame's width. */
export const SMALLEST_FACE_SHARE: Readonly<Record<SmallestFace, number>> = {
  near: 1 / 12,
  middle: 1 / 40,
  back: 1 / 64,
};

/** P-Net finds faces down to this size well; live frames are taken down until the smallest face is this big. */
const PYRAMID_FACE = 20;

/**
 * Detection options for live frames of `width`×`height`: the smallest face from the setting, and the frame
 * taken down for the pyramid until that face is about 20 px (a 1280×720 camera with faces from 32 px runs its
 * pyramid at 800×450: about a third of the work). Boxes still come in the frame's own pixels.
 */
export function liveDetectOptions(width: number, height: number, smallest: SmallestFace): DetectOptions {
  const minFace = Math.max(PYRAMID_FACE, Math.round(width * SMALLEST_FACE_SHARE[smallest]));
  const longer = Math.max(width, height);
  return { minFaceSize: PYRAMID_FACE, maxInputSize: Math.max(48, Math.round((longer * PYRAMID_FACE) / minFace)) };
}

export interface AnalysedFace {
  readonly detection: FaceDetection;
  /** L2-normalised embedding from the engine's model; empty when not asked for. */
  readonly embedding: Float32Array;
}

/** A face cut out for an enrolment sample, before it is encoded. */
export interface RawCapture {
  /** The face in the frame (landmarks refined). */
  readonly detection: FaceDetection;
  readonly embedding: Float32Array;
  /** The model-independent face image (see `embedding/face-image.ts`): `size`×`size` RGBA pixels. */
  readonly pixels: Uint8ClampedArray<ArrayBuffer>;
  readonly size: number;
  /** The face's detection in the face image's pixels, to cut any model's crop from it later. */
  readonly imageFace: FaceDetection;
  /**
   * Sharpness of the face in the frame's own pixels, relative to a sharp face of its size (about 1 for a
   * sharp photo; see `embedding/sharpness.ts`).
   */
  readonly sharpness: number;
  /** Width of the face box in frame pixels. */
  readonly faceSize: number;
}

export interface FrameAnalysis<F> {
  readonly width: number;
  readonly height: number;
  readonly faces: readonly F[];
  /** Time the whole call took. */
  readonly ms: number;
  /** Of which detection and embedding (with alignment). */
  readonly stages: { readonly detectMs: number; readonly embedMs: number };
}

/** Chooses, from a frame's detections, the faces to cut out and embed. */
export type FaceChooser = (faces: readonly FaceDetection[], width: number, height: number) => readonly FaceDetection[];

export class FacePipeline {
  /**
   * `detector` finds the faces of photos and enrolment frames (thorough: time matters less there); `live`
   * those of live frames (fast; by default the same one).
   */
  constructor(
    readonly detector: FaceDetector,
    readonly embedder: FaceEmbedder,
    readonly live: FaceDetector = detector,
  ) {}

  get model(): EmbeddingModelDescriptor {
    return this.embedder.descriptor;
  }

  /** Faces in the frame ([height, width, 3], 0..255; the caller keeps it), each embedded when `embed` is set. */
  async analyse(frame: tf.Tensor3D, embed: boolean): Promise<FrameAnalysis<AnalysedFace>> {
    const started = performance.now();
    const detections = await this.detector.detectFaces(frame);
    const detected = performance.now();
    const embeddings = embed ? await this.embedder.embedFaces(frame, detections) : [];
    const done = performance.now();
    return {
      width: frame.shape[1],
      height: frame.shape[0],
      faces: detections.map((detection, i) => ({ detection, embedding: embeddings[i] ?? new Float32Array(0) })),
      ms: done - started,
      stages: { detectMs: detected - started, embedMs: done - detected },
    };
  }

  /**
   * The live session's work on one frame ([height, width, 3]; the caller keeps it): full detection with
   * `detect` by the live detector, faces followed by O-Net alone, embeddings, and the frame's signature (24×32 or so grey cells).
   */
  frameWork(frame: tf.Tensor3D, detect: DetectOptions): FrameWork {
    return {
      detect: () => this.live.detectFaces(frame, detect),
      refresh: (boxes) => this.live.refreshFaces(frame, boxes),
      embed: (faces) => this.embedder.embedFaces(frame, faces),
      greys: (faces) => faceGreys(frame, faces),
      signature: async () => {
        const [h, w] = frame.shape;
        const cell = [Math.max(1, Math.floor(h / 18)), Math.max(1, Math.floor(w / 32))] as [number, number];
        const grey = tf.tidy(() =>
          tf.avgPool(tf.expandDims<tf.Tensor4D>(tf.mean(tf.cast(frame, 'float32'), 2, true), 0), cell, cell, 'valid'),
        );
        try {
          return (await grey.data()) as Float32Array;
        } finally {
          grey.dispose();
        }
      },
    };
  }

  /**
   * Every face in the frame, and for the faces `keep` chooses what an enrolment sample needs: embedding,
   * aligned crop, sharpness and size.
   */
  async capture(
    frame: tf.Tensor3D,
    keep: FaceChooser,
  ): Promise<FrameAnalysis<FaceDetection> & { captures: RawCapture[] }> {
    const started = performance.now();
    const detections = await this.detector.detectFaces(frame);
    const detected = performance.now();
    const width = frame.shape[1];
    const height = frame.shape[0];
    // Landmarks averaged over several O-Net passes: the crop then hardly depends on the photo's resolution.
    const chosen = await this.detector.refineLandmarks(frame, keep(detections, width, height));
    const captures: RawCapture[] = [];
    if (chosen.length > 0) {
      const sharpness = await Promise.all(chosen.map((face) => faceSharpness(frame, face)));
      const embeddings = await this.embedder.embedFaces(frame, chosen);
      const { images, detections: imageFaces } = cutFaceImages(frame, chosen);
      let pixels: Int32Array;
      const ints = tf.tidy(() => tf.cast(tf.clipByValue(images, 0, 255), 'int32'));
      try {
        pixels = (await ints.data()) as Int32Array;
      } finally {
        ints.dispose();
        images.dispose();
      }
      const size = FACE_IMAGE_SIZE;
      for (let i = 0; i < chosen.length; i++) {
        const rgba = new Uint8ClampedArray(size * size * 4);
        for (let p = 0; p < size * size; p++) {
          const at = (i * size * size + p) * 3;
          rgba[p * 4] = pixels[at]!;
          rgba[p * 4 + 1] = pixels[at + 1]!;
          rgba[p * 4 + 2] = pixels[at + 2]!;
          rgba[p * 4 + 3] = 255;
        }
        captures.push({
          detection: chosen[i]!,
          embedding: embeddings[i]!,
          pixels: rgba,
          size,
          imageFace: imageFaces[i]!,
          sharpness: sharpness[i]!.relative,
          faceSize: chosen[i]!.box.width,
        });
      }
    }
    const done = performance.now();
    return {
      width,
      height,
      faces: detections,
      captures,
      ms: done - started,
      stages: { detectMs: detected - started, embedMs: done - detected },
    };
  }

  /**
   * The embedding of a stored face image (see `embedding/face-image.ts`): cut from `face` where known, else
   * from the largest face found in it; null where none is.
   */
  async embedStoredFace(image: tf.Tensor3D, face: FaceDetection | null): Promise<Float32Array | null> {
    const found = face ?? [...(await this.detector.detectFaces(image))].sort((a, b) => b.box.width - a.box.width)[0];
    if (!found) return null;
    const [embedding] = await this.embedder.embedFaces(image, [found]);
    return embedding ?? null;
  }

  dispose(): void {
    this.detector.dispose();
    if (this.live !== this.detector) this.live.dispose();
    this.embedder.dispose();
  }
}
