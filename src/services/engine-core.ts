/**
 * The face engine itself: one tfjs backend, the detectors (MTCNN for photos and enrolment, the live one for
 * live frames) and the chosen embedding model, loaded once,
 * over plain frames (`ImageBitmap` in, plain data out; no DOM). It runs in the engine's Web Worker (see
 * `engine-worker.ts`) and, for comparison and where workers are missing, on the page (`face-engine.ts`).
 * Every method that takes a bitmap closes it.
 */
import { m } from '../paraglide/messages';
import * as tf from '@tensorflow/tfjs-core';
import type { ClassifierSnapshot } from '../classifier';
import { setAppBase } from '../core/app-base';
import { GpuLostError } from '../core/errors';
import { httpAssetReader, type AssetReader } from '../core/assets';
import type { FaceDetection } from '../core/types';
import { FaceEmbedder, networksOf, type EmbeddingModelDescriptor } from '../embedding';
import { DEFAULT_DETECTOR, DEFAULT_LIVE_DETECTOR, MtcnnDetector, type DetectorId } from '../detection';
import { loadFaceDetector, modelsUrl } from './detector';
import { enrolmentFace, photoFaces } from './face-choice';
import {
  FacePipeline,
  liveDetectOptions,
  type FaceChooser,
  type FrameAnalysis,
  type RawCapture,
  type SmallestFace,
} from './face-pipeline';
import { LiveSession, type LiveSessionOptions, type LiveStep } from './live-session';
import { importedModelReader } from './model-import';
import {
  loseWebglContext,
  selectBackend,
  singleThreadedWasm,
  webglContextLost,
  type BackendName,
  type BackendOptions,
  type BackendPreference,
} from './tf-backend';
import type { MeasuredBackend } from './backend-bench';

export interface EngineConfig {
  readonly preference: BackendPreference;
  readonly model: EmbeddingModelDescriptor;
  /** The app's address (`pageAppBase()`), where its model files are found. */
  readonly baseUrl: string;
  /** Rewrite clipped ReLUs into ReLU6 at load (see `embedding/relu6.ts`). Defaults to true. */
  readonly fuseRelu6?: boolean;
  /** The detector of live frames and the camera check (photos always use MTCNN). Defaults to `DEFAULT_LIVE_DETECTOR`. */
  readonly liveDetector?: DetectorId;
  /** Lose the WebGL context on purpose at the N-th frame (`?lose-webgl-after=N`, to check the fallback). */
  readonly loseWebglAfterFrames?: number;
  /** How `auto` picks the backend: the measurement kept for this device, or measure again (see `selectBackend`). */
  readonly backendOptions?: BackendOptions;
}

export interface EngineInfo {
  readonly backend: BackendName;
  /** Why this backend (and thread count), for the teacher; empty when the first choice simply worked. */
  readonly backendNote: string;
  /** WebAssembly threads (1 on the other backends). */
  readonly threads: number;
  readonly model: EmbeddingModelDescriptor;
  /** The detector of live frames. */
  readonly liveDetector: DetectorId;
  /** Where the engine runs: its own worker, or the page's thread. */
  readonly where: 'worker' | 'page';
  /** Time from the start of loading to the first detection done (warm-up included). */
  readonly startMs: number;
  /** Where `startMs` went, ms: the backend chosen and started, the models read and uploaded, the warm-up. */
  readonly startStages: { readonly backend: number; readonly models: number; readonly warmUp: number };
  /** The backend measurement the choice rests on (for the page to keep), and whether this start made it. */
  readonly measured: MeasuredBackend | null;
  readonly measuredNow: boolean;
}

/**
 * Which faces of a frame to cut out and embed: a photo's own face (see `photoFaces`), or the one face at
 * least `minFaceSize` wide before a camera (none where `exactlyOne` and there are more).
 */
export type CaptureRule =
  { readonly kind: 'photo' } | { readonly kind: 'camera'; readonly minFaceSize: number; readonly exactlyOne: boolean };

export interface FaceCapture extends Omit<RawCapture, 'pixels' | 'size'> {
  /** The model-independent face image, as a JPEG (`imageFace` holds the face in its pixels). */
  readonly image: Blob;
}

export interface LiveConfig {
  readonly classifier: ClassifierSnapshot;
  /** Students marked in the session already (never suggested). */
  readonly marked: readonly string[];
  readonly smallestFace: SmallestFace;
  readonly options?: LiveSessionOptions;
}

