/**
 * Live recognition for attendance: every frame's faces are detected and embedded, followed from frame to
 * frame, and decided on the evidence of all the frames each was seen in (see `live-tracks.ts`). One frame is
 * in flight at a time, so the rate adapts to the machine and the page stays usable.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ClassifierSnapshot } from '../classifier';
import type { FaceEngine } from './face-engine';
import { FpsMeter, startFrameLoop, type FrameLoop } from './frame-loop';
import type { AttendanceTracker, TrackFrame } from './live-tracks';

/** Pause between two recognised frames. */
export const FRAME_REST_MS = 40;

export interface RecognitionFrame extends TrackFrame {
  readonly width: number;
  readonly height: number;
  readonly ms: number;
  readonly fps: number;
  readonly backend: string;
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

export function startRecognitionLoop(
  video: HTMLVideoElement,
  engine: FaceEngine,
  tracker: AttendanceTracker,
  onFrame: (frame: RecognitionFrame) => void | Promise<void>,
  onError: (error: unknown) => void,
): FrameLoop {
  const fps = new FpsMeter();
  return startFrameLoop(
    video,
    async (loop) => {
      const result = await engine.analyse(video, true);
      if (!loop.running) return;
      const now = performance.now();
      const decided = tracker.update(result.faces, now);
      await onFrame({
        ...decided,
        width: result.width,
        height: result.height,
        ms: result.ms,
        fps: fps.tick(now),
        backend: tf.getBackend(),
      });
    },
    onError,
    FRAME_REST_MS,
  );
}
