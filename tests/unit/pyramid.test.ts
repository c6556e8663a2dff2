import { describe, expect, it } from 'vitest';
import { computePyramid } from '../../src/detection/pyramid';

describe('computePyramid', () => {
  it('gives the original scales for 640×480 at min face 20', () => {
    const levels = computePyramid(480, 640, 20, 0.709);
    // m = 12/20 = 0.6; the shorter side 288, 204.2, …, 13.04 stays ≥ 12 for ten levels (next: 9.25).
    expect(levels).toHaveLength(10);
    expect(levels[0]).toEqual({ scale: 0.6, height: 288, width: 384 });
    expect(levels[1]!.scale).toBeCloseTo(0.4254, 12);
    expect([levels[1]!.height, levels[1]!.width]).toEqual([205, 273]);
    expect([levels[9]!.height, levels[9]!.width]).toEqual([14, 18]);
  });

  it('has fewer levels for a larger minimum face', () => {
    // m = 0.3: shorter side 144, 102.1, …, 14.6 → 8 levels
    expect(computePyramid(480, 640, 40, 0.709)).toHaveLength(8);
  });

  it('is empty when the image is smaller than the smallest face', () => {
    expect(computePyramid(10, 10, 12, 0.709)).toEqual([]);
    expect(computePyramid(19, 400, 20, 0.709)).toEqual([]);
  });

  it('follows the shorter side of an odd aspect ratio', () => {
    const levels = computePyramid(50, 4000, 20, 0.709);
    // shorter side 30, 21.3, 15.1 → 3 levels
    expect(levels).toHaveLength(3);
    expect(levels[0]).toEqual({ scale: 0.6, height: 30, width: 2400 });
  });
});
