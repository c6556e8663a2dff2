/**
 * The loop behind the camera check, enrolment and live recognition: one frame in flight at a time (so the
 * rate adapts to the machine), waiting while the video has no frame yet, stopping at the first error.
 */
export interface FrameLoop {
  /** False once stopped (by `stop` or an error); a frame that finishes after that should deliver nothing. */
  readonly running: boolean;
  stop(): void;
}

export function startFrameLoop(
  video: HTMLVideoElement,
  frame: (loop: FrameLoop) => Promise<void>,
  onError: (error: unknown) => void,
  /** Pause after each frame, leaving the page's thread free for clicks and drawing. */
  restMs = 0,
): FrameLoop {
  const loop = {
    running: true,
    stop() {
      loop.running = false;
    },
  };
  const later = (): void => {
    if (restMs > 0) setTimeout(() => requestAnimationFrame(() => void step()), restMs);
    else requestAnimationFrame(() => void step());
  };
  const step = async (): Promise<void> => {
    if (!loop.running) return;
    if (video.readyState < HTMLMediaElement.HAVE_CURRENT_DATA || video.videoWidth === 0) {
      requestAnimationFrame(() => void step());
      return;
    }
    try {
      await frame(loop);
    } catch (error) {
      loop.running = false;
      onError(error);
      return;
    }
    if (loop.running) later();
  };
  requestAnimationFrame(() => void step());
  return loop;
}

/** The playing video's current frame, to hand to the face engine. */
export function grabFrame(video: HTMLVideoElement): Promise<ImageBitmap> {
  return createImageBitmap(video);
}

/** Frames per second over the last `window` frames. */
export class FpsMeter {
  private readonly times: number[] = [];

  constructor(private readonly window = 10) {}

  /** Records a frame at `now` (ms) and gives the rate. */
  tick(now: number): number {
    this.times.push(now);
    while (this.times.length > this.window) this.times.shift();
    const n = this.times.length;
    return n > 1 ? ((n - 1) * 1000) / (now - this.times[0]!) : 0;
  }
}
