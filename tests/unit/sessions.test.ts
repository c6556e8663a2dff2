/**
 * Sessions as the teacher keeps them (issue 13): attendance.csv lists every student of a closed session
 * (present, late, excused, absent), an excused student's note travels with the record, and sessions can be
 * edited and deleted, with their records or keeping them.
 */
import 'fake-indexeddb/auto';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { deleteSession } from '../../src/db/attendance';
import { exportAttendanceCsv } from '../../src/db/csv';
import { addStudent } from '../../src/db/students';
import {
  closeSession,
  closeStaleSessions,
  editSession,
  markByHand,
  recordSighting,
  startSession,
} from '../../src/services/attendance';
import { studentForm } from '../helpers/students';
import { useTestDatabase } from '../helpers/test-db';

const t = useTestDatabase('sessions');

async function lesson() {
  const students = [
    await addStudent(t.db, studentForm('S1', 'Nguyễn Văn An')),
    await addStudent(t.db, studentForm('S2', 'Trần Thị Bình')),
    await addStudent(t.db, studentForm('S3', 'Lê Minh Chi')),
    await addStudent(t.db, studentForm('S4', 'Đỗ Đức Dũng')),
  ];
  const start = new Date('2026-09-01T08:00:00Z');
  const session = await startSession(t.db, { course: 'Biology', className: '10A', start });
  await recordSighting(t.db, session.id!, students[0]!, 0.97, new Date('2026-09-01T08:02:00Z'));
  await recordSighting(t.db, session.id!, students[1]!, 0.91, new Date('2026-09-01T08:25:00Z'));
  // Seen by the camera, then unmarked by the teacher: a wrong match.
  await recordSighting(t.db, session.id!, students[3]!, 0.88, new Date('2026-09-01T08:03:00Z'));
  await markByHand(t.db, session.id!, students[3]!, 'absent', 'Cô Lan', new Date('2026-09-01T08:05:00Z'));
  return { students, session };
}

const rows = async (): Promise<string[][]> =>
  Papa.parse<string[]>((await exportAttendanceCsv(t.db, {}, { timeZone: 'UTC' })).replace(/^\uFEFF/, ''), {
    skipEmptyLines: true,
  }).data;

describe('closed sessions in attendance.csv', () => {
  it('lists every student of the class: present, late, and the absent one with no time or confidence', async () => {
    const { students, session } = await lesson();
    expect(await closeSession(t.db, session.id!, students, new Date('2026-09-01T09:30:00Z'))).toBe(1);
    const [header, ...data] = await rows();
    expect(header!.slice(0, 6)).toEqual(['Student ID', 'Name', 'Class', 'Faculty', 'Date', 'Time']);
    expect(header!.at(-1)).toBe('Note');
    expect(data.map((r) => [r[0], r[4], r[5], r[6], r[8]])).toEqual([
      ['S1', '2026-09-01', '08:02:00', 'present', '97%'],
      ['S2', '2026-09-01', '08:25:00', 'late', '91%'],
      // Absent, by name (Đ sorts with D): Dũng unmarked by hand, without the overruled sighting's time or
      // score; Chi never seen.
      ['S4', '2026-09-01', '', 'absent', ''],
      ['S3', '2026-09-01', '', 'absent', ''],
    ]);
  });

  it('an excused student carries the note', async () => {
    const { students, session } = await lesson();
    await markByHand(t.db, session.id!, students[2]!, 'excused', 'Cô Lan', new Date(), 'ốm, có giấy phép');
    await closeSession(t.db, session.id!, students);
    const chi = (await rows()).find((r) => r[0] === 'S3')!;
    expect(chi[6]).toBe('excused');
    expect(chi.at(-1)).toBe('ốm, có giấy phép');
  });
});

