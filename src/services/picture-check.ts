/**
 * Is a tracked face a picture held up to the camera? Evidence gathered over the face's track, from what
 * the browser sees (see `npm run bench:liveness`, which measures this same code):
 *  - rigidity: how far the five landmarks stay from a 2D similarity transform of themselves a few
 *    observations earlier (RMS, in eye distances): a flat picture moves as one plane, a head in 3D does not;
 *  - change: how much the face itself changes (its 32×32 grey picture, contrast-normalised, mean absolute
 *    difference): a picture never blinks, talks or catches the light differently.
 * A track whose medians are both below the thresholds is "still": a picture. Measured on the shared live
 * video and on attacks made from LFW photos, it catches a still photo (9 of 9) and flags 2 of 12 live faces,
 * and it does not catch a photo that moves (hand-held, in a phone, on a screen with moiré: 0 of 27). Pure
 * logic: runs in the engine's worker, in Node tests and in the benchmark.
 */
import type { Point } from '../core/types';

/** What the teacher chose in Settings: ignore, tag the face "photo?" (still marked), or ask before marking. */
export type PictureCheck = 'off' | 'warn' | 'ask';

export type PictureVerdict = 'unsure' | 'moving' | 'still';

export interface PictureRule {
  /** Observations between the two compared. Defaults to 3 (0.3 s at 10 frames/s, as measured). */
  readonly gap: number;
  /** Observations of a track before a verdict. Defaults to 8. */
  readonly minObservations: number;
  /** Observations after which the verdict stands and no more are taken (they cost a crop a frame). Defaults to 16. */
  readonly maxObservations: number;
  /** Median rigidity below which the landmarks move as one plane. Defaults to 0.02 eye distances. */
  readonly rigidity: number;
  /** Median change below which the face never changes. Defaults to 0.15. */
  readonly change: number;
}

export const DEFAULT_PICTURE_RULE: PictureRule = {
  gap: 3,
  minObservations: 8,
  maxObservations: 16,
  rigidity: 0.02,
  change: 0.15,
};

/** Side of the grey face picture the change is measured on. */
export const PICTURE_SIDE = 32;

/** Least-squares 2D similarity from `a` to `b`; the RMS residual over the points. */
export function similarityResidual(a: readonly Point[], b: readonly Point[]): number {
  const n = a.length;
  const ma = a.reduce((s, p) => ({ x: s.x + p.x / n, y: s.y + p.y / n }), { x: 0, y: 0 });
  const mb = b.reduce((s, p) => ({ x: s.x + p.x / n, y: s.y + p.y / n }), { x: 0, y: 0 });
  let sxx = 0;
  let sxy = 0;
  let norm = 0;
  for (let i = 0; i < n; i++) {
    const ax = a[i]!.x - ma.x;
    const ay = a[i]!.y - ma.y;
    const bx = b[i]!.x - mb.x;
    const by = b[i]!.y - mb.y;
    sxx += ax * bx + ay * by;
    sxy += ax * by - ay * bx;
    norm += ax * ax + ay * ay;
  }
  const c = norm > 0 ? sxx / norm : 1;
  const s = norm > 0 ? sxy / norm : 0;
  let err = 0;
  for (let i = 0; i < n; i++) {
    const ax = a[i]!.x - ma.x;
    const ay = a[i]!.y - ma.y;
    const px = c * ax - s * ay + mb.x;
    const py = s * ax + c * ay + mb.y;
    err += (px - b[i]!.x) ** 2 + (py - b[i]!.y) ** 2;
  }
  return Math.sqrt(err / n);
}

/** `grey` contrast-normalised in place (mean 0, deviation 1), and returned. */
export function normaliseContrast(grey: Float32Array): Float32Array {
  const mean = grey.reduce((s, x) => s + x, 0) / grey.length;
  const sd = Math.sqrt(grey.reduce((s, x) => s + (x - mean) ** 2, 0) / grey.length) || 1;
  for (let i = 0; i < grey.length; i++) grey[i] = (grey[i]! - mean) / sd;
  return grey;
}

const median = (v: readonly number[]): number => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

export interface Observation {
  readonly landmarks: readonly Point[];
  /** The face's grey picture, contrast-normalised (see `normaliseContrast`). */
  readonly grey: Float32Array;
}

/** The evidence of one track; `add` each observation in order, `verdict` at any time. */
export class PictureEvidence {
  private readonly recent: Observation[] = [];
  private readonly rigidities: number[] = [];
  private readonly changes: number[] = [];
  private observations = 0;

  constructor(private readonly rule: PictureRule = DEFAULT_PICTURE_RULE) {}

  /** True once the verdict stands: further observations are not taken. */
  get settled(): boolean {
    return this.observations >= this.rule.maxObservations;
  }

  add(o: Observation): void {
    if (this.settled) return;
    this.observations += 1;
    this.recent.push(o);
    if (this.recent.length > this.rule.gap + 1) this.recent.shift();
    if (this.recent.length <= this.rule.gap) return;
    const before = this.recent[0]!;
    const [le, re] = o.landmarks;
    const eye = Math.hypot(re!.x - le!.x, re!.y - le!.y) || 1;
    this.rigidities.push(similarityResidual(before.landmarks, o.landmarks) / eye);
    let diff = 0;
    for (let i = 0; i < o.grey.length; i++) diff += Math.abs(o.grey[i]! - before.grey[i]!);
    this.changes.push(diff / o.grey.length);
  }

  /** The medians so far (NaN before the first pair). */
  figures(): { rigidity: number; change: number; observations: number } {
    return {
      rigidity: this.rigidities.length ? median(this.rigidities) : NaN,
      change: this.changes.length ? median(this.changes) : NaN,
      observations: this.observations,
    };
  }

  verdict(): PictureVerdict {
    if (this.observations < this.rule.minObservations || this.rigidities.length < 3) return 'unsure';
    const { rigidity, change } = this.figures();
    return rigidity < this.rule.rigidity && change < this.rule.change ? 'still' : 'moving';
  }
}
