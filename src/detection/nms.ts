/** Greedy non-maximum suppression with the original MTCNN's conventions (inclusive pixel boxes, +1 areas). */

export interface Corners {
  readonly x1: number;
  readonly y1: number;
  readonly x2: number;
  readonly y2: number;
}

/**
 * 'union' divides the overlap by the union of the two boxes (IoU); 'min' by the smaller box, which also
 * removes a small box lying inside a larger one.
 */
export type OverlapMethod = 'union' | 'min';

/**
 * Indices of the boxes kept, the highest score first. A box is dropped when its overlap with a kept,
 * higher-scoring box is above `threshold`. Of equal scores the later index is kept first.
 */
export function nonMaxSuppression(
  boxes: readonly Corners[],
  scores: ArrayLike<number>,
  threshold: number,
  method: OverlapMethod,
): number[] {
  const order = Array.from(boxes.keys()).sort((a, b) => scores[a]! - scores[b]! || a - b);
  const areas = boxes.map((b) => (b.x2 - b.x1 + 1) * (b.y2 - b.y1 + 1));
  const keep: number[] = [];
  const suppressed = new Uint8Array(boxes.length);
  for (let k = order.length - 1; k >= 0; k--) {
    const i = order[k]!;
    if (suppressed[i]) continue;
    keep.push(i);
    const bi = boxes[i]!;
    for (let q = k - 1; q >= 0; q--) {
      const j = order[q]!;
      if (suppressed[j]) continue;
      const bj = boxes[j]!;
      const w = Math.max(0, Math.min(bi.x2, bj.x2) - Math.max(bi.x1, bj.x1) + 1);
      const h = Math.max(0, Math.min(bi.y2, bj.y2) - Math.max(bi.y1, bj.y1) + 1);
      const inter = w * h;
      const overlap =
        method === 'min' ? inter / Math.min(areas[i]!, areas[j]!) : inter / (areas[i]! + areas[j]! - inter);
      if (overlap > threshold) suppressed[j] = 1;
    }
  }
  return keep;
}
