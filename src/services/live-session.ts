/**
 * One live attendance session over frames: which work each frame gets, and the tracker that decides.
 *
 * A full detection (P-, R- and O-Net over the pyramid) runs when there is nothing to follow, at least every
 * `fullEveryMs` (2 s), after a followed face was lost, and when the picture changed (someone walked in). Between
 * them each track's face is found again by O-Net alone on a crop around its last box. A face is embedded
 * when its track is new or undecided; a settled student's face, and a stranger's after a few frames, only
 * now and then to check it is still them, a few a frame. With `tracking` off every frame is detected and
 * every face embedded (the pipeline before tracking, kept for comparison). Pure logic over `FrameWork`: the
 * engine binds it to a frame's tensor; the tests bind it to a fake.
 */
import type { ClassifierSnapshot } from '../classifier';
import { iou } from '../core/geometry';
import type { Box, FaceDetection } from '../core/types';
import {
  AttendanceTracker,
  DEFAULT_TRACKER_OPTIONS,
  type TrackerOptions,
  type TrackFrame,
  type TrackPlan,
} from './live-tracks';
import type { PictureCheck } from './picture-check';

/** The work the session may ask of one frame. */
export interface FrameWork {
  /** Every face in the frame (full detection). */
  detect(): Promise<FaceDetection[]>;
  /** The face near each box (O-Net on a crop around it), or null where there is none any more. */
  refresh(boxes: readonly Box[]): Promise<(FaceDetection | null)[]>;
  /** Embeddings of these faces, in order. */
  embed(faces: readonly FaceDetection[]): Promise<Float32Array[]>;
  /** A tiny grey picture of the frame (any fixed size), to notice a change in the scene. */
  signature(): Promise<Float32Array>;
  /** Each face's grey picture for the picture check (see `picture-grey.ts`); asked for only where it is on. */
  greys?(faces: readonly FaceDetection[]): Promise<Float32Array[]>;
}

export interface LiveSessionOptions extends TrackerOptions {
  /** Follow faces between full detections and embed only where needed. Defaults to true. */
  readonly tracking?: boolean;
  /**
   * Longest time between two full detections (new faces are found by then; sooner where the picture
   * changed). Defaults to 2,000 ms.
   */
  readonly fullEveryMs?: number;
  /** A marked student's face is embedded again after this long. Defaults to 10,000 ms. */
  readonly recheckMs?: number;
  /**
   * A face taken for nobody enrolled, once embedded in `minFrames` frames, is embedded again after this long
   * (four times as long once it has been embedded in three windows' worth of frames). Defaults to 1,000 ms.
   */
  readonly unknownEveryMs?: number;
  /** Re-checks (the not urgent embeddings) per frame at most. Defaults to 2. */
  readonly rechecksPerFrame?: number;
  /**
   * A signature cell that moved by more than this (0..255) has changed. Defaults to 40: heads that move a
   * little (a few pixels, a few per cent of their size, frame to frame) move their cells by less; someone
   * walking in, or the light switched on, by more.
   */
  readonly cellChange?: number;
  /** This share of changed cells is a new scene. Defaults to 0.02 (12 of 576 cells at 1280×720). */
  readonly sceneChange?: number;
}

const DEFAULTS = {
  tracking: true,
  fullEveryMs: 2000,
  recheckMs: 10_000,
  unknownEveryMs: 1000,
  rechecksPerFrame: 2,
  cellChange: 40,
  sceneChange: 0.02,
};

export interface LiveStep extends TrackFrame {
  /** What this frame got: a full detection, or only its followed faces looked at again. */
  readonly kind: 'full' | 'follow';
  /** Why a full detection: nothing followed yet, its timer, a followed face lost, or the picture changed. */
  readonly reason: FullReason;
  /** Faces embedded in this frame. */
  readonly embedded: number;
  readonly stages: { readonly detectMs: number; readonly embedMs: number };
}

/** Why a frame gets a full detection ('none': it does not). */
export type FullReason = 'start' | 'timer' | 'lost' | 'scene' | 'none';

export class LiveSession {
  private readonly tracker: AttendanceTracker;
  private readonly options: typeof DEFAULTS & {
    readonly minFrames: number;
    readonly window: number;
    readonly pictureCheck: PictureCheck;
  };
  private lastFullAt = -Infinity;
  private lostFace = false;
  private lastSignature: Float32Array | null = null;

