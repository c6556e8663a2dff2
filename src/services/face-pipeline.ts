/**
 * The face pipeline without the DOM: detector and embedder over a frame tensor, for the page, a worker and
 * the Node benchmarks alike. The browser's `FaceEngine` feeds it camera frames and photos and turns its
 * crops into JPEG files.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { FaceDetection } from '../core/types';
import type { MtcnnDetector } from '../detection';
import type { EmbeddingModelDescriptor, FaceEmbedder } from '../embedding';
import { cutFaceImages, FACE_IMAGE_SIZE } from '../embedding/face-image';
import { faceSharpness } from '../embedding/sharpness';

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
  constructor(
    readonly detector: MtcnnDetector,
    readonly embedder: FaceEmbedder,
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
      try {
        pixels = (await tf.tidy(() => tf.cast(tf.clipByValue(images, 0, 255), 'int32')).data()) as Int32Array;
      } finally {
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
    this.embedder.dispose();
  }
}
