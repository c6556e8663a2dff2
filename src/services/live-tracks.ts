/**
 * Faces followed from frame to frame during live attendance, and what the app makes of each: a student,
 * "maybe" a student (for the teacher to confirm), or nobody enrolled.
 *
 * A face is matched to the track it overlaps most (IoU), so the evidence of every frame it is seen in adds
 * up: its decision rests on the mean of its last embeddings, not on one frame. A student is marked once
 * their track has been seen in at least `minFrames` frames and its fused embedding passes the classifier's
 * threshold; a track between the "maybe" and accept thresholds becomes a suggestion, never for a student
 * already marked, nor for a student the teacher rejected for that face. Pure logic: runs in the page, in a
 * worker, and in the Node benchmark.
 */
import { predict, type ClassifierSnapshot, type Prediction } from '../classifier';
import { matchBoxes } from '../core/geometry';
import type { FaceDetection } from '../core/types';

export interface TrackerOptions {
  /** Least overlap (IoU) of a face with a track's last box to continue it. Defaults to 0.3. */
  readonly minIou?: number;
  /**
   * A track missed in this many frames in a row ends (at 0.3 frames/s a face can be still for seconds
   * between two frames, so frames count, not time). Defaults to 2.
   */
  readonly keepFrames?: number;
  /** A track not seen for this long ends, however few frames that was. Defaults to 20,000 ms. */
  readonly keepMs?: number;
  /** Embeddings of a track averaged into its decision (the most recent). Defaults to 8. */
  readonly window?: number;
  /** Frames a track must be seen in before its student is marked. Defaults to 2. */
  readonly minFrames?: number;
  /** A face this similar (cosine of fused embeddings) to one the teacher rejected is that face. Defaults to 0.7. */
  readonly sameFace?: number;
}

export const DEFAULT_TRACKER_OPTIONS: Required<TrackerOptions> = {
  minIou: 0.3,
  keepFrames: 2,
  keepMs: 20_000,
  window: 8,
  minFrames: 2,
  sameFace: 0.7,
};

export type TrackState = 'student' | 'maybe' | 'unknown' | 'pending';

/** A tracked face as the screen shows it. */
export interface TrackView {
  readonly id: number;
  readonly detection: FaceDetection;
  readonly state: TrackState;
  /** The student for 'student' and 'maybe'; the nearest student otherwise. */
  readonly studentId: string;
  readonly prediction: Prediction;
  /** Frames the track was seen in. */
  readonly frames: number;
  /** True for a student marked before this track's decision (drawn quieter). */
  readonly alreadyMarked: boolean;
}

interface Track {
  readonly id: number;
  detection: FaceDetection;
  lastSeen: number;
  frames: number;
  /** Frames in a row it was not found in. */
  missed: number;
  readonly embeddings: Float32Array[];
  fused: Float32Array;
}

function mean(vectors: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(vectors[0]!.length);
  for (const v of vectors) for (let k = 0; k < out.length; k++) out[k] = out[k]! + v[k]!;
  let n = 0;
  for (let k = 0; k < out.length; k++) n += out[k]! * out[k]!;
  const s = 1 / (Math.sqrt(n) || 1);
  for (let k = 0; k < out.length; k++) out[k] = out[k]! * s;
  return out;
}

const cosine = (a: Float32Array, b: Float32Array): number => {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k]! * b[k]!;
  return s;
};

export interface TrackFrame {
  readonly tracks: readonly TrackView[];
  /** Students whose tracks passed in this frame and who were not marked before. */
  readonly newlyRecognised: readonly { readonly studentId: string; readonly track: TrackView }[];
  /** The suggestions to show now, one per student at most (its best track). */
  readonly suggestions: readonly TrackView[];
}

/**
 * Follows the faces of a live session. `isMarked` says whether a student is marked already in the
 * session (by the camera, the teacher, or a confirmation): they are never suggested.
 */
