import { describe, expect, it } from 'vitest';
import {
  candidatesFromPnetMap,
  cropWindow,
  landmarksFromOnet,
  regressBox,
  scaleDetection,
  squareBox,
  truncateBox,
} from '../../src/detection/boxes';

const box = { x1: 10, y1: 20, x2: 30, y2: 50, score: 0.8 };

describe('regressBox', () => {
  it('moves each corner by its offset times x2 - x1 (P-Net stage)', () => {
    expect(regressBox(box, [0.1, -0.1, 0.2, 0], false)).toEqual({ x1: 12, y1: 17, x2: 34, y2: 50, score: 0.8 });
  });
  it('uses x2 - x1 + 1 for R-Net and O-Net', () => {
    const r = regressBox(box, [0.1, -0.1, 0.2, 0], true);
    expect(r.x1).toBeCloseTo(12.1, 10);
    expect(r.y1).toBeCloseTo(16.9, 10);
    expect(r.x2).toBeCloseTo(34.2, 10);
    expect(r.y2).toBe(50);
  });
});

describe('squareBox', () => {
  it('keeps the centre and takes the longer side', () => {
    expect(squareBox(box)).toEqual({ x1: 5, y1: 20, x2: 35, y2: 50, score: 0.8 });
  });
  it('leaves a square alone', () => {
    const sq = { x1: 0, y1: 0, x2: 10, y2: 10, score: 1 };
    expect(squareBox(sq)).toEqual(sq);
  });
});

describe('truncateBox', () => {
  it('truncates towards zero like np.fix', () => {
    expect(truncateBox({ x1: -1.7, y1: 2.9, x2: 3.2, y2: 7.99, score: 0.5 })).toEqual({
      x1: -1,
      y1: 2,
      x2: 3,
      y2: 7,
      score: 0.5,
    });
  });
});

describe('candidatesFromPnetMap', () => {
  // 2 rows × 3 cols, 5 values a cell; cell (row 1, col 2) has p = 0.9, the others p ≈ 0.007.
  const map = new Float32Array(2 * 3 * 5).fill(-5);
  const at = (1 * 3 + 2) * 5;
  map.set([Math.log(9), 0.1, 0.2, 0.3, 0.4], at);

  it('maps a passing cell back through the scale, with its offsets', () => {
    const { boxes, offsets } = candidatesFromPnetMap(map, 0, 2, 3, 0.5, 0.6);
    expect(boxes).toHaveLength(1);
    // x1 = fix((2·2 + 1) / 0.5), y1 = fix((2·1 + 1) / 0.5), x2 = fix((2·2 + 12) / 0.5), y2 = fix((2·1 + 12) / 0.5)
    expect(boxes[0]).toMatchObject({ x1: 10, y1: 6, x2: 32, y2: 28 });
    expect(boxes[0]!.score).toBeCloseTo(0.9, 6);
    expect(offsets[0]!.map((v) => Number(v.toFixed(6)))).toEqual([0.1, 0.2, 0.3, 0.4]);
  });

  it('reads from an offset into a longer buffer', () => {
    const longer = new Float32Array(7 + map.length).fill(9);
    longer.set(map, 7);
    expect(candidatesFromPnetMap(longer, 7, 2, 3, 0.5, 0.6).boxes).toHaveLength(1);
  });

  it('lets nothing pass a threshold of 1 and everything pass 0', () => {
    expect(candidatesFromPnetMap(map, 0, 2, 3, 1, 1).boxes).toHaveLength(0);
    expect(candidatesFromPnetMap(map, 0, 2, 3, 1, 0).boxes).toHaveLength(6);
  });
});

describe('cropWindow', () => {
  it('puts 24 samples on the pixel centres of a 24-px box', () => {
    // 1-based pixels 1..24 are 0-based 0..23; normalised by (extent - 1).
    const [y1, x1, y2, x2] = cropWindow({ x1: 1, y1: 1, x2: 24, y2: 24 }, 24, 100, 100);
    expect([y1, x1]).toEqual([0, 0]);
    expect(y2).toBeCloseTo(23 / 99, 12);
    expect(x2).toBeCloseTo(23 / 99, 12);
  });
  it('samples a 48-px span at 2-px steps, centred like an area resize', () => {
    // x: 0-based 10..57, step 2, first sample 10 + 1 - 0.5 = 10.5, last 10.5 + 23·2 = 56.5
    const [y1, x1, y2, x2] = cropWindow({ x1: 11, y1: 21, x2: 58, y2: 44 }, 24, 50, 200);
    expect(x1).toBeCloseTo(10.5 / 199, 12);
    expect(x2).toBeCloseTo(56.5 / 199, 12);
    expect(y1).toBeCloseTo(20 / 49, 12);
    expect(y2).toBeCloseTo(43 / 49, 12);
  });
});

describe('landmarksFromOnet', () => {
  it('scales fractions by the inclusive box size and shifts to 0-based pixels', () => {
    const values = [9, 0.25, 0.75, 0.5, 0.3, 0.7, 0.5, 0.5, 0.25, 0.8, 0.8];
    const points = landmarksFromOnet({ x1: 10, y1: 20, x2: 29, y2: 59 }, values, 1);
    expect(points[0]).toEqual({ x: 14, y: 39 });
    expect(points[1]).toEqual({ x: 24, y: 39 });
    expect(points[2]).toEqual({ x: 19, y: 29 });
  });
});

describe('scaleDetection', () => {
  it('scales box and landmarks on each axis', () => {
    const p = { x: 1, y: 2 };
    const face = { box: { x: 1, y: 2, width: 3, height: 4 }, score: 0.9, landmarks: [p, p, p, p, p] as const };
    const scaled = scaleDetection(face, 2, 3);
    expect(scaled.box).toEqual({ x: 2, y: 6, width: 6, height: 12 });
    expect(scaled.landmarks[4]).toEqual({ x: 2, y: 6 });
    expect(scaled.score).toBe(0.9);
  });
});
