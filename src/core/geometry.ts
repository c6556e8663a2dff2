import type { Box } from './types';

/** Intersection over union of two boxes; 0 where either is empty. */
export function iou(a: Box, b: Box): number {
  const x1 = Math.max(a.x, b.x);
  const y1 = Math.max(a.y, b.y);
  const x2 = Math.min(a.x + a.width, b.x + b.width);
  const y2 = Math.min(a.y + a.height, b.y + b.height);
  const inter = Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
  const union = a.width * a.height + b.width * b.height - inter;
  return union > 0 ? inter / union : 0;
}

/** The square with the box's centre and its longer side. */
export function squareAboutCentre(box: Box): Box {
  const side = Math.max(box.width, box.height);
  return {
    x: box.x + (box.width - side) / 2,
    y: box.y + (box.height - side) / 2,
    width: side,
    height: side,
  };
}

export interface BoxMatch {
  /** Index into the first list. */
  readonly a: number;
  /** Index into the second list. */
  readonly b: number;
  readonly iou: number;
}

/**
 * Greedy one-to-one matching by IoU, best pairs first; pairs under `minIou` stay unmatched.
 * Used to compare detectors and to score detections against labelled boxes.
 */
export function matchBoxes(first: readonly Box[], second: readonly Box[], minIou: number): BoxMatch[] {
  const pairs: BoxMatch[] = [];
  first.forEach((a, i) =>
    second.forEach((b, j) => {
      const v = iou(a, b);
      if (v >= minIou && v > 0) pairs.push({ a: i, b: j, iou: v });
    }),
  );
  pairs.sort((p, q) => q.iou - p.iou);
  const usedA = new Set<number>();
  const usedB = new Set<number>();
  const matches: BoxMatch[] = [];
  for (const p of pairs) {
    if (usedA.has(p.a) || usedB.has(p.b)) continue;
    usedA.add(p.a);
    usedB.add(p.b);
    matches.push(p);
  }
  return matches;
}
