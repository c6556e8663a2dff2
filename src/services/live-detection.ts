/**
 * Runs the detector on a playing <video> frame after frame: one frame in flight at a time, so the rate
 * adapts to the machine and the page stays responsive.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { FaceDetection } from '../core/types';
import type { MtcnnDetector } from '../detection';

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

export interface LiveDetection {
  stop(): void;
}

/** Starts the loop; `onFrame` gets every result, `onError` the first failure (the loop then stops). */
export function startLiveDetection(
  video: HTMLVideoElement,
  detector: MtcnnDetector,
  onFrame: (result: LiveFrameResult) => void,
  onError: (error: unknown) => void,
): LiveDetection {
  let running = true;
  const recent: number[] = [];

  const step = async (): Promise<void> => {
    if (!running) return;
    if (video.readyState < HTMLMediaElement.HAVE_CURRENT_DATA || video.videoWidth === 0) {
      requestAnimationFrame(() => void step());
      return;
    }
    const started = performance.now();
    const frame = tf.browser.fromPixels(video);
    let faces: FaceDetection[];
    try {
      faces = await detector.detectFaces(frame);
    } catch (error) {
      running = false;
      onError(error);
      return;
    } finally {
      frame.dispose();
    }
    const now = performance.now();
    recent.push(now);
    while (recent.length > 10) recent.shift();
    const fps = recent.length > 1 ? ((recent.length - 1) * 1000) / (now - recent[0]!) : 0;
    if (!running) return;
    onFrame({
      faces,
      width: video.videoWidth,
      height: video.videoHeight,
      ms: now - started,
      fps,
      backend: tf.getBackend(),
    });
    requestAnimationFrame(() => void step());
  };
  requestAnimationFrame(() => void step());
  return {
    stop() {
      running = false;
    },
  };
}
