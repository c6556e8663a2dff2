import { describe, expect, it } from 'vitest';
import { iou, matchBoxes, squareAboutCentre } from '../../src/core/geometry';

describe('iou', () => {
  it('is 1 for the same box, 0 for disjoint ones, and overlap / union otherwise', () => {
    const a = { x: 0, y: 0, width: 10, height: 10 };
    expect(iou(a, a)).toBe(1);
    expect(iou(a, { x: 20, y: 0, width: 5, height: 5 })).toBe(0);
    // 5×10 overlap = 50; union 100 + 100 - 50
    expect(iou(a, { x: 5, y: 0, width: 10, height: 10 })).toBeCloseTo(50 / 150, 12);
  });
  it('is 0 for an empty box', () => {
    expect(iou({ x: 0, y: 0, width: 0, height: 0 }, { x: 0, y: 0, width: 0, height: 0 })).toBe(0);
  });
});

describe('squareAboutCentre', () => {
  it('grows the shorter side about the centre', () => {
    expect(squareAboutCentre({ x: 10, y: 20, width: 72, height: 100 })).toEqual({
      x: -4,
      y: 20,
      width: 100,
      height: 100,
    });
  });
});

describe('matchBoxes', () => {
  it('pairs best overlaps first, one to one, and leaves weak pairs out', () => {
    const a = [
      { x: 0, y: 0, width: 10, height: 10 },
      { x: 100, y: 0, width: 10, height: 10 },
    ];
    const b = [
      { x: 1, y: 0, width: 10, height: 10 },
      { x: 0, y: 0, width: 10, height: 10 },
      { x: 300, y: 0, width: 10, height: 10 },
    ];
    const m = matchBoxes(a, b, 0.4);
    expect(m).toHaveLength(1);
    expect(m[0]).toMatchObject({ a: 0, b: 1, iou: 1 });
  });
});
