/** The local database on fake-indexeddb: students, cascade on delete, attendance rules. */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { StorageError, ValidationError } from '../../src/core/errors';
import { AttendanceDatabase, type Student } from '../../src/db/schema';
import { guardWrite } from '../../src/db/storage';
import { addStudent, deleteStudent, findStudents, getStudent, updateStudent } from '../../src/db/students';
import type { StudentInput } from '../../src/db/validation';
import { markByHand, recordSighting, sessionAttendance, startSession } from '../../src/services/attendance';
import { classifierTrainedOn, useTestDatabase } from '../helpers/test-db';

const t = useTestDatabase('db');

const form = (over: Partial<StudentInput> = {}): StudentInput => ({
  studentId: 'S001',
  name: 'Nguyễn Thị Ánh',
  faculty: 'Science',
  course: 'Biology',
  year: '2026',
  semester: '1',
  className: '10A',
  gender: 'F',
  dateOfBirth: '2010-04-05',
  email: 'anh@school.edu',
  phone: '+84 90 123 4567',
  address: '1 Lê Lợi, Huế',
  consent: { givenAt: '2026-09-01T08:00:00Z', recordedBy: 'Ms Lan' },
  ...over,
});

describe('students', () => {
  it('keeps every field, trims text, and survives a reopen', async () => {
    await addStudent(t.db, form({ name: '  Nguyễn Thị Ánh ' }), new Date('2026-11-28T08:00:00Z'));
    t.db.close();
    t.db = new AttendanceDatabase(t.db.name);
    await t.db.open();
    const s = (await getStudent(t.db, 'S001'))!;
    expect(s.name).toBe('Nguyễn Thị Ánh');
    expect(s).toMatchObject({
      faculty: 'Science',
      className: '10A',
      photoSampleStatus: 'none',
      address: '1 Lê Lợi, Huế',
    });
    expect(s.createdAt).toBe('2026-11-28T08:00:00.000Z');
  });

  it('names every wrong field at once', async () => {
    const error = await addStudent(
      t.db,
      form({ faculty: '', name: ' ', email: 'not-mail', phone: 'call me', dateOfBirth: '2010-02-30' }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(Object.keys((error as ValidationError).fields).sort()).toEqual([
      'dateOfBirth',
      'email',
      'faculty',
      'name',
      'phone',
    ]);
    expect(await t.db.students.count()).toBe(0);
  });

  it('refuses a duplicate student ID, saying who has it', async () => {
    await addStudent(t.db, form());
    await expect(addStudent(t.db, form({ name: 'Someone Else' }))).rejects.toThrow(
      /S001 is already used by Nguyễn Thị Ánh/,
    );
    await addStudent(t.db, form({ studentId: 'S002', name: 'Trần Văn Bình' }));
    await expect(updateStudent(t.db, 'S002', form({ name: 'Trần Văn Bình' }))).rejects.toThrow(/already used/);
  });

  it('searches ID, name and class, in any case', async () => {
    await addStudent(t.db, form());
    await addStudent(t.db, form({ studentId: 'S002', name: 'Trần Văn Bình', className: '11B' }));
    expect((await findStudents(t.db, 'bình')).map((s) => s.studentId)).toEqual(['S002']);
    expect((await findStudents(t.db, '10a')).map((s) => s.studentId)).toEqual(['S001']);
    expect(await findStudents(t.db, '')).toHaveLength(2);
  });
});

async function enrolWithSamples(studentId: string): Promise<Student> {
  const student = await addStudent(t.db, form({ studentId, name: `Student ${studentId}` }));
  await t.db.faceSamples.bulkAdd(
    [1, 2].map(() => ({
      studentId,
      face: null,
      imageKind: 'face-image' as const,
      image: new Blob([new Uint8Array([0xff, 0xd8])], { type: 'image/jpeg' }),
      embeddings: { faceres: new Float32Array(4) },
      quality: { sharpness: 1, faceSize: 120 },
      source: 'camera' as const,
      capturedAt: '2026-11-28T08:00:00Z',
    })),
  );
  return student;
}

describe('deleting a student', () => {
  it('removes their samples and every classifier trained on them, flags the rest, keeps past attendance', async () => {
    const a = await enrolWithSamples('S001');
    await enrolWithSamples('S002');
    await t.db.classifiers.bulkAdd([classifierTrainedOn(['S001', 'S002']), classifierTrainedOn(['S002'])]);
    const session = await startSession(t.db, {
      course: 'Biology',
      className: '10A',
      start: new Date('2026-11-28T08:00:00Z'),
    });
    await recordSighting(t.db, session.id!, a, 0.9, new Date('2026-11-28T08:02:00Z'));

    await deleteStudent(t.db, 'S001');
    expect(await getStudent(t.db, 'S001')).toBeUndefined();
    expect(await t.db.faceSamples.where('studentId').equals('S001').count()).toBe(0);
    expect(await t.db.faceSamples.where('studentId').equals('S002').count()).toBe(2);
    // The classifier that holds S001's face is gone; the other one is kept, flagged for retraining.
    const left = await t.db.classifiers.toArray();
    expect(left.map((c) => c.snapshot)).toEqual([JSON.stringify({ classes: ['S002'] })]);
    expect(left[0]!.needsRetraining).toBe(true);
    const [kept] = await sessionAttendance(t.db, session.id!);
    expect(kept!.snapshot).toEqual({ studentId: 'S001', name: 'Student S001', className: '10A', faculty: 'Science' });
  });

  it('erases their attendance too when asked to erase all their data', async () => {
    const a = await enrolWithSamples('S001');
    const session = await startSession(t.db, {
      course: 'Biology',
      className: '10A',
      start: new Date('2026-11-28T08:00:00Z'),
    });
    await recordSighting(t.db, session.id!, a, 0.9, new Date('2026-11-28T08:02:00Z'));
    await deleteStudent(t.db, 'S001', { eraseAllData: true });
    expect(await t.db.attendance.count()).toBe(0);
    expect(await t.db.faceSamples.count()).toBe(0);
  });

  it('says so when the student does not exist, and changes nothing', async () => {
    await enrolWithSamples('S001');
    await expect(deleteStudent(t.db, 'S404')).rejects.toThrow(/no student with ID S404/);
    expect(await t.db.faceSamples.count()).toBe(2);
  });
});

describe('attendance rules', () => {
  const start = new Date('2026-11-28T08:00:00Z');

  it('marks once per session: present within "late after", late beyond it; later sightings update', async () => {
    const a = await addStudent(t.db, form());
    const b = await addStudent(t.db, form({ studentId: 'S002', name: 'Trần Văn Bình' }));
    const session = await startSession(t.db, { course: 'Biology', className: '10A', start });
    const first = await recordSighting(t.db, session.id!, a, 0.8, new Date('2026-11-28T08:09:59Z'));
    expect(first).toMatchObject({ isNew: true, record: { status: 'present', bestScore: 0.8 } });
    const again = await recordSighting(t.db, session.id!, a, 0.95, new Date('2026-11-28T08:30:00Z'));
    expect(again.isNew).toBe(false);
    expect(again.record).toMatchObject({
      status: 'present',
      bestScore: 0.95,
      firstSeen: '2026-11-28T08:09:59.000Z',
      lastSeen: '2026-11-28T08:30:00.000Z',
    });
    expect((await recordSighting(t.db, session.id!, b, 0.7, new Date('2026-11-28T08:10:01Z'))).record.status).toBe(
      'late',
    );
    expect(await sessionAttendance(t.db, session.id!)).toHaveLength(2);
  });

  it('uses the default of 10 minutes and records a new session separately', async () => {
    const a = await addStudent(t.db, form());
    const s1 = await startSession(t.db, { course: 'Biology', className: '10A', start });
    const s2 = await startSession(t.db, {
      course: 'Biology',
      className: '10A',
      start: new Date('2026-11-29T08:00:00Z'),
    });
    expect(s1.lateAfterMinutes).toBe(10);
    await recordSighting(t.db, s1.id!, a, 0.9, new Date('2026-11-28T08:01:00Z'));
    expect((await recordSighting(t.db, s2.id!, a, 0.9, new Date('2026-11-29T08:01:00Z'))).isNew).toBe(true);
  });

  it('lets the teacher unmark and excuse, keeps who and when, and the camera does not overrule it', async () => {
    const a = await addStudent(t.db, form());
    const session = await startSession(t.db, { course: 'Biology', className: '10A', start });
    await recordSighting(t.db, session.id!, a, 0.6, new Date('2026-11-28T08:01:00Z'));
    const unmarked = await markByHand(t.db, session.id!, a, 'absent', 'Ms Lan', new Date('2026-11-28T08:05:00Z'));
    expect(unmarked).toMatchObject({
      status: 'absent',
      how: 'manual',
      changedBy: 'Ms Lan',
      changedAt: '2026-11-28T08:05:00.000Z',
    });
    const seen = await recordSighting(t.db, session.id!, a, 0.9, new Date('2026-11-28T08:06:00Z'));
    expect(seen.record.status).toBe('absent');
    expect(seen.isNew).toBe(false);
    expect((await markByHand(t.db, session.id!, a, 'excused', 'Mr Tuan')).status).toBe('excused');
    await expect(markByHand(t.db, session.id!, a, 'present', ' ')).rejects.toThrow(/who is changing/);
    expect(await sessionAttendance(t.db, session.id!)).toHaveLength(1);
  });
});

describe('guardWrite', () => {
  it('turns a full disk into a StorageError with advice', async () => {
    const full = Object.assign(new Error('quota'), { name: 'QuotaExceededError' });
    await expect(guardWrite('the photo', () => Promise.reject(full))).rejects.toThrow(StorageError);
    await expect(guardWrite('the photo', () => Promise.reject(full))).rejects.toThrow(/Export a backup/);
    await expect(guardWrite('x', () => Promise.reject(new Error('other')))).rejects.toThrow('other');
  });
});
