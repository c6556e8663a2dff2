/** The live decision rule on a small fake engine: tracks, fused evidence, suggestions and rejections. */
import { describe, expect, it } from 'vitest';
import { trainClassifier, type ClassifierSnapshot } from '../../src/classifier';
import { seededRandom } from '../../src/classifier/random';
import type { FaceDetection } from '../../src/core/types';
import { AttendanceTracker } from '../../src/services/live-tracks';

const d = 32;
const random = seededRandom(11);
const unit = (v: ArrayLike<number>): Float32Array => {
  const n = Math.hypot(...Array.from(v));
  return Float32Array.from(v, (x) => x / n);
};
const centres = Array.from({ length: 6 }, () => unit(Array.from({ length: d }, () => random() * 2 - 1)));
/** A face of student `c` whose embedding lies `noise` away from its centre. */
const faceOf = (c: number, noise: number): Float32Array =>
  unit(Array.from(centres[c]!, (x) => x + (random() * 2 - 1) * noise));
const stranger = (): Float32Array => unit(Array.from({ length: d }, () => random() * 2 - 1));

const classifier: ClassifierSnapshot = trainClassifier(
  centres.flatMap((_, c) => Array.from({ length: 6 }, () => ({ label: `S${c}`, embedding: faceOf(c, 0.25) }))),
  { modelId: 'fake' },
);

const at = (x: number, y = 100, size = 60): FaceDetection => ({
  box: { x, y, width: size, height: size },
  score: 0.99,
  landmarks: [
    { x, y },
    { x, y },
    { x, y },
    { x, y },
    { x, y },
  ],
});

/** A face of student `c` between the "maybe" and accept thresholds (found by drawing). */
function maybeFace(c: number): Float32Array {
  for (let i = 0; i < 20_000; i++) {
    const e = unit(Array.from(centres[c]!, (x) => x + (random() * 2 - 1) * 0.9));
    const p = new AttendanceTracker(classifier, 'fake', () => false).update([{ detection: at(0), embedding: e }], 0);
    const s = p.tracks[0]!.prediction;
    if (s.verdict === 'maybe' && s.nearest === `S${c}`) return e;
  }
  throw new Error('no "maybe" face drawn');
}

describe('AttendanceTracker', () => {
  it('marks a student once their face has been seen in two frames, and only once', () => {
    const marked = new Set<string>();
    const tracker = new AttendanceTracker(classifier, 'fake', (id) => marked.has(id));
    const first = tracker.update([{ detection: at(100), embedding: faceOf(2, 0.2) }], 0);
    expect(first.tracks[0]!.state).toBe('pending');
    expect(first.newlyRecognised).toEqual([]);
    const second = tracker.update([{ detection: at(103), embedding: faceOf(2, 0.2) }], 500);
    expect(second.tracks).toHaveLength(1);
    expect(second.tracks[0]).toMatchObject({ state: 'student', studentId: 'S2', frames: 2 });
    expect(second.newlyRecognised.map((r) => r.studentId)).toEqual(['S2']);
    marked.add('S2');
    const third = tracker.update([{ detection: at(105), embedding: faceOf(2, 0.2) }], 1000);
    expect(third.newlyRecognised).toEqual([]);
    expect(third.tracks[0]).toMatchObject({ state: 'student', alreadyMarked: true });
  });

  it('fuses the frames of a track: noisy faces none of which passes alone are marked together', () => {
    const noisy = Array.from({ length: 8 }, () => faceOf(4, 1.1));
    const alone = noisy.map((e) =>
      new AttendanceTracker(classifier, 'fake', () => false).update([{ detection: at(0), embedding: e }], 0),
    );
    expect(alone.filter((f) => f.tracks[0]!.prediction.verdict === 'accept').length).toBeLessThan(3);
    const tracker = new AttendanceTracker(classifier, 'fake', () => false);
    let last = tracker.update([], 0);
    noisy.forEach((e, i) => (last = tracker.update([{ detection: at(200 + i), embedding: e }], i * 400)));
    expect(last.tracks[0]).toMatchObject({ state: 'student', studentId: 'S4' });
  });

  it('keeps strangers unknown, and gives a student to one face at most', () => {
    const tracker = new AttendanceTracker(classifier, 'fake', () => false);
    let frame = tracker.update([], 0);
    for (let i = 0; i < 3; i++) {
      frame = tracker.update(
        [
          { detection: at(0), embedding: stranger() },
          { detection: at(300), embedding: faceOf(1, 0.2) },
          { detection: at(600), embedding: faceOf(1, 0.2) },
        ],
        i * 500,
      );
    }
    expect(frame.tracks.find((t) => t.detection.box.x === 0)!.state).toBe('unknown');
    expect(frame.tracks.filter((t) => t.state === 'student' && t.studentId === 'S1')).toHaveLength(1);
  });

  it('suggests a "maybe" face once seen twice, never a marked student, and not again after a rejection', () => {
    const e = maybeFace(3);
    const marked = new Set<string>();
    const tracker = new AttendanceTracker(classifier, 'fake', (id) => marked.has(id));
    tracker.update([{ detection: at(400), embedding: e }], 0);
    const frame = tracker.update([{ detection: at(401), embedding: e }], 400);
    expect(frame.suggestions.map((s) => s.studentId)).toEqual(['S3']);
    // Rejected: neither this track nor a new track of the same face suggests S3 again.
    tracker.reject(frame.suggestions[0]!.id, 'S3');
    expect(tracker.update([{ detection: at(402), embedding: e }], 800).suggestions).toEqual([]);
    const later = new AttendanceTracker(classifier, 'fake', (id) => marked.has(id));
    later.update([{ detection: at(0), embedding: e }], 0);
    expect(later.update([{ detection: at(1), embedding: e }], 400).suggestions).toHaveLength(1);
    // A student marked already (by hand, say) is never suggested.
    marked.add('S3');
    expect(later.update([{ detection: at(2), embedding: e }], 800).suggestions).toEqual([]);
  });

  it("keeps a still face's track over slow frames, and ends it once missed in two frames", () => {
    const tracker = new AttendanceTracker(classifier, 'fake', () => false);
    tracker.update([{ detection: at(100), embedding: faceOf(0, 0.2) }], 0);
    // 4 s between frames (30 faces on a slow laptop): the same track.
    expect(tracker.update([{ detection: at(101), embedding: faceOf(0, 0.2) }], 4000).tracks[0]).toMatchObject({
      frames: 2,
      state: 'student',
    });
    tracker.update([], 8000);
    tracker.update([], 12000);
    const after = tracker.update([{ detection: at(100), embedding: faceOf(5, 0.2) }], 16000);
    expect(after.tracks[0]).toMatchObject({ frames: 1, state: 'pending' });
  });
});
