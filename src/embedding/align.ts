/**
 * Face alignment: the similarity transform (rotation, uniform scale, shift) that best maps a model's
 * five-point template onto the detected landmarks, in the least-squares sense (Umeyama 1991, no reflection).
 */
import type { Point } from '../core/types';

/** x' = a·x − b·y + tx, y' = b·x + a·y + ty. */
export interface Similarity {
  readonly a: number;
  readonly b: number;
  readonly tx: number;
  readonly ty: number;
}

/** The similarity that maps `from` onto `to` with the least squared error; both need the same ≥ 2 points. */
export function fitSimilarity(from: readonly Point[], to: readonly Point[]): Similarity {
  const n = from.length;
  if (n < 2 || to.length !== n)
    throw new RangeError(`fitSimilarity needs two lists of the same ≥ 2 points; got ${n} and ${to.length}.`);
  let fx = 0;
  let fy = 0;
  let tx = 0;
  let ty = 0;
  for (let i = 0; i < n; i++) {
    fx += from[i]!.x;
    fy += from[i]!.y;
    tx += to[i]!.x;
    ty += to[i]!.y;
  }
  fx /= n;
  fy /= n;
  tx /= n;
  ty /= n;
  // With centred points p (from) and q (to): a = Σ(p·q) / Σ|p|², b = Σ(p×q) / Σ|p|².
  let dot = 0;
  let cross = 0;
  let norm = 0;
  for (let i = 0; i < n; i++) {
    const px = from[i]!.x - fx;
    const py = from[i]!.y - fy;
    const qx = to[i]!.x - tx;
    const qy = to[i]!.y - ty;
    dot += px * qx + py * qy;
    cross += px * qy - py * qx;
    norm += px * px + py * py;
  }
  if (norm === 0) throw new RangeError('fitSimilarity: the source points all coincide.');
  const a = dot / norm;
  const b = cross / norm;
  return { a, b, tx: tx - (a * fx - b * fy), ty: ty - (b * fx + a * fy) };
}

export function applySimilarity(t: Similarity, p: Point): Point {
  return { x: t.a * p.x - t.b * p.y + t.tx, y: t.b * p.x + t.a * p.y + t.ty };
}

export { ARCFACE_TEMPLATE_112, scaledTemplate } from '../core/face-template';
