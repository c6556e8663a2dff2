/**
 * The app's face engine: one tfjs backend, the MTCNN detector and the chosen embedding model, loaded once
 * and shared by enrolment and live attendance. It turns a video frame or a photo into faces, aligned
 * crops (as JPEG), sharpness figures and embeddings.
 */
import * as tf from '@tensorflow/tfjs-core';
import { httpAssetReader, type AssetReader } from '../core/assets';
import type { FaceDetection } from '../core/types';
import type { MtcnnDetector } from '../detection';
import { FaceEmbedder, networksOf, type EmbeddingModelDescriptor } from '../embedding';
import { loadFaceDetector, modelsUrl } from './detector';
import {
  FacePipeline,
  type AnalysedFace,
  type FaceChooser,
  type FrameAnalysis,
  type RawCapture,
} from './face-pipeline';
import { importedModelReader } from './model-import';
import { selectBackend, type BackendName, type BackendPreference } from './tf-backend';

export type FrameSource = HTMLVideoElement | HTMLImageElement | HTMLCanvasElement | ImageBitmap;

export interface FaceCapture extends Omit<RawCapture, 'pixels' | 'size'> {
  /** The model-independent face image, as a JPEG (`imageFace` holds the face in its pixels). */
  readonly image: Blob;
}

async function toJpeg(pixels: Uint8ClampedArray<ArrayBuffer>, size: number): Promise<Blob> {
  const canvas = new OffscreenCanvas(size, size);
  const ctx = canvas.getContext('2d')!;
  ctx.putImageData(new ImageData(pixels, size, size), 0, 0);
  return canvas.convertToBlob({ type: 'image/jpeg', quality: 0.9 });
}

export class FaceEngine {
  private constructor(
    readonly backend: BackendName,
    /** Why this backend, for the teacher; empty when the first choice worked. */
    readonly backendNote: string,
    private readonly pipeline: FacePipeline,
  ) {}

  static async start(preference: BackendPreference, descriptor: EmbeddingModelDescriptor): Promise<FaceEngine> {
    const choice = await selectBackend(preference);
    // An imported network (FaceNet) comes from the browser's storage, or failing that from the build.
    const readers = new Map<string, AssetReader>();
    for (const network of networksOf(descriptor)) {
      const imported = network.imported && network.format === 'graph-model' ? await importedModelReader(network) : null;
      readers.set(network.id, imported ?? httpAssetReader(modelsUrl(network.folder)));
    }
    const [detector, embedder] = await Promise.all([
      loadFaceDetector(),
      FaceEmbedder.load(descriptor, (network) => readers.get(network.id)!),
    ]);
    await embedder.warmUp();
    return new FaceEngine(choice.backend, choice.note, new FacePipeline(detector, embedder));
  }

  /** The detector alone, for the camera check. */
  get detector(): MtcnnDetector {
    return this.pipeline.detector;
  }

  get model(): EmbeddingModelDescriptor {
    return this.pipeline.model;
  }

  /** Faces in the frame, each with its embedding when `embed` is set. */
  async analyse(source: FrameSource, embed: boolean): Promise<FrameAnalysis<AnalysedFace>> {
    const frame = tf.browser.fromPixels(source);
    try {
      return await this.pipeline.analyse(frame, embed);
    } finally {
      frame.dispose();
    }
  }

  /**
   * Every face in the frame with what an enrolment sample needs: embedding, JPEG crop, sharpness and size.
   * Only faces that `keep` chooses are cropped and embedded.
   */
  async capture(
    source: FrameSource,
    keep: FaceChooser,
  ): Promise<FrameAnalysis<FaceDetection> & { captures: FaceCapture[] }> {
    const frame = tf.browser.fromPixels(source);
    try {
      const result = await this.pipeline.capture(frame, keep);
      const captures = await Promise.all(
        result.captures.map(async ({ pixels, size, ...rest }) => ({ ...rest, image: await toJpeg(pixels, size) })),
      );
      return { ...result, captures };
    } finally {
      frame.dispose();
    }
  }

  /**
   * The embedding of a stored sample's face image from the engine's model: cut from `face` where known,
   * else from the largest face found in the image; null where none is.
   */
  async embedStoredFace(image: Blob, face: FaceDetection | null): Promise<Float32Array | null> {
    const bitmap = await createImageBitmap(image);
    try {
      const frame = tf.browser.fromPixels(bitmap);
      try {
        return await this.pipeline.embedStoredFace(frame, face);
      } finally {
        frame.dispose();
      }
    } finally {
      bitmap.close();
    }
  }

  dispose(): void {
    this.pipeline.dispose();
  }
}

export { decodePhoto } from './photos';
export {
  DEFAULT_EMBEDDING_MODEL,
  EMBEDDING_MODELS,
  embeddingModelById,
  type EmbeddingModelDescriptor,
  type GraphModelDescriptor,
} from '../embedding';
export type { AnalysedFace, FrameAnalysis } from './face-pipeline';
