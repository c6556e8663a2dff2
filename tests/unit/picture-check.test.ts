/**
 * The picture check on a small fake engine: a flat picture (landmarks moving as one plane, a face that
 * never changes) is "still", a head is "moving", and the tracker marks, tags or asks as the setting says.
 */
import { describe, expect, it } from 'vitest';
import { trainClassifier } from '../../src/classifier';
import { seededRandom } from '../../src/classifier/random';
import type { FaceDetection, Point } from '../../src/core/types';
import { AttendanceTracker, type TrackedFace } from '../../src/services/live-tracks';
import { normaliseContrast, PictureEvidence, similarityResidual } from '../../src/services/picture-check';

const random = seededRandom(5);
const BASE: Point[] = [
  { x: 100, y: 100 },
  { x: 140, y: 100 },
  { x: 120, y: 120 },
  { x: 105, y: 140 },
  { x: 135, y: 140 },
];
const face = Float32Array.from({ length: 1024 }, () => random());

/** Frame `i` of a picture moved as one plane: turned, scaled and shifted, its face unchanged but for noise. */
function picture(i: number): { landmarks: Point[]; grey: Float32Array } {
  const a = 0.05 * Math.sin(i / 3);
  const k = 1 + 0.03 * Math.sin(i / 5);
  const landmarks = BASE.map((p) => ({
    x: 120 + k * (Math.cos(a) * (p.x - 120) - Math.sin(a) * (p.y - 120)) + 4 * i,
    y: 120 + k * (Math.sin(a) * (p.x - 120) + Math.cos(a) * (p.y - 120)),
  }));
  return { landmarks, grey: normaliseContrast(face.map((v) => v + (random() - 0.5) * 0.01)) };
}

/** Frame `i` of a head: the nose and mouth move against the eyes as it turns, the face changes (talking). */
function head(i: number): { landmarks: Point[]; grey: Float32Array } {
  const turn = 6 * Math.sin(i / 2);
  const landmarks = BASE.map((p, j) => ({
    x: p.x + (j >= 2 ? turn : turn / 3),
    y: p.y + (j >= 3 ? Math.abs(turn) / 2 : 0),
  }));
  return { landmarks, grey: normaliseContrast(face.map((v, j) => v + 0.5 * Math.sin(i + j / 40))) };
}

describe('PictureEvidence', () => {
  it('fits a similarity exactly where the points are one moved, turned and scaled', () => {
    const moved = picture(7).landmarks;
    expect(similarityResidual(picture(0).landmarks, moved)).toBeLessThan(1e-9);
    expect(similarityResidual(BASE, head(3).landmarks)).toBeGreaterThan(1);
  });

  it('says nothing before eight observations, then "still" for a picture and "moving" for a head', () => {
    const still = new PictureEvidence();
    const moving = new PictureEvidence();
    for (let i = 0; i < 7; i++) {
      still.add(picture(i));
      moving.add(head(i));
    }
    expect([still.verdict(), moving.verdict()]).toEqual(['unsure', 'unsure']);
    still.add(picture(7));
    moving.add(head(7));
    expect(still.verdict()).toBe('still');
    expect(moving.verdict()).toBe('moving');
    expect(still.figures().rigidity).toBeLessThan(0.001);
    expect(moving.figures().change).toBeGreaterThan(0.15);
  });
});

describe('the tracker with the picture check', () => {
  const d = 16;
  const centre = Float32Array.from({ length: d }, (_, k) => (k === 0 ? 1 : 0));
  const other = Float32Array.from({ length: d }, (_, k) => (k === 1 ? 1 : 0));
  const near = (c: Float32Array) => Float32Array.from(c, (x) => x + (random() - 0.5) * 0.05);
  const classifier = trainClassifier(
    [
      ...Array.from({ length: 6 }, () => ({ label: 'S1', embedding: near(centre) })),
      ...Array.from({ length: 6 }, () => ({ label: 'S2', embedding: near(other) })),
    ],
    { modelId: 'fake' },
  );
  const frameOf = (o: { landmarks: Point[]; grey: Float32Array }): TrackedFace => {
    const detection: FaceDetection = {
      box: { x: o.landmarks[0]!.x - 20, y: 80, width: 80, height: 80 },
      score: 0.99,
      landmarks: o.landmarks as unknown as FaceDetection['landmarks'],
    };
    return { detection, embedding: near(centre), grey: o.grey };
  };
  const run = (check: 'off' | 'warn' | 'ask', source: typeof picture, frames: number) => {
    const tracker = new AttendanceTracker(classifier, 'fake', () => false, { pictureCheck: check });
    const steps = Array.from({ length: frames }, (_, i) => tracker.update([frameOf(source(i))], i * 100));
    return steps;
  };

  it('warn: marks the student as soon as usual and tags the track once it looks like a picture', () => {
    const steps = run('warn', picture, 10);
    expect(steps[1]!.newlyRecognised.map((r) => r.studentId)).toEqual(['S1']);
    expect(steps[9]!.tracks[0]).toMatchObject({ state: 'student', picture: 'still' });
  });

  it('ask: a picture is put to the teacher instead of being marked; a head is marked once it has moved', () => {
    const still = run('ask', picture, 10);
    expect(still.flatMap((s) => s.newlyRecognised)).toEqual([]);
    expect(still[4]!.tracks[0]).toMatchObject({ state: 'pending', picture: 'unsure' });
    expect(still[9]!.suggestions.map((t) => [t.studentId, t.picture])).toEqual([['S1', 'still']]);

    const live = run('ask', head, 10);
    const markedAt = live.findIndex((s) => s.newlyRecognised.length > 0);
    expect(markedAt).toBe(7);
    expect(live[markedAt]!.tracks[0]).toMatchObject({ state: 'student', picture: 'moving' });
  });

  it('off: looks at nothing', () => {
    const steps = run('off', picture, 10);
    expect(steps[1]!.newlyRecognised).toHaveLength(1);
    expect(steps[9]!.tracks[0]!.picture).toBe('unsure');
  });
});