export interface LiveFrame extends LiveStep {
  readonly width: number;
  readonly height: number;
  /** The whole frame, from the bitmap to the decisions. */
  readonly ms: number;
  /** The backend the frame ran on, as tfjs reports it. */
  readonly backend: string;
  readonly tensors: number;
}

export interface EngineMemory {
  readonly tensors: number;
  readonly bytes: number;
}

function chooserOf(rule: CaptureRule): FaceChooser {
  if (rule.kind === 'photo') return photoFaces;
  return (faces) => {
    const near = faces.filter((f) => f.box.width >= rule.minFaceSize);
    if (!rule.exactlyOne) return near;
    return enrolmentFace(faces, { minFaceSize: rule.minFaceSize });
  };
}

async function toJpeg(pixels: Uint8ClampedArray<ArrayBuffer>, size: number): Promise<Blob> {
  const canvas = new OffscreenCanvas(size, size);
  const ctx = canvas.getContext('2d')!;
  ctx.putImageData(new ImageData(pixels, size, size), 0, 0);
  return canvas.convertToBlob({ type: 'image/jpeg', quality: 0.9 });
}

export class EngineCore {
  private live: { session: LiveSession; marked: Set<string>; smallestFace: SmallestFace } | null = null;

  /** Frames left until the WebGL context is lost on purpose (see `EngineConfig.loseWebglAfterFrames`). */
  private loseWebglIn: number | null;

  private constructor(
    private readonly pipeline: FacePipeline,
    readonly info: EngineInfo,
    loseWebglAfterFrames: number | undefined,
  ) {
    this.loseWebglIn = loseWebglAfterFrames ?? null;
  }

  static async start(config: EngineConfig, where: EngineInfo['where']): Promise<EngineCore> {
    const started = performance.now();
    setAppBase(config.baseUrl);
    if (where === 'page') singleThreadedWasm();
    const choice = await selectBackend(config.preference, config.backendOptions);
    const backendReady = performance.now();
    // An imported network (FaceNet) comes from the browser's storage, or failing that from the build.
    const readers = new Map<string, AssetReader>();
    for (const network of networksOf(config.model)) {
      const imported = network.imported && network.format === 'graph-model' ? await importedModelReader(network) : null;
      readers.set(network.id, imported ?? httpAssetReader(modelsUrl(network.folder)));
    }
    const liveDetector = config.liveDetector ?? DEFAULT_LIVE_DETECTOR;
    const [detector, embedder] = await Promise.all([
      loadFaceDetector(DEFAULT_DETECTOR),
      FaceEmbedder.load(config.model, (network) => readers.get(network.id)!, { fuseRelu6: config.fuseRelu6 ?? true }),
    ]);
    // The live detector borrows the photos' MTCNN (BlazeFace's O-Net) instead of loading it again.
    const live =
      liveDetector === DEFAULT_DETECTOR
        ? detector
        : await loadFaceDetector(liveDetector, detector instanceof MtcnnDetector ? { mtcnn: detector } : {});
    const modelsReady = performance.now();
    await embedder.warmUp();
    const done = performance.now();
    const info: EngineInfo = {
      backend: choice.backend,
      backendNote: choice.note,
      threads: choice.threads,
      model: config.model,
      liveDetector,
      where,
      startMs: Math.round(done - started),
      startStages: {
        backend: Math.round(backendReady - started),
        models: Math.round(modelsReady - backendReady),
        warmUp: Math.round(done - modelsReady),
      },
      measured: choice.measured,
      measuredNow: choice.measuredNow,
    };
    return new EngineCore(new FacePipeline(detector, embedder, live), info, config.loseWebglAfterFrames);
  }

  /** The faces in a frame, as live attendance's detector finds them (the camera check). */
  async detect(bitmap: ImageBitmap): Promise<FrameAnalysis<FaceDetection>> {
    return this.withFrame(bitmap, async (frame) => {
      const started = performance.now();
      const faces = await this.pipeline.live.detectFaces(frame);
      const ms = performance.now() - started;
      return { width: frame.shape[1], height: frame.shape[0], faces, ms, stages: { detectMs: ms, embedMs: 0 } };
    });
  }

