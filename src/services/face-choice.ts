/**
 * Which face of a frame or photo an enrolment sample is taken of. Pure rules over detections, shared by the
 * page (to say why no sample was taken) and the face engine (to cut out only the chosen face).
 */
import type { FaceDetection } from '../core/types';
import { m } from '../paraglide/messages';

/**
 * In a photo, a face less than this share of the largest face's width is someone further back (or a
 * false detection on a forehead or a poster) and does not stop the photo from enrolling the large face.
 */
export const PHOTO_SIDE_FACE_RATIO = 0.6;

/** Smallest face, in frame pixels, a camera sample is taken of. */
export const MIN_ENROL_FACE = 80;

export type GateVerdict = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** Whether a frame's faces allow a sample: exactly one face at least `minFaceSize` wide. */
export function judgeFaces(
  faces: readonly FaceDetection[],
  gate: { readonly minFaceSize: number } = { minFaceSize: MIN_ENROL_FACE },
): GateVerdict {
  if (faces.length === 0) return { ok: false, reason: m.enrol_no_face() };
  // Faces too small to be enrolled are people further back: they do not count.
  const near = faces.filter((f) => f.box.width >= gate.minFaceSize);
  if (near.length === 0) return { ok: false, reason: m.enrol_too_far() };
  if (near.length > 1) {
    return {
      ok: false,
      reason: m.enrol_many_faces({ count: near.length }),
    };
  }
  return { ok: true };
}

/** The one face a sample is taken of, when the frame passes `judgeFaces`. */
export function enrolmentFace(
  faces: readonly FaceDetection[],
  gate: { readonly minFaceSize: number } = { minFaceSize: MIN_ENROL_FACE },
): FaceDetection[] {
  return judgeFaces(faces, gate).ok ? faces.filter((f) => f.box.width >= gate.minFaceSize) : [];
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
export function closeFaces(faces: readonly FaceDetection[]): FaceDetection[] {
  const widest = Math.max(0, ...faces.map((f) => f.box.width));
  return faces.filter((f) => f.box.width >= PHOTO_SIDE_FACE_RATIO * widest).sort((a, b) => b.box.width - a.box.width);
}
