/**
 * Runs the detector on a playing <video> frame after frame (the camera check), through the shared frame
 * loop.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { FaceDetection } from '../core/types';
import type { MtcnnDetector } from '../detection';
import { FpsMeter, startFrameLoop, type FrameLoop } from './frame-loop';

export interface LiveFrameResult {
  readonly faces: readonly FaceDetection[];
  readonly width: number;
  readonly height: number;
  /** Detection time of this frame. */
  readonly ms: number;
  /** Frames per second over the last few frames. */
  readonly fps: number;
  /** The tfjs backend this frame ran on (`tf.getBackend()`). */
  readonly backend: string;
}

export type { FrameLoop as LiveDetection } from './frame-loop';

/** Starts the loop; `onFrame` gets every result, `onError` the first failure (the loop then stops). */
export function startLiveDetection(
  video: HTMLVideoElement,
  detector: MtcnnDetector,
  onFrame: (result: LiveFrameResult) => void,
  onError: (error: unknown) => void,
): FrameLoop {
  const fps = new FpsMeter();
  return startFrameLoop(
    video,
    async (loop) => {
      const started = performance.now();
      const frame = tf.browser.fromPixels(video);
      let faces: FaceDetection[];
      try {
        faces = await detector.detectFaces(frame);
      } finally {
        frame.dispose();
      }
      if (!loop.running) return;
      const now = performance.now();
      onFrame({
        faces,
        width: video.videoWidth,
        height: video.videoHeight,
        ms: now - started,
        fps: fps.tick(now),
        backend: tf.getBackend(),
      });
    },
    onError,
  );
}
