/**
 * Live recognition for attendance: camera frames go to the face engine's live session (see
 * `live-session.ts`), where faces are followed from frame to frame and decided on the evidence of all the
 * frames each was embedded in (see `live-tracks.ts`). One frame is in flight at a time, so the rate adapts
 * to the machine.
 */
import type { ClassifierSnapshot } from '../classifier';
import type { LiveFrame } from './engine-core';
import type { FaceEngine } from './face-engine';
import { FpsMeter, grabFrame, startFrameLoop, type FrameLoop } from './frame-loop';

/**
 * Pause between two recognised frames: short with the engine in its worker (the page is free anyway), longer
 * with the engine on the page's thread, to leave it some time for clicks and drawing.
 */
export const FRAME_REST_MS = { worker: 10, page: 40 } as const;

export interface RecognitionFrame extends LiveFrame {
  readonly fps: number;
}

/**
 * The classifier with the teacher's threshold in place of the trained one (null keeps the trained one); the
 * "maybe" band keeps its lower edge, or starts at the teacher's threshold where that is lower.
 */
export function withThreshold(snapshot: ClassifierSnapshot, threshold: number | null): ClassifierSnapshot {
  return threshold === null
    ? snapshot
    : { ...snapshot, threshold, maybeThreshold: Math.min(snapshot.maybeThreshold, threshold) };
}

export type { FrameLoop as RecognitionLoop } from './frame-loop';

/**
 * Runs the engine's live session on the playing video, one frame in flight at a time: each frame is handed
 * to the engine (in its worker) and `onFrame` gets its tracks and decisions.
 */
export function startRecognitionLoop(
  video: HTMLVideoElement,
  engine: FaceEngine,
  onFrame: (frame: RecognitionFrame) => void | Promise<void>,
  onError: (error: unknown) => void,
): FrameLoop {
  const fps = new FpsMeter();
  return startFrameLoop(
    video,
    async (loop) => {
      const frame = await engine.liveFrame(await grabFrame(video), performance.now());
      if (!loop.running) return;
      await onFrame({ ...frame, fps: fps.tick(performance.now()) });
    },
    onError,
    FRAME_REST_MS[engine.info.where],
  );
}
