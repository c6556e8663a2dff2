/**
 * Consent enforced (issue 14): no face is stored without consent that stands; withdrawal or an objection
 * erases the student's face data in the same transaction, leaving no sample, pack or classifier that holds
 * it (read back from every table); roster consent columns.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { eraseFaceData, hasValidConsent } from '../../src/db/consent';
import { purgeFaceData } from '../../src/db/retention';
import { guessMapping, previewRoster } from '../../src/db/roster';
import { recordSighting, startSession } from '../../src/services/attendance';
import { addFaceSamples } from '../../src/db/samples';
import type { AttendanceDatabase } from '../../src/db/schema';
import { addStudent, getStudent, updateStudent } from '../../src/db/students';
import { studentForm } from '../helpers/students';
import { classifierTrainedOn, useTestDatabase } from '../helpers/test-db';

const t = useTestDatabase('consent');

const sample = () => ({
  image: new Blob([new Uint8Array([1, 2, 3])], { type: 'image/jpeg' }),
  face: null,
  imageKind: 'face-image' as const,
  embeddings: { faceres: new Float32Array([0.6, 0.8]) },
  quality: { sharpness: 1, faceSize: 100 },
  source: 'camera' as const,
  capturedAt: '2026-09-01T08:00:00.000Z',
});

/** Every row of every table that names the student, as "table:key". */
async function rowsOf(db: AttendanceDatabase, studentId: string): Promise<string[]> {
  const found: string[] = [];
  for (const table of db.tables) {
    if (table.name === 'students' || table.name === 'attendance') continue;
    for (const row of await table.toArray())
      if (JSON.stringify(row, (_, v: unknown) => (v instanceof Float32Array ? [...v] : v)).includes(studentId))
        found.push(`${table.name}:${JSON.stringify(table.schema.primKey.keyPath)}`);
  }
  return found;
}

