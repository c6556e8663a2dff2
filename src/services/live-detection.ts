/**
 * Runs the detector on a playing <video> frame after frame (the camera check), through the shared frame
 * loop; frames go to the face engine (in its worker).
 */
import type { FaceDetection } from '../core/types';
import type { FaceEngine } from './face-engine';
import { FpsMeter, grabFrame, startFrameLoop, type FrameLoop } from './frame-loop';

export interface LiveFrameResult {
  readonly faces: readonly FaceDetection[];
  readonly width: number;
  readonly height: number;
  /** Detection time of this frame. */
  readonly ms: number;
  /** Frames per second over the last few frames. */
  readonly fps: number;
  /** The tfjs backend the engine runs on. */
  readonly backend: string;
}

export type { FrameLoop as LiveDetection } from './frame-loop';

/** Starts the loop; `onFrame` gets every result, `onError` the first failure (the loop then stops). */
export function startLiveDetection(
  video: HTMLVideoElement,
  engine: FaceEngine,
  onFrame: (result: LiveFrameResult) => void,
  onError: (error: unknown) => void,
): FrameLoop {
  const fps = new FpsMeter();
  return startFrameLoop(
    video,
    async (loop) => {
      const result = await engine.detect(await grabFrame(video));
      if (!loop.running) return;
      onFrame({
        faces: result.faces,
        width: result.width,
        height: result.height,
        ms: result.ms,
        fps: fps.tick(performance.now()),
        backend: engine.info.backend,
      });
    },
    onError,
  );
}
