/**
 * The live use case on a real (fake-indexeddb) database with plain frames: arrivals, write throttle, marks
 * by hand that show at once while a frame is still being written, and closing the session.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { Prediction } from '../../src/classifier';
import { addStudent } from '../../src/db/students';
import { startSession } from '../../src/services/attendance';
import type { LiveFrame } from '../../src/services/engine-core';
import { BannerQueue } from '../../src/services/banners';
import { expectedStudents, LiveAttendance } from '../../src/services/live-attendance';
import type { TrackState, TrackView } from '../../src/services/live-tracks';
import { studentForm } from '../helpers/students';
import { useTestDatabase } from '../helpers/test-db';

const t = useTestDatabase('live-attendance');

const track = (id: number, studentId: string, state: TrackState): TrackView => ({
  id,
  detection: { box: { x: id * 100, y: 0, width: 60, height: 60 }, score: 0.99, landmarks: [] as never },
  state,
  studentId,
  prediction: { probability: 0.9, score: 0.8, verdict: 'accept', nearest: studentId } as unknown as Prediction,
  frames: 2,
  embedded: 2,
  alreadyMarked: false,
  picture: 'unsure',
});

function liveFrame(tracks: TrackView[], fresh: string[] = []): LiveFrame {
  return {
    tracks,
    newlyRecognised: tracks
      .filter((x) => fresh.includes(x.studentId))
      .map((x) => ({ studentId: x.studentId, track: x })),
    suggestions: [],
    kind: 'follow',
    reason: 'none',
    embedded: 0,
    stages: { detectMs: 1, embedMs: 1 },
    width: 640,
    height: 480,
    ms: 2,
    backend: 'wasm',
    tensors: 10,
  };
}

describe('LiveAttendance', () => {
  it('writes an arrival at once, a student seen again at most every writeEveryMs, and tells the engine', async () => {
    const a = await addStudent(t.db, studentForm('S1', 'Ana Nguyen', { className: '10A' }));
    const b = await addStudent(t.db, studentForm('S2', 'Bao Tran', { className: '10A' }));
    const other = await addStudent(t.db, studentForm('S9', 'Chi Le', { className: '11B' }));
    const session = await startSession(t.db, { course: 'Biology', className: '10A', start: new Date() });
    expect(expectedStudents([a, b, other], session).map((s) => s.studentId)).toEqual(['S1', 'S2']);

    let clock = 1_000_000;
    const told: string[][] = [];
    const live = new LiveAttendance(
      t.db,
      session,
      [a, b, other],
      { setMarked: (ids) => Promise.resolve(void told.push([...ids])) },
      {
        writeEveryMs: 10_000,
        now: () => clock,
      },
    );
    await live.load();
    expect(told.at(-1)).toEqual([]);

    const first = await live.handle(liveFrame([track(1, 'S1', 'student'), track(2, 'S2', 'pending')], ['S1']));
    expect(first.arrivals.map((x) => x.student.studentId)).toEqual(['S1']);
    expect(live.attendance.map((r) => r.studentId)).toEqual(['S1']);
    expect(told.at(-1)).toEqual(['S1']);

    clock += 3000;
    const again = await live.handle(liveFrame([track(1, 'S1', 'student')]));
    expect(again).toEqual({ arrivals: [], changed: false });
    clock += 8000;
    const later = await live.handle(liveFrame([track(1, 'S1', 'student')]));
    expect(later.changed).toBe(true);
    expect(later.arrivals).toEqual([]);
    expect(live.attendance[0]!.lastSeen).toBe(new Date(clock).toISOString());

    const confirmed = await live.confirm('S2', 0.6, 'Ms Hoa');
    expect(confirmed?.record).toMatchObject({ studentId: 'S2', how: 'confirmed', changedBy: 'Ms Hoa' });
    expect(told.at(-1)?.sort()).toEqual(['S1', 'S2']);
    expect(live.marked().sort()).toEqual(['S1', 'S2']);
  });

  it('a mark by hand shows at once, even while a frame is written and the engine is busy, then is stored', async () => {
    const a = await addStudent(t.db, studentForm('S1', 'Ana Nguyen'));
    const b = await addStudent(t.db, studentForm('S2', 'Bao Tran'));
    const session = await startSession(t.db, { course: 'Biology', className: '10A', start: new Date() });
    // An engine that answers only when released, as the worker does while it works on a frame.
    const waiting: (() => void)[] = [];
    const engine = { setMarked: () => new Promise<void>((done) => waiting.push(done)) };
    const live = new LiveAttendance(t.db, session, [a, b], engine);
    const release = setInterval(() => waiting.splice(0).forEach((done) => done()), 50);
    try {
      const frame = live.handle(liveFrame([track(1, 'S1', 'student')], ['S1']));
      // The frame is not written yet; the teacher unmarks S1 and marks S2 meanwhile.
      const unmark = live.mark('S1', 'absent', 'Ms Hoa');
      expect(unmark.attendance.find((r) => r.studentId === 'S1')).toMatchObject({ status: 'absent', how: 'manual' });
      const markB = live.mark('S2', 'present', 'Ms Hoa');
      expect(markB.attendance.map((r) => `${r.studentId}:${r.status}`).sort()).toEqual(['S1:absent', 'S2:present']);
      await frame;
      // The frame's read, in between, did not undo the teacher's marks.
      expect(live.attendance.map((r) => `${r.studentId}:${r.status}`).sort()).toEqual(['S1:absent', 'S2:present']);
      await Promise.all([unmark.written, markB.written]);
      const stored = await t.db.attendance.where('sessionId').equals(session.id!).toArray();
      expect(stored.map((r) => `${r.studentId}:${r.status}:${r.how}`).sort()).toEqual([
        'S1:absent:manual',
        'S2:present:manual',
      ]);
      // The unmark keeps no sighting: no time, no confidence, as if the camera's mark stood.
      expect(stored.find((r) => r.studentId === 'S1')).toMatchObject({
        firstSeen: null,
        lastSeen: null,
        bestScore: null,
      });
      // The camera does not overrule the teacher.
      await live.handle(liveFrame([track(1, 'S1', 'student')], ['S1']));
      expect(live.attendance.find((r) => r.studentId === 'S1')?.status).toBe('absent');
    } finally {
      clearInterval(release);
    }
  });

  it('closing records every expected student not seen as absent, once; the camera can still mark them later', async () => {
    const a = await addStudent(t.db, studentForm('S1', 'Ana Nguyen'));
    const b = await addStudent(t.db, studentForm('S2', 'Bao Tran'));
    const c = await addStudent(t.db, studentForm('S3', 'Chi Le'));
    const session = await startSession(t.db, { course: 'Biology', className: '10A', start: new Date() });
    const live = new LiveAttendance(t.db, session, [a, b, c], null);
    await live.load();
    await live.handle(liveFrame([track(1, 'S1', 'student')], ['S1']));
    await live.mark('S3', 'excused', 'Ms Hoa', 'ill, letter from parents').written;
    expect(await live.close([a, b, c])).toBe(1);
    expect(await live.close([a, b, c])).toBe(0);
    const byId = new Map(live.attendance.map((r) => [r.studentId, r]));
    expect(byId.get('S2')).toMatchObject({ status: 'absent', how: 'automatic', firstSeen: null, bestScore: null });
    expect(byId.get('S3')).toMatchObject({ status: 'excused', note: 'ill, letter from parents' });
    expect((await t.db.sessions.get(session.id))?.end).toBeTruthy();
    // The session taken up again: Bao walks in and is marked after all.
    const again = new LiveAttendance(t.db, session, [a, b, c], null);
    await again.load();
    const seen = await again.handle(liveFrame([track(2, 'S2', 'student')], ['S2']));
    expect(seen.arrivals.map((x) => x.student.studentId)).toEqual(['S2']);
    expect(again.attendance.find((r) => r.studentId === 'S2')).toMatchObject({ how: 'automatic' });
    expect(['present', 'late']).toContain(again.attendance.find((r) => r.studentId === 'S2')?.status);
  });
});

describe('a student list that changes during the session', () => {
  it('records a student renamed in another tab under the new name, and no longer a deleted one', async () => {
    const a = await addStudent(t.db, studentForm('S1', 'Ana Nguyen'));
    const b = await addStudent(t.db, studentForm('S2', 'Bao Tran'));
    const session = await startSession(t.db, { course: 'Biology', className: '10A', start: new Date() });
    const live = new LiveAttendance(t.db, session, [a, b], null);
    await live.load();
    live.students = [{ ...a, name: 'Ana Nguyễn' }];
    const seen = await live.handle(liveFrame([track(1, 'S1', 'student'), track(2, 'S2', 'student')], ['S1', 'S2']));
    expect(seen.arrivals.map((x) => x.student.name)).toEqual(['Ana Nguyễn']);
    expect(live.attendance.map((r) => [r.studentId, r.snapshot.name])).toEqual([['S1', 'Ana Nguyễn']]);
    await live.mark('S2', 'present', 'Ms Hoa').written;
    expect(live.attendance.map((r) => r.studentId)).toEqual(['S1']);
  });
});

describe('arrival banners', () => {
  it('three students arriving in one frame get three banners, each gone after its time', () => {
    const timers: { run: () => void; ms: number }[] = [];
    let shown: readonly { text: string }[] = [];
    const banners = new BannerQueue(
      (items) => (shown = items),
      3500,
      (run, ms) => timers.push({ run, ms }),
    );
    for (const name of ['Ana Nguyen', 'Bao Tran', 'Chi Le']) banners.show(`${name} — present`);
    expect(shown.map((b) => b.text)).toEqual(['Ana Nguyen — present', 'Bao Tran — present', 'Chi Le — present']);
    expect(timers.map((t) => t.ms)).toEqual([3500, 3500, 3500]);
    timers[0]!.run();
    expect(shown.map((b) => b.text)).toEqual(['Bao Tran — present', 'Chi Le — present']);
    timers[2]!.run();
    timers[1]!.run();
    expect(shown).toEqual([]);
  });
});