describe('editing and deleting sessions', () => {
  it('renames a session, moves its start and "late after", and refuses what is wrong', async () => {
    const { session } = await lesson();
    const edited = await editSession(t.db, session.id!, {
      course: '  Sinh học ',
      className: '10B',
      start: new Date('2026-09-02T07:30:00Z'),
      lateAfterMinutes: 15,
    });
    expect(edited).toMatchObject({ course: 'Sinh học', className: '10B', date: '2026-09-02', lateAfterMinutes: 15 });
    expect(await t.db.sessions.get(session.id)).toMatchObject({
      course: 'Sinh học',
      start: '2026-09-02T07:30:00.000Z',
    });
    await expect(editSession(t.db, session.id!, { lateAfterMinutes: -1, course: '' })).rejects.toThrow(
      /Late after.*course name/,
    );
  });

  it("the camera's present and late follow a corrected start and late after; marks by hand stay", async () => {
    const { session } = await lesson();
    const status = async (): Promise<string[]> =>
      (await t.db.attendance.where('sessionId').equals(session.id!).toArray())
        .map((r) => `${r.studentId}:${r.status}`)
        .sort();
    expect(await status()).toEqual(['S1:present', 'S2:late', 'S4:absent']);
    // The lesson really began at 08:15: Bình (08:25) was on time.
    await editSession(t.db, session.id!, { start: new Date('2026-09-01T08:15:00Z') });
    expect(await status()).toEqual(['S1:present', 'S2:present', 'S4:absent']);
    await editSession(t.db, session.id!, { lateAfterMinutes: 5 });
    expect(await status()).toEqual(['S1:present', 'S2:late', 'S4:absent']);
  });

  it('deletes a session with its records, or keeps the records with a copy of the session', async () => {
    const first = await lesson();
    const second = await startSession(t.db, {
      course: 'Chemistry',
      className: '10A',
      start: new Date('2026-09-03T08:00:00Z'),
    });
    await recordSighting(t.db, second.id!, first.students[0]!, 0.9, new Date('2026-09-03T08:01:00Z'));
    expect(await deleteSession(t.db, second.id!, { keepRecords: false })).toBe(1);
    expect(await t.db.attendance.where('sessionId').equals(second.id!).count()).toBe(0);
    expect(await deleteSession(t.db, first.session.id!, { keepRecords: true })).toBe(3);
    expect(await t.db.sessions.count()).toBe(0);
    // The kept records still say which lesson they were, in the file too.
    const csv = await exportAttendanceCsv(t.db, { from: '2026-09-01', to: '2026-09-01' }, { timeZone: 'UTC' });
    const data = Papa.parse<string[]>(csv.replace(/^\uFEFF/, ''), { skipEmptyLines: true }).data.slice(1);
    expect(data.map((r) => `${r[0]} ${r[6]} ${r[7]}`)).toEqual([
      'S1 present Biology 10A 2026-09-01 08:00',
      'S2 late Biology 10A 2026-09-01 08:00',
      'S4 absent Biology 10A 2026-09-01 08:00',
    ]);
    expect(await exportAttendanceCsv(t.db, { from: '2026-10-01', to: '2026-10-31' })).not.toMatch(/Biology/);
    const kept = await t.db.attendance.toArray();
    expect(kept).toHaveLength(3);
    expect(kept[0]!.sessionCopy).toMatchObject({ course: 'Biology', className: '10A', date: '2026-09-01' });
  });

  it('a session left open by a crash is closed at its last activity on the next start, its unseen absent', async () => {
    const { students, session } = await lesson(); // last activity: Bình seen at 08:25
    const fresh = await startSession(t.db, {
      course: 'Chemistry',
      className: '10A',
      start: new Date('2026-09-01T10:40:00Z'),
    });
    await markByHand(t.db, fresh.id!, students[0]!, 'present', 'Cô Lan', new Date('2026-09-01T10:50:00Z'));
    // Three hours after the first lesson's last sighting, not after the second's start.
    const closed = await closeStaleSessions(t.db, students, new Date('2026-09-01T11:30:00Z'));
    expect(closed.map((c) => [c.session.id, c.closedAt, c.absent])).toEqual([
      [session.id, '2026-09-01T08:25:00.000Z', 1],
    ]);
    expect(await t.db.sessions.get(session.id)).toMatchObject({ end: '2026-09-01T08:25:00.000Z', endEstimated: true });
    expect((await t.db.sessions.get(fresh.id))?.end).toBeNull();
    expect(await closeStaleSessions(t.db, students, new Date('2026-09-01T11:30:00Z'))).toEqual([]);
  });
});
