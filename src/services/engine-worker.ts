/// <reference lib="webworker" />
/**
 * The face engine's Web Worker: holds the tfjs backend, the detector and the embedder (`EngineCore`) and
 * answers the page through comlink. Frames arrive as transferred `ImageBitmap`s; answers are plain data.
 */
import { expose } from 'comlink';
import { isLocale, setLocale } from '../paraglide/runtime';
import '../core/worker-errors';
import type { FaceDetection } from '../core/types';
import type { SmallestFace } from './face-pipeline';
import { EngineCore, type CaptureRule, type EngineConfig, type EngineInfo, type LiveConfig } from './engine-core';

let core: EngineCore | null = null;

function engine(): EngineCore {
  if (!core) throw new Error('The face engine is not started in this worker.');
  return core;
}

const api = {
  /** `locale`: the page's language, for the words the engine gives (a worker has no localStorage to read it). */
  async start(config: EngineConfig, locale: string): Promise<EngineInfo> {
    if (isLocale(locale)) void setLocale(locale, { reload: false });
    core?.dispose();
    core = await EngineCore.start(config, 'worker');
    return core.info;
  },
  detect: (frame: ImageBitmap) => engine().detect(frame),
  capture: (frame: ImageBitmap, rule: CaptureRule) => engine().capture(frame, rule),
  embedStoredFace: (image: Blob, face: FaceDetection | null) => engine().embedStoredFace(image, face),
  startLive: (config: LiveConfig) => engine().startLive(config),
  setMarked: (studentIds: string[]) => engine().setMarked(studentIds),
  reject: (trackId: number, studentId: string) => engine().reject(trackId, studentId),
  liveFrame: (frame: ImageBitmap, now: number) => engine().liveFrame(frame, now),
  stopLive: () => engine().stopLive(),
  warmUpLive: (width: number, height: number, smallest: SmallestFace) => engine().warmUpLive(width, height, smallest),
  /**
   * The engine's tensors. Where the browser runs with `--js-flags=--expose-gc` (the memory tests do), the
   * worker's garbage is collected first, so that its heap can be measured as what it holds.
   */
  memory: () => {
    (globalThis as { gc?: () => void }).gc?.();
    return engine().memory();
  },
  dispose(): void {
    core?.dispose();
    core = null;
  },
};

export type EngineWorkerApi = typeof api;

expose(api);
