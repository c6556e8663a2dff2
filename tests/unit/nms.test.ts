import { describe, expect, it } from 'vitest';
import { nonMaxSuppression, type Corners, type OverlapMethod } from '../../src/detection/nms';
import golden from '../fixtures/nms-cases.json';

const toCorners = ([x1, y1, x2, y2]: number[]): Corners => ({ x1: x1!, y1: y1!, x2: x2!, y2: y2! });

describe('nonMaxSuppression', () => {
  for (const c of golden.cases) {
    it(c.name, () => {
      expect(nonMaxSuppression(c.boxes.map(toCorners), c.scores, c.threshold, c.method as OverlapMethod)).toEqual(
        c.keep,
      );
    });
  }

  it('returns the kept boxes highest score first', () => {
    const boxes = [0, 1, 2, 3].map((i) => toCorners([i * 100, 0, i * 100 + 9, 9]));
    expect(nonMaxSuppression(boxes, [0.2, 0.9, 0.5, 0.7], 0.5, 'union')).toEqual([1, 3, 2, 0]);
  });
});