export class AttendanceTracker {
  private readonly options: Required<TrackerOptions>;
  private tracks: Track[] = [];
  private nextId = 1;
  /** Faces the teacher said are not a student: the face's fused embedding, per student. */
  private readonly rejected = new Map<string, Float32Array[]>();

  constructor(
    private readonly classifier: ClassifierSnapshot,
    private readonly modelId: string,
    private readonly isMarked: (studentId: string) => boolean,
    options: TrackerOptions = {},
  ) {
    this.options = { ...DEFAULT_TRACKER_OPTIONS, ...options };
  }

  /** One frame's faces (each with its embedding), at `now` ms. */
  update(
    faces: readonly { readonly detection: FaceDetection; readonly embedding: Float32Array }[],
    now: number,
  ): TrackFrame {
    const o = this.options;
    this.tracks = this.tracks.filter((t) => t.missed < o.keepFrames && now - t.lastSeen <= o.keepMs);
    const matches = matchBoxes(
      this.tracks.map((t) => t.detection.box),
      faces.map((f) => f.detection.box),
      o.minIou,
    );
    const continued = new Set<number>();
    for (const m of matches) {
      const track = this.tracks[m.a]!;
      const face = faces[m.b]!;
      continued.add(m.b);
      track.detection = face.detection;
      track.lastSeen = now;
      track.frames += 1;
      track.missed = 0;
      track.embeddings.push(face.embedding);
      if (track.embeddings.length > o.window) track.embeddings.shift();
      track.fused = mean(track.embeddings);
    }
    const seen = new Set(matches.map((m) => this.tracks[m.a]!.id));
    for (const t of this.tracks) if (!seen.has(t.id)) t.missed += 1;
    faces.forEach((face, i) => {
      if (continued.has(i)) return;
      const track: Track = {
        id: this.nextId++,
        detection: face.detection,
        lastSeen: now,
        frames: 1,
        missed: 0,
        embeddings: [face.embedding],
        fused: mean([face.embedding]),
      };
      this.tracks.push(track);
      seen.add(track.id);
    });

    // Decide every track in view; one student goes to one track (its best score) at most.
    const views = this.tracks
      .filter((t) => seen.has(t.id))
      .map((t) => ({ track: t, prediction: predict(this.classifier, t.fused, this.modelId) }))
      .sort((a, b) => b.prediction.score - a.prediction.score);
    const taken = new Set<string>();
    const newlyRecognised: { studentId: string; track: TrackView }[] = [];
    const suggestions: TrackView[] = [];
    const out: TrackView[] = [];
    for (const { track, prediction } of views) {
      const studentId = prediction.nearest;
      const marked = this.isMarked(studentId);
      let state: TrackState = 'unknown';
      if (prediction.verdict === 'accept' && !taken.has(studentId)) {
        state = track.frames >= o.minFrames ? 'student' : 'pending';
      } else if (
        prediction.verdict === 'maybe' &&
        !taken.has(studentId) &&
        !marked &&
        !this.wasRejected(studentId, track.fused)
      ) {
        state = track.frames >= o.minFrames ? 'maybe' : 'pending';
      }
      if (state === 'student' || state === 'maybe' || state === 'pending') taken.add(studentId);
      const view: TrackView = {
        id: track.id,
        detection: track.detection,
        state,
        studentId,
        prediction,
        frames: track.frames,
        alreadyMarked: marked,
      };
      out.push(view);
      if (state === 'student' && !marked) newlyRecognised.push({ studentId, track: view });
      if (state === 'maybe') suggestions.push(view);
    }
    return { tracks: out, newlyRecognised, suggestions };
  }

  /** The teacher says the face of track `trackId` is not `studentId`: it will not suggest them again. */
  reject(trackId: number, studentId: string): void {
    const track = this.tracks.find((t) => t.id === trackId);
    if (!track) return;
    this.rejected.set(studentId, [...(this.rejected.get(studentId) ?? []), track.fused]);
  }

  private wasRejected(studentId: string, fused: Float32Array): boolean {
    return (this.rejected.get(studentId) ?? []).some((r) => cosine(r, fused) >= this.options.sameFace);
  }
}
