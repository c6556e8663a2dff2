/** Name tags in a crowded frame: every tag readable (no two overlap), each beside its own face. */
import { describe, expect, it } from 'vitest';
import type { Box } from '../../src/core/types';
import { layoutTags, tagOverlap } from '../../src/services/tag-layout';

/** A classroom: 5 rows of 7 faces, 40 px at the back to 80 px in front, as bench:classroom seats them. */
function classroom(): Box[] {
  const boxes: Box[] = [];
  for (let r = 0; r < 5; r++) {
    const size = 40 + 10 * r;
    for (let c = 0; c < 7; c++)
      boxes.push({ x: 60 + c * 175 + (r % 2) * 20, y: 20 + r * 140, width: size, height: size * 1.2 });
  }
  return boxes;
}

describe('layoutTags', () => {
  it('places 35 tags of a classroom frame without any overlapping another, each next to its face', () => {
    const boxes = classroom();
    const tags = layoutTags(
      boxes.map((box) => ({ box, width: 96, height: 20 })),
      1280,
      720,
    );
    expect(tags).toHaveLength(35);
    expect(tagOverlap(tags)).toBe(0);
    tags.forEach((t, i) => {
      const b = boxes[i]!;
      const gap = Math.max(
        0,
        t.x - (b.x + b.width),
        b.x - (t.x + t.width),
        t.y - (b.y + b.height),
        b.y - (t.y + t.height),
      );
      expect(gap).toBeLessThanOrEqual(2 * 20 + 4);
      expect(t.x).toBeGreaterThanOrEqual(0);
      expect(t.y).toBeGreaterThanOrEqual(0);
      expect(t.x + t.width).toBeLessThanOrEqual(1280);
      expect(t.y + t.height).toBeLessThanOrEqual(720);
    });
  });

  it('moves a tag that would cover its neighbour (faces side by side, tags wider than the faces)', () => {
    const boxes: Box[] = [
      { x: 100, y: 200, width: 40, height: 48 },
      { x: 150, y: 200, width: 40, height: 48 },
      { x: 200, y: 200, width: 40, height: 48 },
    ];
    const naive = boxes.map((b) => ({ x: b.x + b.width / 2 - 50, y: b.y - 22, width: 100, height: 20 }));
    expect(tagOverlap(naive)).toBeGreaterThan(0);
    const tags = layoutTags(
      boxes.map((box) => ({ box, width: 100, height: 20 })),
      640,
      480,
    );
    expect(tagOverlap(tags)).toBe(0);
  });
});
