/**
 * Enrolment ("Take photos"): samples are taken from the live camera only when exactly one face of enough
 * size and sharpness is in view, not too soon after the last one and not a copy of it; the teacher is
 * prompted for some variety of pose. Photos can be uploaded instead.
 */
import type { FaceDetection } from '../core/types';
import { MIN_RELATIVE_SHARPNESS } from '../embedding/sharpness';
import type { FaceCapture, FaceEngine } from './face-engine';
import { decodePhoto } from './photos';
import { startFrameLoop, type FrameLoop } from './frame-loop';

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
  minFaceSize: 80,
  minSharpness: MIN_RELATIVE_SHARPNESS,
  minIntervalMs: 300,
  maxSimilarity: 0.985,
};

/**
 * In a photo, a face less than this share of the largest face's width is someone further back (or a
 * false detection on a forehead or a poster) and does not stop the photo from enrolling the large face.
 */
export const PHOTO_SIDE_FACE_RATIO = 0.6;
export const DEFAULT_SAMPLE_TARGET = 20;
export const MAX_SAMPLE_TARGET = 100;

export type GateVerdict = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** Whether a frame's faces allow a sample: exactly one face, big enough. */
export function judgeFaces(faces: readonly FaceDetection[], gate: CaptureGate = DEFAULT_GATE): GateVerdict {
  if (faces.length === 0) return { ok: false, reason: 'No face in view: the student should face the camera.' };
  // Faces too small to be enrolled are people further back: they do not count.
  const near = faces.filter((f) => f.box.width >= gate.minFaceSize);
  if (near.length === 0) return { ok: false, reason: 'Too far: come closer to the camera.' };
  if (near.length > 1) {
    return {
      ok: false,
      reason: `${near.length} faces close to the camera: only the student being enrolled should be.`,
    };
  }
  return { ok: true };
}

/** The one face a sample is taken of, when the frame passes `judgeFaces`. */
export function enrolmentFace(faces: readonly FaceDetection[], gate: CaptureGate = DEFAULT_GATE): FaceDetection[] {
  return judgeFaces(faces, gate).ok ? faces.filter((f) => f.box.width >= gate.minFaceSize) : [];
}

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
    return { ok: false, reason: 'Blurred: hold still, or add light to the face.' };
  }
  if (previous && cosine(previous, capture.embedding) > gate.maxSimilarity) {
    return { ok: false, reason: 'Same as the last photo: move the head a little.' };
  }
  return { ok: true };
}

const POSES = [
  'Look straight at the camera.',
  'Turn a little to the left.',
  'Turn a little to the right.',
  'Tilt the head up a little.',
  'Tilt the head down a little.',
  'Look straight again, and smile.',
];

/** The pose to ask for at sample `taken` of `target`: each pose for an equal share of the samples. */
export function poseHint(taken: number, target: number): string {
  return POSES[Math.min(POSES.length - 1, Math.floor((taken * POSES.length) / Math.max(1, target)))]!;
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
      const seen: { verdict: GateVerdict } = { verdict: { ok: true } };
      const result = await engine.capture(video, (faces) => {
        seen.verdict = judgeFaces(faces, gate);
        return seen.verdict.ok && !tooSoon && wanted() ? enrolmentFace(faces, gate) : [];
      });
      if (!loop.running) return;
      const verdict = seen.verdict;
      let capture: FaceCapture | null = result.captures[0] ?? null;
      let reason = verdict.ok ? (tooSoon ? 'Hold on…' : wanted() ? '' : 'Done.') : verdict.reason;
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

/**
 * The face of a photo to take a sample of: the largest, when no other face is nearly as large. Smaller
 * faces further back, and false detections much smaller than the face (26 px on a forehead, say), do not
 * count. Where two or more faces are about as large, the one the photo is centred on (the photographed
 * subject: nearer the middle than any other by half, and within the middle third) is taken; otherwise none.
 */
export function photoFaces(faces: readonly FaceDetection[], width: number, height: number): readonly FaceDetection[] {
  const near = closeFaces(faces);
  if (near.length <= 1) return near;
  const off = (f: FaceDetection): number =>
    Math.hypot((f.box.x + f.box.width / 2) / width - 0.5, (f.box.y + f.box.height / 2) / height - 0.5);
  const [first, second] = [...near].sort((a, b) => off(a) - off(b));
  return off(first!) < 1 / 6 && off(first!) * 1.5 <= off(second!) ? [first!] : [];
}

/** The faces of a photo that are at least `PHOTO_SIDE_FACE_RATIO` of the largest one's width. */
function closeFaces(faces: readonly FaceDetection[]): FaceDetection[] {
  const widest = Math.max(0, ...faces.map((f) => f.box.width));
  return faces.filter((f) => f.box.width >= PHOTO_SIDE_FACE_RATIO * widest).sort((a, b) => b.box.width - a.box.width);
}

/** Why a photo gives no sample ('' when it gives one), from what `capture` found in it with `photoFaces`. */
export function photoProblem(
  name: string,
  result: { readonly faces: readonly FaceDetection[]; readonly captures: readonly { readonly sharpness: number }[] },
  gate: CaptureGate = DEFAULT_GATE,
): string {
  const capture = result.captures[0];
  if (result.faces.length === 0) {
    return `"${name}": no face was found. Use a photo where the face is clear and turned to the camera.`;
  }
  const near = closeFaces(result.faces).length;
  if (result.captures.length === 0 && near > 1) {
    return `"${name}" shows ${near} faces of about the same size, none in the middle. Use a photo of this student alone.`;
  }
  if (capture && capture.sharpness < gate.minSharpness) {
    return `"${name}" is too blurred. Use a sharper photo (hold the camera still, with light on the face).`;
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
    try {
      const result = await engine.capture(bitmap, photoFaces);
      const problem = photoProblem(file.name, result, gate);
      out.push({ file: file.name, capture: problem ? null : (result.captures[0] ?? null), problem });
    } finally {
      bitmap.close();
    }
  }
  return out;
}