describe('consent', () => {
  it('refuses to store a face without consent, after withdrawal, or when the student objects', async () => {
    await addStudent(t.db, studentForm('S1', 'An', { consent: null }));
    await expect(addFaceSamples(t.db, 'S1', [sample()])).rejects.toThrow(
      /No consent is recorded for An \(S1\).*Record it in Students.*Attendance screen/,
    );
    await addStudent(t.db, studentForm('S2', 'Bình', { objects: true }));
    await expect(addFaceSamples(t.db, 'S2', [sample()])).rejects.toThrow(/Bình \(S2\) objects to face recognition/);
    await addStudent(
      t.db,
      studentForm('S3', 'Chi', {
        consent: { givenAt: '2026-09-01T00:00:00Z', recordedBy: 'Cô Lan', withdrawnAt: '2026-10-01T00:00:00Z' },
      }),
    );
    await expect(addFaceSamples(t.db, 'S3', [sample()])).rejects.toThrow(/Consent for Chi \(S3\) was withdrawn/);
    expect(await t.db.faceSamples.count()).toBe(0);
  });

  it('a parent or guardian who consents is named', async () => {
    await expect(
      addStudent(t.db, studentForm('S4', 'Dũng', { consent: { givenAt: 'x', recordedBy: 'y', givenBy: 'parent' } })),
    ).rejects.toThrow(/Name the parent who gave consent/);
    const s = await addStudent(
      t.db,
      studentForm('S4', 'Dũng', {
        consent: {
          givenAt: 'x',
          recordedBy: 'y',
          givenBy: 'parent',
          giverName: 'Nguyễn Văn Hải',
          wording: 'Form 2026-1',
        },
      }),
    );
    expect(hasValidConsent(s)).toBe(true);
  });

  it('withdrawal erases the face data at once, the classifiers that hold it too; others and records stay', async () => {
    await addStudent(t.db, studentForm('S1', 'An'));
    await addStudent(t.db, studentForm('S2', 'Bình'));
    await addFaceSamples(t.db, 'S1', [sample(), sample()]);
    await addFaceSamples(t.db, 'S2', [sample()]);
    await t.db.classifiers.bulkAdd([classifierTrainedOn(['S1', 'S2']), classifierTrainedOn(['S2'])]);
    expect((await rowsOf(t.db, 'S1')).length).toBeGreaterThan(0);
    const an = (await getStudent(t.db, 'S1'))!;
    await updateStudent(t.db, 'S1', {
      ...studentForm('S1', 'An'),
      consent: { ...an.consent!, withdrawnAt: new Date().toISOString() },
    });
    expect(await rowsOf(t.db, 'S1')).toEqual([]);
    expect(await getStudent(t.db, 'S1')).toMatchObject({ photoCount: 0, photoSampleStatus: 'none' });
    expect((await getStudent(t.db, 'S1'))?.consent?.withdrawnAt).toBeTruthy();
    // Bình's photos and the classifier trained on Bình alone stay.
    expect(await t.db.faceSamples.where('studentId').equals('S2').count()).toBe(1);
    expect((await t.db.classifiers.toArray()).map((c) => c.snapshot)).toEqual([JSON.stringify({ classes: ['S2'] })]);
    // An objection does the same for Bình.
    await updateStudent(t.db, 'S2', studentForm('S2', 'Bình', { objects: true }));
    expect(await rowsOf(t.db, 'S2')).toEqual([]);
    expect(await eraseFaceData(t.db, ['S2'])).toEqual({ samples: 0, classifiers: 0 });
  });

  it('reads consent columns of a roster: yes, objects, given by a parent named', () => {
    const parsed = {
      headers: ['Mã SV', 'Họ và tên', 'Khoa', 'Đồng ý', 'Người đồng ý', 'Phụ huynh'],
      rows: [
        ['S1', 'An', 'IT', 'Có', 'Phụ huynh', 'Nguyễn Văn Hải'],
        ['S2', 'Bình', 'IT', 'x', '', ''],
        ['S3', 'Chi', 'IT', 'Từ chối', '', ''],
        ['S4', 'Dũng', 'IT', '', '', ''],
        ['S5', 'Em', 'IT', 'maybe', '', ''],
      ],
    };
    const preview = previewRoster(parsed, guessMapping(parsed.headers), new Set());
    const [an, binh, chi, dung, em] = preview.rows;
    expect(an!.student.consent).toMatchObject({ givenBy: 'parent', giverName: 'Nguyễn Văn Hải' });
    expect(binh!.student.consent).toMatchObject({ givenBy: 'student' });
    expect(chi!.student).toMatchObject({ consent: null, objects: true });
    expect(dung!.student.consent).toBeNull();
    expect(em!.errors.consent).toBe('Consent "maybe" is not yes, no or objects.');
  });

  it('retention: face data ends on a date, or when not used for N days; a recent sighting counts as use', async () => {
    const an = await addStudent(t.db, studentForm('S1', 'An'));
    await addStudent(t.db, studentForm('S2', 'Bình'));
    await addFaceSamples(t.db, 'S1', [sample()]); // captured 2026-09-01
    await addFaceSamples(t.db, 'S2', [sample()]);
    const session = await startSession(t.db, {
      course: 'Toán',
      className: '10A',
      start: new Date('2026-11-20T08:00:00Z'),
    });
    await recordSighting(t.db, session.id!, an, 0.9, new Date('2026-11-20T08:01:00Z'));
    const now = new Date('2026-12-03T09:00:00Z');
    expect((await purgeFaceData(t.db, { faceDataUntil: '', faceDataUnusedDays: 0 }, now)).students).toEqual([]);
    expect((await purgeFaceData(t.db, { faceDataUntil: '2026-12-31', faceDataUnusedDays: 0 }, now)).students).toEqual(
      [],
    );
    // 30 days: Bình's photo (1 September) is old and unused; An was recognised on 20 November.
    const unused = await purgeFaceData(t.db, { faceDataUntil: '', faceDataUnusedDays: 30 }, now);
    expect(unused).toMatchObject({
      students: [{ studentId: 'S2', name: 'Bình' }],
      samples: 1,
      reason: 'not used for 30 days',
    });
    expect(await rowsOf(t.db, 'S2')).toEqual([]);
    expect(await t.db.faceSamples.where('studentId').equals('S1').count()).toBe(1);
    // The end of term passed: everyone's face data goes; students and records stay.
    const ended = await purgeFaceData(t.db, { faceDataUntil: '2026-12-02', faceDataUnusedDays: 0 }, now);
    expect(ended).toMatchObject({ students: [{ studentId: 'S1' }], reason: 'face data ends on 2026-12-02' });
    expect(await t.db.faceSamples.count()).toBe(0);
    expect(await t.db.students.count()).toBe(2);
    expect(await t.db.attendance.count()).toBe(1);
  });
});
