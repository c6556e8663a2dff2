/**
 * Which work a live session asks of each frame, on a fake frame: full detections and O-Net follows,
 * embeddings only for new and undecided faces, re-checks now and then, and the pipeline without tracking.
 */
import { describe, expect, it } from 'vitest';
import { trainClassifier, type ClassifierSnapshot } from '../../src/classifier';
import { seededRandom } from '../../src/classifier/random';
import type { Box, FaceDetection } from '../../src/core/types';
import { LiveSession, type FrameWork } from '../../src/services/live-session';

const d = 16;
const random = seededRandom(5);
const unit = (v: ArrayLike<number>): Float32Array => {
  const n = Math.hypot(...Array.from(v));
  return Float32Array.from(v, (x) => x / n);
};
const centres = Array.from({ length: 4 }, () => unit(Array.from({ length: d }, () => random() * 2 - 1)));
const faceOf = (c: number): Float32Array => unit(Array.from(centres[c]!, (x) => x + (random() * 2 - 1) * 0.1));
const classifier: ClassifierSnapshot = trainClassifier(
  centres.flatMap((_, c) => Array.from({ length: 6 }, () => ({ label: `S${c}`, embedding: faceOf(c) }))),
  { modelId: 'fake' },
);

const at = (x: number, score = 0.99): FaceDetection => ({
  box: { x, y: 100, width: 60, height: 60 },
  score,
  landmarks: [
    { x, y: 100 },
    { x, y: 100 },
    { x, y: 100 },
    { x, y: 100 },
    { x, y: 100 },
  ],
});

/** A frame showing students `who` (index → x position), with a call log. */
function frame(who: readonly number[], options: { lost?: number[]; signature?: number } = {}) {
  const calls = { detect: 0, refresh: [] as Box[][], embedded: [] as number[] };
  const xOf = (c: number): number => 100 + c * 150;
  const studentAt = (box: Box): number => Math.round((box.x - 100) / 150);
  const work: FrameWork = {
    detect: () => {
      calls.detect++;
      return Promise.resolve(who.map((c) => at(xOf(c))));
    },
    refresh: (boxes) => {
      calls.refresh.push([...boxes]);
      return Promise.resolve(
        boxes.map((b) => {
          const c = studentAt(b);
          return who.includes(c) && !(options.lost ?? []).includes(c) ? at(b.x + 2) : null;
        }),
      );
    },
    embed: (faces) => {
      calls.embedded.push(...faces.map((f) => studentAt(f.box)));
      return Promise.resolve(faces.map((f) => faceOf(studentAt(f.box))));
    },
    signature: () => Promise.resolve(new Float32Array(64).fill(options.signature ?? 100)),
  };
  return { work, calls };
}

describe('LiveSession', () => {
  it('detects in full at the start, then follows faces by O-Net, embedding only undecided ones', async () => {
    const session = new LiveSession(classifier, 'fake', () => false);
    const first = frame([0, 1, 2]);
    const a = await session.frame(first.work, 0);
    expect(a.kind).toBe('full');
    expect(first.calls.detect).toBe(1);
    expect(first.calls.embedded.sort()).toEqual([0, 1, 2]);
    expect(a.tracks.every((t) => t.state === 'pending')).toBe(true);

    // Second frame, 200 ms later: no full detection; every face still needs its second embedding.
    const second = frame([0, 1, 2]);
    const b = await session.frame(second.work, 200);
    expect(b.kind).toBe('follow');
    expect(second.calls.detect).toBe(0);
    expect(second.calls.refresh[0]).toHaveLength(3);
    expect(second.calls.embedded.sort()).toEqual([0, 1, 2]);
    expect(b.newlyRecognised.map((r) => r.studentId).sort()).toEqual(['S0', 'S1', 'S2']);

    // Settled: the next frames only follow them, until a re-check is due (two a frame at most).
    const third = frame([0, 1, 2]);
    const c = await session.frame(third.work, 400);
    expect(c.kind).toBe('follow');
    expect(third.calls.embedded).toEqual([]);
    expect(c.tracks.map((t) => t.state)).toEqual(['student', 'student', 'student']);
    const late = frame([0, 1, 2]);
    await session.frame(late.work, 2000);
    expect(late.calls.detect).toBe(1);
    const recheck = frame([0, 1, 2]);
    const r = await session.frame(recheck.work, 10_500);
    expect(recheck.calls.embedded).toHaveLength(2);
    expect(r.embedded).toBe(2);
  });

  it('goes back to a full detection when a followed face is lost, and when the picture changes', async () => {
    const session = new LiveSession(classifier, 'fake', () => false);
    await session.frame(frame([0, 1]).work, 0);
    const losing = frame([0, 1], { lost: [1] });
    const l = await session.frame(losing.work, 100);
    expect(l.kind).toBe('follow');
    expect(l.tracks).toHaveLength(1);
    const after = frame([0, 1]);
    expect((await session.frame(after.work, 200)).kind).toBe('full');

    // Someone walks in: the signature changes and the newcomer is found at once.
    const still = frame([0, 1]);
    expect((await session.frame(still.work, 300)).kind).toBe('follow');
    const walkIn = frame([0, 1, 3], { signature: 180 });
    const w = await session.frame(walkIn.work, 400);
    expect(w.kind).toBe('full');
    expect(walkIn.calls.embedded).toContain(3);
  });

  it('without tracking detects and embeds every face of every frame', async () => {
    const session = new LiveSession(classifier, 'fake', () => false, { tracking: false });
    for (const t of [0, 100, 200, 300]) {
      const f = frame([0, 1, 2]);
      const step = await session.frame(f.work, t);
      expect(step.kind).toBe('full');
      expect(f.calls.detect).toBe(1);
      expect(f.calls.refresh).toEqual([]);
      expect(f.calls.embedded).toHaveLength(3);
    }
  });

  it('keeps a face that two follows moved onto the same place once', async () => {
    const session = new LiveSession(classifier, 'fake', () => false);
    await session.frame(frame([0, 1]).work, 0);
    const merged: FrameWork = {
      ...frame([0, 1]).work,
      refresh: (boxes) => Promise.resolve(boxes.map(() => at(102))),
    };
    const step = await session.frame(merged, 100);
    expect(step.tracks).toHaveLength(1);
  });

  it("asks for the faces' grey pictures only where the picture check is on", async () => {
    const asked: number[] = [];
    const withGreys = (f: ReturnType<typeof frame>): FrameWork => ({
      ...f.work,
      greys: (faces) => {
        asked.push(faces.length);
        return Promise.resolve(faces.map(() => new Float32Array(1024).fill(0)));
      },
    });
    const off = new LiveSession(classifier, 'fake', () => false);
    await off.frame(withGreys(frame([0, 1])), 0);
    expect(asked).toEqual([]);
    const warn = new LiveSession(classifier, 'fake', () => false, { pictureCheck: 'warn' });
    for (let i = 0; i < 20; i++) await warn.frame(withGreys(frame([0, 1])), i * 100);
    // Each track's verdict stands after 16 observations: no grey faces are asked for after that.
    expect(asked).toEqual(Array.from({ length: 16 }, () => 2));
  });
});
