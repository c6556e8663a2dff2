/**
 * The app's face engine: one tfjs backend, the MTCNN detector and the chosen embedding model, loaded once
 * and shared by enrolment and live attendance. It turns a video frame or a photo into faces, aligned
 * crops (as JPEG), sharpness figures and embeddings.
 */
import * as tf from '@tensorflow/tfjs-core';
import { httpAssetReader } from '../core/assets';
import { ImageDecodeError } from '../core/errors';
import type { FaceDetection } from '../core/types';
import type { MtcnnDetector } from '../detection';
import { embeddingModelById, FaceEmbedder, type EmbeddingModelDescriptor } from '../embedding';
import { loadFaceDetector, modelsUrl } from './detector';
import { importedModelReader } from './model-import';
import { selectBackend, type BackendName, type BackendPreference } from './tf-backend';

export type FrameSource = HTMLVideoElement | HTMLImageElement | HTMLCanvasElement | ImageBitmap;

export interface AnalysedFace {
  readonly detection: FaceDetection;
  /** L2-normalised embedding from the engine's model; empty when not asked for. */
  readonly embedding: Float32Array;
}

export interface FaceCapture {
  readonly detection: FaceDetection;
  readonly embedding: Float32Array;
  /** The aligned face as the model sees it, as a JPEG. */
  readonly crop: Blob;
  /** Variance of the Laplacian of the grey crop: higher is sharper. */
  readonly sharpness: number;
  /** Width of the face box in frame pixels. */
  readonly faceSize: number;
}

export interface FrameAnalysis<F> {
  readonly width: number;
  readonly height: number;
  readonly faces: readonly F[];
  readonly ms: number;
}

/** The sharpness figure of aligned crops ([n, s, s, 3], 0..255): the variance of the grey image's Laplacian. */
function laplacianVariance(crops: tf.Tensor4D): tf.Tensor1D {
  return tf.tidy(() => {
    const grey = tf.mean<tf.Tensor4D>(crops, 3, true);
    const kernel = tf.tensor4d([0, 1, 0, 1, -4, 1, 0, 1, 0], [3, 3, 1, 1]);
    const lap = tf.conv2d(grey, kernel, 1, 'valid');
    return tf.moments(lap, [1, 2, 3]).variance as tf.Tensor1D;
  });
}

async function toJpeg(pixels: Uint8ClampedArray<ArrayBuffer>, size: number): Promise<Blob> {
  const canvas = new OffscreenCanvas(size, size);
  const ctx = canvas.getContext('2d')!;
  ctx.putImageData(new ImageData(pixels, size, size), 0, 0);
  return canvas.convertToBlob({ type: 'image/jpeg', quality: 0.88 });
}

export class FaceEngine {
  private constructor(
    readonly backend: BackendName,
    /** Why this backend, for the teacher; empty when the first choice worked. */
    readonly backendNote: string,
    private faceDetector: MtcnnDetector,
    private embedder: FaceEmbedder,
  ) {}

  static async start(preference: BackendPreference, modelId: string): Promise<FaceEngine> {
    const choice = await selectBackend(preference);
    const descriptor = embeddingModelById(modelId);
    // An imported model (FaceNet) comes from the browser's storage, or failing that from the build.
    const read =
      (descriptor.imported ? await importedModelReader(descriptor) : null) ??
      httpAssetReader(modelsUrl(descriptor.folder));
    const [detector, embedder] = await Promise.all([loadFaceDetector(), FaceEmbedder.load(descriptor, read)]);
    await embedder.warmUp();
    return new FaceEngine(choice.backend, choice.note, detector, embedder);
  }

  /** The detector alone, for the camera check. */
  get detector(): MtcnnDetector {
    return this.faceDetector;
  }

  get model(): EmbeddingModelDescriptor {
    return this.embedder.descriptor;
  }

  /** Faces in the frame, each with its embedding when `embed` is set. */
  async analyse(source: FrameSource, embed: boolean): Promise<FrameAnalysis<AnalysedFace>> {
    const started = performance.now();
    const frame = tf.browser.fromPixels(source);
    try {
      const detections = await this.faceDetector.detectFaces(frame);
      const embeddings = embed ? await this.embedder.embedFaces(frame, detections) : [];
      return {
        width: frame.shape[1],
        height: frame.shape[0],
        faces: detections.map((detection, i) => ({ detection, embedding: embeddings[i] ?? new Float32Array(0) })),
        ms: performance.now() - started,
      };
    } finally {
      frame.dispose();
    }
  }

  /**
   * Every face in the frame with what an enrolment sample needs: embedding, JPEG crop, sharpness and size.
   * Only faces for which `keep` (given the detection) is true are cropped and embedded.
   */
  async capture(
    source: FrameSource,
    keep: (faces: readonly FaceDetection[], width: number, height: number) => readonly FaceDetection[],
  ): Promise<FrameAnalysis<FaceDetection> & { captures: FaceCapture[] }> {
    const started = performance.now();
    const frame = tf.browser.fromPixels(source);
    try {
      const detections = await this.faceDetector.detectFaces(frame);
      const width = frame.shape[1];
      const height = frame.shape[0];
      const chosen = keep(detections, width, height);
      const captures: FaceCapture[] = [];
      if (chosen.length > 0) {
        const crops = this.embedder.alignFaces(frame, chosen);
        try {
          const size = crops.shape[1];
          const [embeddings, sharpness, pixels] = await Promise.all([
            this.embedder.embedAligned(crops),
            laplacianVariance(crops).data(),
            tf.tidy(() => tf.cast(tf.clipByValue(crops, 0, 255), 'int32')).data(),
          ]);
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
              crop: await toJpeg(rgba, size),
              sharpness: sharpness[i]!,
              faceSize: chosen[i]!.box.width,
            });
          }
        } finally {
          crops.dispose();
        }
      }
      return { width, height, faces: detections, captures, ms: performance.now() - started };
    } finally {
      frame.dispose();
    }
  }

  dispose(): void {
    this.faceDetector.dispose();
    this.embedder.dispose();
  }
}

/** Decodes a photo the teacher picked; a broken or unsupported file gives an `ImageDecodeError` naming it. */
export async function decodePhoto(file: File): Promise<ImageBitmap> {
  try {
    return await createImageBitmap(file);
  } catch (cause) {
    throw new ImageDecodeError(
      file.name,
      `"${file.name}" could not be read as a picture (damaged, or not a JPEG/PNG/WebP photo). Pick another file.`,
      { cause },
    );
  }
}

export { EMBEDDING_MODELS, type EmbeddingModelDescriptor } from '../embedding';
