/**
 * Faces followed from frame to frame during live attendance, and what the app makes of each: a student,
 * "maybe" a student (for the teacher to confirm), or nobody enrolled.
 *
 * A face is matched to the track it overlaps most (IoU), so the evidence of every frame it is seen in adds
 * up: its decision rests on the mean of its last embeddings, not on one frame. A student is marked once
 * their track has been seen in at least `minFrames` frames and its fused embedding passes the classifier's
 * threshold; a track between the "maybe" and accept thresholds becomes a suggestion, never for a student
 * already marked, nor for a student the teacher rejected for that face. A face may come without an
 * embedding (the live session embeds a settled face only now and then): its track then moves and keeps its
 * evidence. Pure logic: runs in the page, in a worker, and in the Node benchmark.
 */
import { predict, type ClassifierSnapshot, type Prediction } from '../classifier';
import { matchBoxes } from '../core/geometry';
import type { FaceDetection } from '../core/types';
import { PictureEvidence, type PictureCheck, type PictureVerdict } from './picture-check';

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
  /** Frames a track must be embedded in before its student is marked. Defaults to 2. */
  readonly minFrames?: number;
  /** A face this similar (cosine of fused embeddings) to one the teacher rejected is that face. Defaults to 0.7. */
  readonly sameFace?: number;
  /**
   * Faces that look like a still picture (see `picture-check.ts`): 'off', 'warn' (the view says so, the
   * student is marked) or 'ask' (a student's face is marked only once its track moved like a head; one that
   * looks like a picture is suggested instead, for the teacher to confirm). Defaults to 'off'.
   */
  readonly pictureCheck?: PictureCheck;
}

export const DEFAULT_TRACKER_OPTIONS: Required<TrackerOptions> = {
  minIou: 0.3,
  keepFrames: 2,
  keepMs: 20_000,
  window: 8,
  minFrames: 2,
  sameFace: 0.7,
  pictureCheck: 'off',
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
  /** Frames its face was embedded in (its evidence). */
  readonly embedded: number;
  /** True for a student marked before this track's decision (drawn quieter). */
  readonly alreadyMarked: boolean;
  /** What the picture check makes of the track so far ('unsure' while it is off or has too little). */
  readonly picture: PictureVerdict;
}

interface Track {
  readonly id: number;
  detection: FaceDetection;
  lastSeen: number;
  frames: number;
  /** Frames in a row it was not found in. */
  missed: number;
  readonly embeddings: Float32Array[];
  /** Frames embedded in, over the track's life. */
  embedded: number;
  /** When its face was last embedded. */
  embeddedAt: number;
  fused: Float32Array;
  /** Its state after the last frame it was seen in. */
  state: TrackState;
  /** Evidence that the face is a picture held up (see `picture-check.ts`). */
  readonly picture: PictureEvidence;
  /** Its student waits for the picture check before being marked (`pictureCheck: 'ask'`). */
  waitingForPicture: boolean;
}

/** What the tracker knows of the track a face would continue (see `AttendanceTracker.plan`). */
export interface TrackPlan {
  readonly trackId: number;
  readonly state: TrackState;
  readonly embedded: number;
  readonly embeddedAt: number;
  /** Its student is known and waits only for the picture check: no need to embed it again now. */
  readonly waitingForPicture: boolean;
  /** The picture check still takes this track's observations (its grey face is wanted). */
  readonly needsPicture: boolean;
}

/**
 * A face of a frame; `embedding` is null for a face that was not embedded this time; `grey` is its grey
 * picture for the picture check (see `picture-grey.ts`), where asked for.
 */
export interface TrackedFace {
  readonly detection: FaceDetection;
  readonly embedding: Float32Array | null;
  readonly grey?: Float32Array | null;
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

  /** The boxes of the tracks still followed, to look for their faces in the next frame. */
  liveBoxes(now: number): FaceDetection['box'][] {
    return this.alive(now).map((t) => t.detection.box);
  }

