/** The rules behind the screens: the enrolment gate and pose hints, sighting confirmation, the training summary. */
import { DEFAULT_LIVE_DETECTOR, detectorEntry } from '../../src/detection';
import { describe, expect, it } from 'vitest';
import { trainClassifier, type TrainingSample } from '../../src/classifier';
import { seededRandom } from '../../src/classifier/random';
import { summariseTraining } from '../../src/classifier/summary';
import type { FaceDetection } from '../../src/core/types';
import {
  DEFAULT_GATE,
  enrolmentFace,
  judgeCapture,
  judgeFaces,
  photoFaces,
  photoProblem,
  poseHint,
} from '../../src/services/enrolment';
import type { FaceCapture } from '../../src/services/face-engine';
import { FpsMeter } from '../../src/services/frame-loop';
import { withThreshold } from '../../src/services/recognition';
import { DEFAULT_SETTINGS } from '../../src/db/settings';
import { DEFAULT_EMBEDDING_MODEL } from '../../src/embedding/models';

const face = (width: number): FaceDetection => ({
  box: { x: 10, y: 10, width, height: width },
  score: 0.99,
  landmarks: [
    { x: 0, y: 0 },
    { x: 0, y: 0 },
    { x: 0, y: 0 },
    { x: 0, y: 0 },
    { x: 0, y: 0 },
  ],
});

const unit = (v: number[]): Float32Array => {
  const n = Math.hypot(...v);
  return Float32Array.from(v, (x) => x / n);
};

const capture = (embedding: Float32Array, sharpness: number): FaceCapture => ({
  detection: face(120),
  embedding,
  image: new Blob([]),
  imageFace: face(120),
  sharpness,
  faceSize: 120,
});

describe('enrolment gate', () => {
  it('wants exactly one face, big enough, and says what to do otherwise', () => {
    expect(judgeFaces([face(150)])).toEqual({ ok: true });
    expect(judgeFaces([])).toMatchObject({ ok: false, reason: expect.stringMatching(/No face/) as string });
    expect(judgeFaces([face(150), face(150)])).toMatchObject({
      reason: expect.stringMatching(/^2 faces close/) as string,
    });
    expect(judgeFaces([face(DEFAULT_GATE.minFaceSize - 1)])).toMatchObject({
      reason: expect.stringMatching(/closer/) as string,
    });
  });

  it('ignores small faces further back and takes the one near the camera', () => {
    const near = face(150);
    expect(judgeFaces([face(40), near])).toEqual({ ok: true });
    expect(enrolmentFace([face(40), near])).toEqual([near]);
    expect(enrolmentFace([face(150), near])).toEqual([]);
  });

  it('refuses blurred captures and copies of the previous sample', () => {
    const a = unit([1, 0, 0]);
    expect(judgeCapture(capture(a, DEFAULT_GATE.minSharpness + 1), null)).toEqual({ ok: true });
    expect(judgeCapture(capture(a, DEFAULT_GATE.minSharpness - 1), null)).toMatchObject({
      reason: expect.stringMatching(/Blurred/) as string,
    });
    expect(judgeCapture(capture(a, 100), unit([1, 0.01, 0]))).toMatchObject({
      reason: expect.stringMatching(/Same as the last/) as string,
    });
    expect(judgeCapture(capture(a, 100), unit([1, 0.3, 0]))).toEqual({ ok: true });
  });

  it('asks for each pose in turn over the samples', () => {
    const hints = Array.from({ length: 20 }, (_, i) => poseHint(i, 20));
    expect(hints[0]).toMatch(/straight/);
    expect(new Set(hints).size).toBe(6);
    expect(hints).toContain('Turn a little to the left.');
    expect(poseHint(0, 1)).toMatch(/straight/);
  });
});

describe('FpsMeter', () => {
  it('gives the rate over the last frames only', () => {
    const m = new FpsMeter(3);
    expect(m.tick(0)).toBe(0);
    expect(m.tick(500)).toBe(2);
    expect(m.tick(1000)).toBe(2);
    expect(m.tick(1100)).toBeCloseTo(2000 / 600, 12); // frames at 500, 1000, 1100: 2 intervals in 600 ms
  });
});

describe('training summary', () => {
  it('counts people and images, flags students with few photos and pairs the model confuses', () => {
    const random = seededRandom(4);
    const d = 16;
    const centre = (): number[] => Array.from({ length: d }, () => random() * 2 - 1);
    const near = (c: number[], spread: number): Float32Array => unit(c.map((x) => x + (random() * 2 - 1) * spread));
    const a = centre();
    const twin = a.map((x) => x + (random() * 2 - 1) * 0.05);
    const other = centre();
    const samples: TrainingSample[] = [
      ...Array.from({ length: 8 }, () => ({ label: 'A', embedding: near(a, 0.6) })),
      ...Array.from({ length: 8 }, () => ({ label: 'B', embedding: near(twin, 0.6) })),
      ...Array.from({ length: 3 }, () => ({ label: 'C', embedding: near(other, 0.05) })),
    ];
    const snapshot = trainClassifier(samples, { modelId: 'm' });
    const summary = summariseTraining(snapshot, samples);
    expect(summary).toMatchObject({ people: 3, images: 19, perStudent: { A: 8, B: 8, C: 3 }, fewSamples: ['C'] });
    expect(summary.lookAlikes[0]).toMatchObject({ a: 'A', b: 'B' });
    expect(summary.lookAlikes.some((p) => p.a === 'C' || p.b === 'C')).toBe(false);
    // The teacher's threshold replaces the measured one; null keeps it.
    expect(withThreshold(snapshot, 0.3).threshold).toBe(0.3);
    expect(withThreshold(snapshot, null)).toBe(snapshot);
  });
});

describe('the face a photo enrols', () => {
  const at = (x: number, y: number, width: number): FaceDetection => ({
    ...face(width),
    box: { x, y, width, height: width * 1.2 },
  });

  it('takes the large face and ignores people further back and a phantom "face" on the forehead', () => {
    const main = at(300, 200, 200);
    expect(photoFaces([main], 800, 600)).toEqual([main]);
    expect(photoFaces([at(20, 40, 60), main, at(700, 30, 50)], 800, 600)).toEqual([main]);
    expect(photoFaces([main, at(380, 210, 26)], 800, 600)).toEqual([main]);
    expect(photoFaces([], 800, 600)).toEqual([]);
  });

  it('takes the face a photo of two is centred on, and refuses one where neither is', () => {
    const centre = at(340, 230, 120);
    const side = at(40, 230, 110);
    expect(photoFaces([side, centre], 800, 600)).toEqual([centre]);
    const left = at(150, 230, 120);
    const right = at(530, 230, 120);
    expect(photoFaces([left, right], 800, 600)).toEqual([]);
    expect(photoProblem('pair.jpg', { faces: [left, right], captures: [] })).toMatch(/2 faces of about the same size/);
  });
});

describe('defaults', () => {
  it('start new teachers on the default recognition model', () => {
    expect(DEFAULT_SETTINGS.modelId).toBe(DEFAULT_EMBEDDING_MODEL.id);
  });

  it("start live attendance on the registry's live detector", () => {
    expect(DEFAULT_SETTINGS.liveDetector).toBe(DEFAULT_LIVE_DETECTOR);
    expect(detectorEntry(DEFAULT_SETTINGS.liveDetector).id).toBe(DEFAULT_SETTINGS.liveDetector);
  });
});
