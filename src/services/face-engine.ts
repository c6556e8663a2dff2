/**
 * The app's face engine, as the screens use it: plain frames in (`ImageBitmap`s, handed over, never copied),
 * plain data out. Two implementations of one interface: `WorkerFaceEngine` runs the engine (`EngineCore`) in
 * a dedicated Web Worker, so the page's thread only draws and writes; `LocalFaceEngine` runs it on the
 * page's thread (where a worker cannot start, and as the before/after anchor of `npm run bench:live`).
 * Errors thrown in the worker arrive as the app's own classes (`ModelLoadError`, …).
 */
import { m } from '../paraglide/messages';
import { getLocale } from '../paraglide/runtime';
import { transfer, wrap, type Remote } from 'comlink';
import '../core/worker-errors';
import type { FaceDetection } from '../core/types';
import type {
  EngineCore,
  CaptureRule,
  EngineConfig,
  EngineInfo,
  EngineMemory,
  FaceCapture,
  LiveConfig,
  LiveFrame,
} from './engine-core';
import type { EngineWorkerApi } from './engine-worker';
import type { FrameAnalysis, SmallestFace } from './face-pipeline';

export interface FaceEngine {
  readonly info: EngineInfo;
  /** The faces in a frame (the camera check). */
  detect(frame: ImageBitmap): Promise<FrameAnalysis<FaceDetection>>;
  /** Every face in the frame, and for those `rule` chooses what an enrolment sample needs. */
  capture(frame: ImageBitmap, rule: CaptureRule): Promise<FrameAnalysis<FaceDetection> & { captures: FaceCapture[] }>;
  /** A stored sample's embedding from the engine's model (null where no face is found in it). */
  embedStoredFace(image: Blob, face: FaceDetection | null): Promise<Float32Array | null>;
  startLive(config: LiveConfig): Promise<void>;
  setMarked(studentIds: readonly string[]): Promise<void>;
  reject(trackId: number, studentId: string): Promise<void>;
  liveFrame(frame: ImageBitmap, now: number): Promise<LiveFrame>;
  stopLive(): Promise<void>;
  /** Runs the live path once on a blank frame of the camera's size (shaders compiled before the lesson); ms. */
  warmUpLive(width: number, height: number, smallest: SmallestFace): Promise<number>;
  memory(): Promise<EngineMemory>;
  dispose(): void;
}

/** The engine on the page's own thread. */
export class LocalFaceEngine implements FaceEngine {
  private constructor(
    private readonly core: EngineCore,
    readonly info: EngineInfo,
  ) {}

  /** `note` is added to the backend note (why the engine runs here). */
  static async start(config: EngineConfig, note = ''): Promise<LocalFaceEngine> {
    // Loaded only when asked for: the page's own bundle then carries no tfjs.
    const { EngineCore } = await import('./engine-core');
    const core = await EngineCore.start(config, 'page');
    const backendNote = [core.info.backendNote, note].filter(Boolean).join(' ');
    return new LocalFaceEngine(core, { ...core.info, backendNote });
  }

  detect(frame: ImageBitmap) {
    return this.core.detect(frame);
  }

  capture(frame: ImageBitmap, rule: CaptureRule) {
    return this.core.capture(frame, rule);
  }

  embedStoredFace(image: Blob, face: FaceDetection | null) {
    return this.core.embedStoredFace(image, face);
  }

  startLive(config: LiveConfig): Promise<void> {
    return Promise.resolve(this.core.startLive(config));
  }

  setMarked(studentIds: readonly string[]): Promise<void> {
    return Promise.resolve(this.core.setMarked(studentIds));
  }

  reject(trackId: number, studentId: string): Promise<void> {
    return Promise.resolve(this.core.reject(trackId, studentId));
  }

  liveFrame(frame: ImageBitmap, now: number) {
    return this.core.liveFrame(frame, now);
  }

  stopLive(): Promise<void> {
    return Promise.resolve(this.core.stopLive());
  }

  warmUpLive(width: number, height: number, smallest: SmallestFace): Promise<number> {
    return this.core.warmUpLive(width, height, smallest);
  }

  memory(): Promise<EngineMemory> {
    return Promise.resolve(this.core.memory());
  }

  dispose(): void {
    this.core.dispose();
  }
}

/** The engine in its own worker; every call is a message, every frame handed over. */
export class WorkerFaceEngine implements FaceEngine {
  private constructor(
    private readonly worker: Worker,
    private readonly remote: Remote<EngineWorkerApi>,
    readonly info: EngineInfo,
  ) {}

  static async start(config: EngineConfig): Promise<WorkerFaceEngine> {
    const worker = new Worker(new URL('./engine-worker.ts', import.meta.url), { type: 'module', name: 'face-engine' });
    const failed = new Promise<never>((_, reject) => {
      worker.addEventListener('error', (event) => {
        reject(new Error(m.engine_worker_failed({ detail: event.message || '—' })));
      });
    });
    const remote = wrap<EngineWorkerApi>(worker);
    try {
      const info = await Promise.race([remote.start(config, getLocale()), failed]);
      return new WorkerFaceEngine(worker, remote, info);
    } catch (error) {
      worker.terminate();
      throw error;
    }
  }

  detect(frame: ImageBitmap) {
    return this.remote.detect(transfer(frame, [frame]));
  }

  capture(frame: ImageBitmap, rule: CaptureRule) {
    return this.remote.capture(transfer(frame, [frame]), rule);
  }

  embedStoredFace(image: Blob, face: FaceDetection | null) {
    return this.remote.embedStoredFace(image, face);
  }

  startLive(config: LiveConfig) {
    return this.remote.startLive(config);
  }

  setMarked(studentIds: readonly string[]) {
    return this.remote.setMarked([...studentIds]);
  }

  reject(trackId: number, studentId: string) {
    return this.remote.reject(trackId, studentId);
  }

  liveFrame(frame: ImageBitmap, now: number) {
    return this.remote.liveFrame(transfer(frame, [frame]), now);
  }

  stopLive() {
    return this.remote.stopLive();
  }

  warmUpLive(width: number, height: number, smallest: SmallestFace) {
    return this.remote.warmUpLive(width, height, smallest);
  }

  memory() {
    return this.remote.memory();
  }

  dispose(): void {
    void this.remote.dispose().finally(() => this.worker.terminate());
  }
}

export type EngineWhere = EngineInfo['where'];

/**
 * Starts the engine in a worker (or on the page when asked, or where the worker fails to start: then
 * `info.backendNote` says so).
 */
export async function startFaceEngine(config: EngineConfig, where: EngineWhere = 'worker'): Promise<FaceEngine> {
  if (where === 'page' || typeof Worker === 'undefined') return LocalFaceEngine.start(config);
  try {
    return await WorkerFaceEngine.start(config);
  } catch (error) {
    // A model that cannot load fails the same way on the page: say so instead of trying again.
    if (error instanceof Error && error.name === 'ModelLoadError') throw error;
    const why = `The face engine runs on the page's thread (its worker failed: ${error instanceof Error ? error.message : String(error)}); the page may be slow to respond while it works.`;
    return LocalFaceEngine.start(config, why);
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
export type { CaptureRule, EngineInfo, FaceCapture, LiveConfig, LiveFrame } from './engine-core';
export type { FrameAnalysis } from './face-pipeline';
