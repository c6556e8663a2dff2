/**
 * Enrolment ("Take photos"): samples are taken from the live camera only when exactly one face of enough
 * size and sharpness is in view, not too soon after the last one and not a copy of it; the teacher is
 * prompted for some variety of pose. Photos can be uploaded instead.
 */
import type { FaceDetection } from '../core/types';
import { m } from '../paraglide/messages';
import { MIN_RELATIVE_SHARPNESS } from '../embedding/sharpness';
import type { FaceCapture, FaceEngine } from './face-engine';
import { decodePhoto } from './photos';
import { closeFaces, judgeFaces, MIN_ENROL_FACE, type GateVerdict } from './face-choice';
import { grabFrame, startFrameLoop, type FrameLoop } from './frame-loop';

export { enrolmentFace, judgeFaces, photoFaces, PHOTO_SIDE_FACE_RATIO, type GateVerdict } from './face-choice';

export interface CaptureGate {
  /** Smallest face box width, in frame pixels. */
  readonly minFaceSize: number;
  /**
   * Smallest sharpness of the face in the frame's own pixels, relative to a sharp face of its size (see
   * `embedding/sharpness.ts`, where it is calibrated). Defaults to `MIN_RELATIVE_SHARPNESS`.
   */
  readonly minSharpness: number;
  /** Least time between two samples. */
  readonly minIntervalMs: number;
  /** A sample more similar than this (cosine) to the previous one is a copy. */
  readonly maxSimilarity: number;
}

export const DEFAULT_GATE: CaptureGate = {
  minFaceSize: MIN_ENROL_FACE,
  minSharpness: MIN_RELATIVE_SHARPNESS,
  minIntervalMs: 300,
  maxSimilarity: 0.985,
};

export { DEFAULT_SAMPLE_TARGET, MAX_SAMPLE_TARGET } from '../core/defaults';

const cosine = (a: Float32Array, b: Float32Array): number => {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k]! * b[k]!;
  return s;
};

/** Whether a capture makes a good sample, given the previous one. */
export function judgeCapture(
  capture: FaceCapture,
  previous: Float32Array | null,
  gate: CaptureGate = DEFAULT_GATE,
): GateVerdict {
  if (capture.sharpness < gate.minSharpness) {
    return { ok: false, reason: m.enrol_blurred() };
  }
  if (previous && cosine(previous, capture.embedding) > gate.maxSimilarity) {
    return { ok: false, reason: m.enrol_same() };
  }
  return { ok: true };
}

const POSES = [m.pose_straight, m.pose_left, m.pose_right, m.pose_up, m.pose_down, m.pose_smile];

/** The pose to ask for at sample `taken` of `target`: each pose for an equal share of the samples. */
export function poseHint(taken: number, target: number): string {
  return POSES[Math.min(POSES.length - 1, Math.floor((taken * POSES.length) / Math.max(1, target)))]!();
}

export interface EnrolmentProgress {
  /** Faces of the latest frame, for the overlay. */
  readonly faces: readonly FaceDetection[];
  readonly width: number;
  readonly height: number;
  /** Why no sample was taken from this frame ('' when one was). */
  readonly reason: string;
  /** The sample taken from this frame, if any. */
  readonly capture: FaceCapture | null;
}

export type { FrameLoop as EnrolmentLoop } from './frame-loop';

/**
 * Takes samples from the playing video until `wanted()` says none are wanted, one frame in flight at a
 * time. `onFrame` gets every frame; a capture it receives is the caller's to save.
 */
export function startEnrolmentLoop(
  video: HTMLVideoElement,
  engine: FaceEngine,
  wanted: () => boolean,
  onFrame: (progress: EnrolmentProgress) => void | Promise<void>,
  onError: (error: unknown) => void,
  gate: CaptureGate = DEFAULT_GATE,
): FrameLoop {
  let last: Float32Array | null = null;
  let lastAt = -Infinity;
  return startFrameLoop(
    video,
    async (loop) => {
      const tooSoon = performance.now() - lastAt < gate.minIntervalMs;
      const take = !tooSoon && wanted();
      const frame = await grabFrame(video);
      // A frame that gives no sample only needs its faces (for the overlay and the hint).
      const result = take
        ? await engine.capture(frame, { kind: 'camera', minFaceSize: gate.minFaceSize, exactlyOne: true })
        : { ...(await engine.detect(frame)), captures: [] };
      if (!loop.running) return;
      const verdict = judgeFaces(result.faces, gate);
      let capture: FaceCapture | null = verdict.ok ? (result.captures[0] ?? null) : null;
      let reason = verdict.ok ? (tooSoon ? m.enrol_hold_on() : wanted() ? '' : m.enrol_done()) : verdict.reason;
      if (capture) {
        const judged = judgeCapture(capture, last, gate);
        if (judged.ok) {
          last = capture.embedding;
          lastAt = performance.now();
        } else {
          reason = judged.reason;
          capture = null;
        }
      }
      await onFrame({ faces: result.faces, width: result.width, height: result.height, reason, capture });
    },
    onError,
  );
}

export interface UploadOutcome {
  readonly file: string;
  readonly capture: FaceCapture | null;
  /** Why the photo gave no sample ('' when it did). */
  readonly problem: string;
}

/** Why a photo gives no sample ('' when it gives one), from what `capture` found in it with `photoFaces`. */
export function photoProblem(
  name: string,
  result: { readonly faces: readonly FaceDetection[]; readonly captures: readonly { readonly sharpness: number }[] },
  gate: CaptureGate = DEFAULT_GATE,
): string {
  const capture = result.captures[0];
  if (result.faces.length === 0) {
    return m.photo_no_face({ name });
  }
  const near = closeFaces(result.faces).length;
  if (result.captures.length === 0 && near > 1) {
    return m.photo_many_faces({ name, count: near });
  }
  if (capture && capture.sharpness < gate.minSharpness) {
    return m.photo_blurred({ name });
  }
  return '';
}

/** One sample from each photo that shows exactly one face; the others say why not. */
export async function samplesFromPhotos(
  engine: FaceEngine,
  files: readonly File[],
  gate: CaptureGate = DEFAULT_GATE,
): Promise<UploadOutcome[]> {
  const out: UploadOutcome[] = [];
  for (const file of files) {
    let bitmap: ImageBitmap;
    try {
      bitmap = await decodePhoto(file);
    } catch (error) {
      out.push({ file: file.name, capture: null, problem: (error as Error).message });
      continue;
    }
    // The engine takes the bitmap (and closes it).
    const result = await engine.capture(bitmap, { kind: 'photo' });
    const problem = photoProblem(file.name, result, gate);
    out.push({ file: file.name, capture: problem ? null : (result.captures[0] ?? null), problem });
  }
  return out;
}
