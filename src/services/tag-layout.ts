/**
 * Where the name tags of a crowded frame go: each tag beside its own face (above, below, left or right of
 * the box, or a little further out), never over another tag, inside the frame. Pure geometry, so the
 * placement is tested without a canvas.
 */
import type { Box } from '../core/types';

export interface TagRequest {
  /** The face's box in frame pixels. */
  readonly box: Box;
  /** The tag's size in frame pixels. */
  readonly width: number;
  readonly height: number;
}

const overlap = (a: Box, b: Box): number =>
  Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)) *
  Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));

/**
 * A place for every tag, in the order given: the first candidate position that overlaps no tag placed
 * before it and no other face's box, else the one that overlaps least. Faces nearer the top are placed
 * first, so a back row's tags go above it and a front row's have room below.
 */
export function layoutTags(requests: readonly TagRequest[], frameWidth: number, frameHeight: number): Box[] {
  const order = requests.map((_, i) => i).sort((a, b) => requests[a]!.box.y - requests[b]!.box.y);
  const placed: Box[] = new Array<Box>(requests.length);
  const taken: Box[] = [];
  const clamp = (b: Box): Box => ({
    x: Math.min(Math.max(0, b.x), Math.max(0, frameWidth - b.width)),
    y: Math.min(Math.max(0, b.y), Math.max(0, frameHeight - b.height)),
    width: b.width,
    height: b.height,
  });
  for (const i of order) {
    const { box, width: w, height: h } = requests[i]!;
    const cx = box.x + box.width / 2 - w / 2;
    const gap = 2;
    const candidates: Box[] = [
      { x: cx, y: box.y - h - gap, width: w, height: h },
      { x: cx, y: box.y + box.height + gap, width: w, height: h },
      { x: box.x + box.width + gap, y: box.y + box.height / 2 - h / 2, width: w, height: h },
      { x: box.x - w - gap, y: box.y + box.height / 2 - h / 2, width: w, height: h },
      { x: cx, y: box.y + gap, width: w, height: h },
      { x: cx, y: box.y + box.height - h - gap, width: w, height: h },
      { x: cx, y: box.y - 2 * h - 2 * gap, width: w, height: h },
      { x: cx, y: box.y + box.height + h + 2 * gap, width: w, height: h },
    ].map(clamp);
    const others = requests.filter((_, j) => j !== i).map((r) => r.box);
    const cost = (c: Box): number =>
      taken.reduce((s, t) => s + overlap(c, t), 0) * 4 + others.reduce((s, b) => s + overlap(c, b), 0);
    let best = candidates[0]!;
    let bestCost = Infinity;
    for (const c of candidates) {
      const v = cost(c);
      if (v < bestCost) {
        best = c;
        bestCost = v;
      }
      if (v === 0) break;
    }
    placed[i] = best;
    taken.push(best);
  }
  return placed;
}

/** Total area where two tags overlap (0 for a readable layout); for tests and checks. */
export function tagOverlap(tags: readonly Box[]): number {
  let s = 0;
  for (let i = 0; i < tags.length; i++) for (let j = i + 1; j < tags.length; j++) s += overlap(tags[i]!, tags[j]!);
  return s;
}
