/** The batched warp puts the five landmarks of a turned, scaled face where the template wants them. */
import { beforeAll, describe, expect, it } from 'vitest';
import type { FaceDetection, FiveLandmarks } from '../../src/core/types';
import { applySimilarity, scaledTemplate } from '../../src/embedding/align';
import { alignFaces } from '../../src/embedding/embedder';
import { tf, useWasm } from '../helpers/tf-node';

beforeAll(useWasm);

function faceWithMarks(turnDeg: number, scale: number, cx: number, cy: number, size: number) {
  const template = scaledTemplate(size, 1);
  const a = scale * Math.cos((turnDeg * Math.PI) / 180);
  const b = scale * Math.sin((turnDeg * Math.PI) / 180);
  // Template (crop) → frame: turn and scale about the crop centre, then move to (cx, cy).
  const t = { a, b, tx: cx - (a * size) / 2 + (b * size) / 2, ty: cy - (b * size) / 2 - (a * size) / 2 };
  const points = template.map((p) => applySimilarity(t, p));
  return { template, points };
}

describe('alignFaces', () => {
  it('brings marks at the landmarks of two turned faces onto the template', () => {
    const size = 112;
    const faces = [faceWithMarks(25, 1.4, 120, 110, size), faceWithMarks(-40, 0.9, 300, 140, size)];
    const frame = tf.tidy(() => {
      const buffer = tf.buffer<tf.Rank.R3>([240, 420, 3], 'float32');
      for (const f of faces) {
        for (const p of f.points) {
          for (let dy = -2; dy <= 2; dy++) {
            for (let dx = -2; dx <= 2; dx++) {
              for (let c = 0; c < 3; c++) buffer.set(255, Math.round(p.y) + dy, Math.round(p.x) + dx, c);
            }
          }
        }
      }
      return buffer.toTensor();
    });
    const detections: FaceDetection[] = faces.map((f) => ({
      box: { x: 0, y: 0, width: 1, height: 1 },
      score: 1,
      landmarks: f.points as unknown as FiveLandmarks,
    }));
    const before = tf.memory().numTensors;
    const crops = alignFaces(frame, detections, size, 1);
    expect(tf.memory().numTensors).toBe(before + 1);
    expect(crops.shape).toEqual([2, size, size, 3]);
    const pixels = crops.arraySync();
    faces.forEach((f, i) => {
      for (const p of f.template) {
        expect(pixels[i]![Math.round(p.y)]![Math.round(p.x)]![0]).toBeGreaterThan(150);
      }
      // Between the eyes there is no mark.
      const mid = { x: (f.template[0]!.x + f.template[1]!.x) / 2, y: f.template[0]!.y };
      expect(pixels[i]![Math.round(mid.y)]![Math.round(mid.x)]![0]).toBeLessThan(20);
    });
    tf.dispose([frame, crops]);
  });
});