  /**
   * For each of a frame's detections, the track it would continue (null: a new face), without changing
   * anything: the caller decides from it which faces to embed, then passes them to `update`.
   */
  plan(detections: readonly FaceDetection[], now: number): (TrackPlan | null)[] {
    const tracks = this.alive(now);
    const byFace = new Map(this.match(tracks, detections).map((m) => [m.b, tracks[m.a]!]));
    return detections.map((_, i) => {
      const t = byFace.get(i);
      return t
        ? {
            trackId: t.id,
            state: t.state,
            embedded: t.embedded,
            embeddedAt: t.embeddedAt,
            waitingForPicture: t.waitingForPicture,
            needsPicture: !t.picture.settled,
          }
        : null;
    });
  }

  /**
   * One frame's faces at `now` ms. A face without an embedding moves the track it continues and is
   * otherwise left out (a new face needs one).
   */
  update(faces: readonly TrackedFace[], now: number): TrackFrame {
    const o = this.options;
    this.tracks = this.alive(now);
    const matches = this.match(
      this.tracks,
      faces.map((f) => f.detection),
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
      if (face.grey) track.picture.add({ landmarks: face.detection.landmarks, grey: face.grey });
      if (face.embedding) {
        track.embeddings.push(face.embedding);
        if (track.embeddings.length > o.window) track.embeddings.shift();
        track.fused = mean(track.embeddings);
        track.embedded += 1;
        track.embeddedAt = now;
      }
    }
    const seen = new Set(matches.map((m) => this.tracks[m.a]!.id));
    for (const t of this.tracks) if (!seen.has(t.id)) t.missed += 1;
    faces.forEach((face, i) => {
      if (continued.has(i) || !face.embedding) return;
      const track: Track = {
        id: this.nextId++,
        detection: face.detection,
        lastSeen: now,
        frames: 1,
        missed: 0,
        embeddings: [face.embedding],
        embedded: 1,
        embeddedAt: now,
        fused: mean([face.embedding]),
        state: 'pending',
        picture: new PictureEvidence(),
        waitingForPicture: false,
      };
      if (face.grey) track.picture.add({ landmarks: face.detection.landmarks, grey: face.grey });
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
      const picture = o.pictureCheck === 'off' ? 'unsure' : track.picture.verdict();
      let state: TrackState = 'unknown';
      track.waitingForPicture = false;
      if (prediction.verdict === 'accept' && !taken.has(studentId)) {
        state = track.embedded >= o.minFrames ? 'student' : 'pending';
        // Asked to: a student is marked only from a face that moved like a head, and one that looks like a
        // picture is put to the teacher (unless marked already, or rejected for this face).
        if (state === 'student' && o.pictureCheck === 'ask' && !marked) {
          if (picture === 'unsure') {
            state = 'pending';
            track.waitingForPicture = true;
          } else if (picture === 'still') {
            state = this.wasRejected(studentId, track.fused) ? 'unknown' : 'maybe';
          }
        }
      } else if (
        prediction.verdict === 'maybe' &&
        !taken.has(studentId) &&
        !marked &&
        !this.wasRejected(studentId, track.fused)
      ) {
        state = track.embedded >= o.minFrames ? 'maybe' : 'pending';
      }
      if (state === 'student' || state === 'maybe' || state === 'pending') taken.add(studentId);
      track.state = state;
      const view: TrackView = {
        id: track.id,
        detection: track.detection,
        state,
        studentId,
        prediction,
        frames: track.frames,
        embedded: track.embedded,
        alreadyMarked: marked,
        picture,
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

  private alive(now: number): Track[] {
    const o = this.options;
    return this.tracks.filter((t) => t.missed < o.keepFrames && now - t.lastSeen <= o.keepMs);
  }

  private match(tracks: readonly Track[], detections: readonly FaceDetection[]) {
    return matchBoxes(
      tracks.map((t) => t.detection.box),
      detections.map((d) => d.box),
      this.options.minIou,
    );
  }

  private wasRejected(studentId: string, fused: Float32Array): boolean {
    return (this.rejected.get(studentId) ?? []).some((r) => cosine(r, fused) >= this.options.sameFace);
  }
}