  constructor(
    classifier: ClassifierSnapshot,
    modelId: string,
    isMarked: (studentId: string) => boolean,
    options: LiveSessionOptions = {},
  ) {
    this.tracker = new AttendanceTracker(classifier, modelId, isMarked, options);
    const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
    const { minFrames, window, pictureCheck } = DEFAULT_TRACKER_OPTIONS;
    this.options = { ...DEFAULTS, minFrames, window, pictureCheck, ...defined };
  }

  async frame(work: FrameWork, now: number): Promise<LiveStep> {
    const o = this.options;
    const started = performance.now();
    const followed = o.tracking ? this.tracker.liveBoxes(now) : [];
    let reason: FullReason = !o.tracking || followed.length === 0 ? 'start' : 'none';
    if (reason === 'none' && now - this.lastFullAt >= o.fullEveryMs) reason = 'timer';
    if (reason === 'none' && this.lostFace) reason = 'lost';
    if (o.tracking) {
      const signature = await work.signature();
      if (reason === 'none' && this.lastSignature && this.changed(this.lastSignature, signature)) reason = 'scene';
      this.lastSignature = signature;
    }
    let detections: FaceDetection[];
    if (reason !== 'none') {
      detections = await work.detect();
      this.lastFullAt = now;
      this.lostFace = false;
    } else {
      const found = await work.refresh(followed);
      this.lostFace = found.some((f) => f === null);
      detections = distinct(found.filter((f): f is FaceDetection => f !== null));
    }
    const detected = performance.now();

    const plans = this.tracker.plan(detections, now);
    const chosen = o.tracking ? this.toEmbed(plans, now) : detections.map((_, i) => i);
    const embeddings = chosen.length ? await work.embed(chosen.map((i) => detections[i]!)) : [];
    const byFace = new Map(chosen.map((i, k) => [i, embeddings[k]!]));
    // Grey faces for the picture check: new faces and tracks whose verdict does not stand yet.
    const wanted =
      o.pictureCheck === 'off' || !work.greys ? [] : plans.flatMap((p, i) => (!p || p.needsPicture ? [i] : []));
    const greyList = wanted.length ? await work.greys!(wanted.map((i) => detections[i]!)) : [];
    const greys = new Map(wanted.map((i, k) => [i, greyList[k]!]));
    const step = this.tracker.update(
      detections.map((detection, i) => ({ detection, embedding: byFace.get(i) ?? null, grey: greys.get(i) ?? null })),
      now,
    );
    const done = performance.now();
    return {
      ...step,
      kind: reason === 'none' ? 'follow' : 'full',
      reason,
      embedded: chosen.length,
      stages: { detectMs: detected - started, embedMs: done - detected },
    };
  }

  /** The teacher says the face of track `trackId` is not `studentId`. */
  reject(trackId: number, studentId: string): void {
    this.tracker.reject(trackId, studentId);
  }

  /**
   * Which detections to embed: new and undecided faces all; then due re-checks, faces taken for nobody first
   * (a student not yet marked may be among them, in a view that did not pass), the longest waiting first.
   * A face that stays nobody's is looked at less and less often (a stranger costs little in the end).
   */
  private toEmbed(plans: readonly (TrackPlan | null)[], now: number): number[] {
    const o = this.options;
    const urgent: number[] = [];
    const due: { i: number; rank: number }[] = [];
    plans.forEach((p, i) => {
      if (!p || ((p.state === 'pending' || p.state === 'maybe' || p.embedded < o.minFrames) && !p.waitingForPicture)) {
        urgent.push(i);
        return;
      }
      const unknown = p.state === 'unknown';
      const every = unknown ? o.unknownEveryMs * (p.embedded >= 3 * o.window ? 4 : 1) : o.recheckMs;
      if (now - p.embeddedAt >= every) due.push({ i, rank: (unknown ? 0 : 1e12) + p.embeddedAt });
    });
    due.sort((a, b) => a.rank - b.rank);
    return [...urgent, ...due.slice(0, o.rechecksPerFrame).map((d) => d.i)].sort((a, b) => a - b);
  }

  private changed(before: Float32Array, after: Float32Array): boolean {
    if (before.length !== after.length) return true;
    let moved = 0;
    for (let k = 0; k < after.length; k++) if (Math.abs(after[k]! - before[k]!) > this.options.cellChange) moved++;
    return moved > this.options.sceneChange * after.length;
  }
}

/** Followed faces that O-Net moved onto the same face are one face (the more probable kept). */
function distinct(faces: readonly FaceDetection[]): FaceDetection[] {
  const kept: FaceDetection[] = [];
  for (const f of [...faces].sort((a, b) => b.score - a.score)) {
    if (!kept.some((k) => iou(k.box, f.box) > 0.5)) kept.push(f);
  }
  return kept;
}