  /**
   * Runs the live path once on a blank `width`×`height` frame (a full detection with the `smallest` setting,
   * then the follow-up refresh of one face), so that WebGL compiles its shaders for the camera's sizes now
   * and not in the first lesson (the browser keeps compiled shaders on disk between visits). Returns ms.
   */
  async warmUpLive(width: number, height: number, smallest: SmallestFace): Promise<number> {
    const started = performance.now();
    const frame = tf.zeros<tf.Rank.R3>([height, width, 3], 'int32');
    try {
      const detector = this.pipeline.live;
      await detector.detectFaces(frame, liveDetectOptions(width, height, smallest));
      const side = Math.round(Math.min(width, height) / 4);
      const box = { x: (width - side) / 2, y: (height - side) / 2, width: side, height: side };
      await detector.refreshFaces(frame, [box]);
    } finally {
      frame.dispose();
    }
    return Math.round(performance.now() - started);
  }

  /** Every face in the frame, and for those `rule` chooses what an enrolment sample needs. */
  async capture(
    bitmap: ImageBitmap,
    rule: CaptureRule,
  ): Promise<FrameAnalysis<FaceDetection> & { captures: FaceCapture[] }> {
    const result = await this.withFrame(bitmap, (frame) => this.pipeline.capture(frame, chooserOf(rule)));
    const captures = await Promise.all(
      result.captures.map(async ({ pixels, size, ...rest }) => ({ ...rest, image: await toJpeg(pixels, size) })),
    );
    return { ...result, captures };
  }

  /**
   * The embedding of a stored sample's face image: cut from `face` where known, else from the largest face
   * found in the image; null where none is.
   */
  async embedStoredFace(image: Blob, face: FaceDetection | null): Promise<Float32Array | null> {
    const bitmap = await createImageBitmap(image);
    return this.withFrame(bitmap, (frame) => this.pipeline.embedStoredFace(frame, face));
  }

  /** Starts a live session (one at a time: a new one replaces the last). */
  startLive(config: LiveConfig): void {
    const marked = new Set(config.marked);
    const session = new LiveSession(
      config.classifier,
      this.info.model.id,
      (id) => marked.has(id),
      config.options ?? {},
    );
    this.live = { session, marked, smallestFace: config.smallestFace };
  }

  /** The students marked in the session now (by the camera, the teacher or a confirmation). */
  setMarked(studentIds: readonly string[]): void {
    if (!this.live) return;
    this.live.marked.clear();
    for (const id of studentIds) this.live.marked.add(id);
  }

  /** The teacher says the face of track `trackId` is not `studentId`. */
  reject(trackId: number, studentId: string): void {
    this.live?.session.reject(trackId, studentId);
  }

  /** One camera frame of the live session, taken at `now` (the page's clock, ms). */
  async liveFrame(bitmap: ImageBitmap, now: number): Promise<LiveFrame> {
    const live = this.live;
    if (!live) {
      bitmap.close();
      throw new Error('No live session: call startLive() first.');
    }
    const started = performance.now();
    const { width, height } = bitmap;
    const step = await this.withFrame(bitmap, (frame) =>
      live.session.frame(
        this.pipeline.frameWork(frame, liveDetectOptions(frame.shape[1], frame.shape[0], live.smallestFace)),
        now,
      ),
    );
    for (const r of step.newlyRecognised) live.marked.add(r.studentId);
    return {
      ...step,
      width,
      height,
      ms: performance.now() - started,
      backend: tf.getBackend(),
      tensors: tf.memory().numTensors,
    };
  }

  stopLive(): void {
    this.live = null;
  }

  memory(): EngineMemory {
    const m = tf.memory();
    return { tensors: m.numTensors, bytes: m.numBytes };
  }

  dispose(): void {
    this.live = null;
    this.pipeline.dispose();
  }

  /**
   * Runs `use` on the bitmap as a frame tensor, then closes both. On WebGL, a context lost before, during or
   * after the work is a `GpuLostError`, whatever the work returned or threw: its figures cannot be trusted.
   */
  private async withFrame<T>(bitmap: ImageBitmap, use: (frame: tf.Tensor3D) => Promise<T>): Promise<T> {
    let frame: tf.Tensor3D | null = null;
    try {
      if (this.loseWebglIn !== null && --this.loseWebglIn <= 0) {
        this.loseWebglIn = null;
        loseWebglContext();
      }
      if (webglContextLost()) throw gpuLost();
      frame = tf.browser.fromPixels(bitmap);
      const result = await use(frame);
      if (webglContextLost()) throw gpuLost();
      return result;
    } catch (error) {
      throw webglContextLost() && !(error instanceof GpuLostError) ? gpuLost(error) : error;
    } finally {
      frame?.dispose();
      bitmap.close();
    }
  }
}

function gpuLost(cause?: unknown): GpuLostError {
  return new GpuLostError(m.gpu_lost_error(), { cause });
}
