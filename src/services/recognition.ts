/**
 * Live recognition for attendance: every frame's faces are detected, embedded and classified; a student
 * counts as seen once recognised in `confirmFrames` frames within a few seconds, so one odd frame marks
 * nobody. One frame is in flight at a time, so the rate adapts to the machine and the page stays usable.
 */
import * as tf from '@tensorflow/tfjs-core';
import { predict, type ClassifierSnapshot, type Prediction } from '../classifier/classifier';
import type { FaceDetection } from '../core/types';
import type { FaceEngine } from './face-engine';
import { FpsMeter, startFrameLoop, type FrameLoop } from './frame-loop';

/** Pause between two recognised frames. */
export const FRAME_REST_MS = 40;

export interface RecognisedFace {
  readonly detection: FaceDetection;
  readonly prediction: Prediction;
}

export interface RecognitionFrame {
  readonly faces: readonly RecognisedFace[];
  readonly width: number;
  readonly height: number;
  readonly ms: number;
  readonly fps: number;
  readonly backend: string;
  /** Students confirmed in this frame (seen often enough lately). */
  readonly confirmed: readonly { readonly studentId: string; readonly probability: number }[];
}

/** Confirms a student after `frames` recognitions within `windowMs`. */
export class SightingConfirmer {
  private readonly seen = new Map<string, number[]>();

  constructor(
    private readonly frames = 2,
    private readonly windowMs = 5000,
  ) {}

  see(studentId: string, now: number): boolean {
    const times = (this.seen.get(studentId) ?? []).filter((t) => now - t <= this.windowMs);
    times.push(now);
    this.seen.set(studentId, times);
    return times.length >= this.frames;
  }
}

/** The classifier with the teacher's threshold in place of the trained one (null keeps the trained one). */
export function withThreshold(snapshot: ClassifierSnapshot, threshold: number | null): ClassifierSnapshot {
  return threshold === null ? snapshot : { ...snapshot, threshold };
}

export type { FrameLoop as RecognitionLoop } from './frame-loop';

export function startRecognitionLoop(
  video: HTMLVideoElement,
  engine: FaceEngine,
  classifier: ClassifierSnapshot,
  onFrame: (frame: RecognitionFrame) => void | Promise<void>,
  onError: (error: unknown) => void,
  confirmer = new SightingConfirmer(),
): FrameLoop {
  const fps = new FpsMeter();
  return startFrameLoop(
    video,
    async (loop) => {
      const result = await engine.analyse(video, true);
      if (!loop.running) return;
      const now = performance.now();
      const faces = result.faces.map((f) => ({
        detection: f.detection,
        prediction: predict(classifier, f.embedding, engine.model.id),
      }));
      const confirmed = faces
        .filter((f) => f.prediction.label !== null && confirmer.see(f.prediction.label, now))
        .map((f) => ({ studentId: f.prediction.label!, probability: f.prediction.probability }));
      await onFrame({
        faces,
        width: result.width,
        height: result.height,
        ms: result.ms,
        fps: fps.tick(now),
        backend: tf.getBackend(),
        confirmed,
      });
    },
    onError,
    FRAME_REST_MS,
  );
}
