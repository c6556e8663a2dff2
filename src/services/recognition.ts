/**
 * Live recognition for attendance: every frame's faces are detected, embedded and classified; a student
 * counts as seen once recognised in `confirmFrames` frames within a few seconds, so one odd frame marks
 * nobody. One frame is in flight at a time, so the rate adapts to the machine and the page stays usable.
 */
import * as tf from '@tensorflow/tfjs-core';
import { predict, type ClassifierSnapshot, type Prediction } from '../classifier/classifier';
import type { FaceDetection } from '../core/types';
import type { FaceEngine } from './face-engine';

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

export interface RecognitionLoop {
  stop(): void;
}

export function startRecognitionLoop(
  video: HTMLVideoElement,
  engine: FaceEngine,
  classifier: ClassifierSnapshot,
  onFrame: (frame: RecognitionFrame) => void | Promise<void>,
  onError: (error: unknown) => void,
  confirmer = new SightingConfirmer(),
): RecognitionLoop {
  let running = true;
  const recent: number[] = [];
  const step = async (): Promise<void> => {
    if (!running) return;
    if (video.readyState < HTMLMediaElement.HAVE_CURRENT_DATA || video.videoWidth === 0) {
      requestAnimationFrame(() => void step());
      return;
    }
    try {
      const result = await engine.analyse(video, true);
      if (!running) return;
      const now = performance.now();
      recent.push(now);
      while (recent.length > 10) recent.shift();
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
        fps: recent.length > 1 ? ((recent.length - 1) * 1000) / (now - recent[0]!) : 0,
        backend: tf.getBackend(),
        confirmed,
      });
    } catch (error) {
      running = false;
      onError(error);
      return;
    }
    // A short rest between frames leaves the page time for clicks and drawing (inference runs on this thread).
    setTimeout(() => requestAnimationFrame(() => void step()), FRAME_REST_MS);
  };
  requestAnimationFrame(() => void step());
  return {
    stop() {
      running = false;
    },
  };
}
