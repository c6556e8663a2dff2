import { describe, expect, it } from 'vitest';
import { ARCFACE_TEMPLATE_112, applySimilarity, fitSimilarity, scaledTemplate } from '../../src/embedding/align';

const rot = (deg: number, scale: number, tx: number, ty: number) => ({
  a: scale * Math.cos((deg * Math.PI) / 180),
  b: scale * Math.sin((deg * Math.PI) / 180),
  tx,
  ty,
});

describe('fitSimilarity', () => {
  it('recovers a known rotation, scale and shift exactly', () => {
    const truth = rot(30, 2, 5, -3);
    const moved = ARCFACE_TEMPLATE_112.map((p) => applySimilarity(truth, p));
    const fit = fitSimilarity(ARCFACE_TEMPLATE_112, moved);
    expect(fit.a).toBeCloseTo(2 * Math.cos(Math.PI / 6), 10);
    expect(fit.b).toBeCloseTo(2 * Math.sin(Math.PI / 6), 10);
    expect(fit.tx).toBeCloseTo(5, 9);
    expect(fit.ty).toBeCloseTo(-3, 9);
  });

  it('maps two points onto two points exactly', () => {
    // (0,0)→(10,10) and (1,0)→(10,12): a 90° turn, scale 2, shift (10,10).
    const fit = fitSimilarity(
      [
        { x: 0, y: 0 },
        { x: 1, y: 0 },
      ],
      [
        { x: 10, y: 10 },
        { x: 10, y: 12 },
      ],
    );
    expect(fit.a).toBeCloseTo(0, 12);
    expect(fit.b).toBeCloseTo(2, 12);
    expect(applySimilarity(fit, { x: 0, y: 1 })).toEqual({ x: 8, y: 10 });
  });

  it('gives the least-squares fit when the points do not fit exactly', () => {
    // A square onto a slightly squashed square: the best similarity keeps the centre and averages the sides.
    const from = [
      { x: -1, y: -1 },
      { x: 1, y: -1 },
      { x: 1, y: 1 },
      { x: -1, y: 1 },
    ];
    const to = from.map((p) => ({ x: p.x * 3, y: p.y }));
    const fit = fitSimilarity(from, to);
    expect(fit.a).toBeCloseTo(2, 12);
    expect(fit.b).toBeCloseTo(0, 12);
    expect(fit.tx).toBeCloseTo(0, 12);
  });

  it('refuses degenerate input', () => {
    expect(() => fitSimilarity([{ x: 1, y: 1 }], [{ x: 1, y: 1 }])).toThrow(RangeError);
    const same = [
      { x: 2, y: 2 },
      { x: 2, y: 2 },
    ];
    expect(() => fitSimilarity(same, same)).toThrow(/coincide/);
  });
});

describe('scaledTemplate', () => {
  it('is the ArcFace template at 112 px and zoom 1', () => {
    expect(scaledTemplate(112, 1)).toEqual(ARCFACE_TEMPLATE_112.map((p) => ({ x: p.x, y: p.y })));
  });
  it('scales with the size and pulls points towards the centre below zoom 1', () => {
    const t = scaledTemplate(224, 0.5);
    expect(t[0]!.x).toBeCloseTo(112 + (38.2946 * 2 - 112) * 0.5, 10);
    expect(t[0]!.y).toBeCloseTo(112 + (51.6963 * 2 - 112) * 0.5, 10);
  });
});
