/** One class moved between laptops: exported alone, added without touching the other classes, all or nothing. */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/core/errors';
import { exportBackup, restoreBackup } from '../../src/db/backup';
import { exportClass, mergeClassFile, previewClassFile } from '../../src/db/class-file';
import { checkIntegrity } from '../../src/db/integrity';
import { addFaceSamples, saveClassifier } from '../../src/db/samples';
import { AttendanceDatabase } from '../../src/db/schema';
import { addStudent } from '../../src/db/students';
import { markByHand, startSession } from '../../src/services/attendance';
import { faceSample } from '../helpers/samples';
import { studentForm } from '../helpers/students';

/** A laptop: the app's database under its one name, in an IndexedDB of its own. */
async function freshDb(): Promise<AttendanceDatabase> {
  const { IDBFactory, IDBKeyRange } = await import('fake-indexeddb');
  return new AttendanceDatabase('face-attendance', { indexedDB: new IDBFactory(), IDBKeyRange });
}

async function student(db: AttendanceDatabase, id: string, name: string, className: string, photos: number) {
  await addStudent(db, studentForm(id, name, { className }));
  if (photos)
    await addFaceSamples(
      db,
      id,
      Array.from({ length: photos }, (_, k) => faceSample(k)),
    );
}

describe('a class file', () => {
  it('carries one class and adds it beside the other classes; a student here already keeps this laptop’s data', async () => {
    const mine = await freshDb();
    await student(mine, 'A1', 'An', '10A', 2);
    await student(mine, 'A2', 'Bình', '10A', 3);
    await student(mine, 'B1', 'Cúc', '10B', 1);
    const lesson = await startSession(mine, {
      course: 'Bio',
      className: '10A',
      start: new Date('2026-09-01T08:00:00Z'),
    });
    await markByHand(mine, lesson.id!, { studentId: 'A1', name: 'An', className: '10A', faculty: '' }, 'present', 'T');
    const other = await startSession(mine, { course: 'Maths', className: '10B', start: new Date() });
    await markByHand(mine, other.id!, { studentId: 'B1', name: 'Cúc', className: '10B', faculty: '' }, 'present', 'T');
    const file = await exportClass(mine, '10A');

    const theirs = await freshDb();
    await student(theirs, 'C1', 'Dung', '11C', 1);
    await student(theirs, 'A2', 'Bình (here)', '10A', 1);
    await saveClassifier(theirs, 'faceres', JSON.stringify({ classes: ['C1', 'A2'] }), '2026-09-01T09:00:00Z');

    expect(await previewClassFile(theirs, file)).toEqual({
      className: '10A',
      students: 2,
      conflicts: [{ studentId: 'A2', here: 'Bình (here)', file: 'Bình' }],
      photos: 5,
      sessions: 1,
      records: 1,
    });
    // Restore would replace everything: a class file is refused there, nothing changed.
    await expect(restoreBackup(theirs, file)).rejects.toThrow(/holds one class \(10A\).*Nothing was changed/);

    expect(await mergeClassFile(theirs, file, 'keep')).toEqual({
      added: 1,
      updated: 0,
      kept: 1,
      sessions: 1,
      records: 1,
    });
    const students = await theirs.students.orderBy('studentId').toArray();
    expect(students.map((s) => [s.studentId, s.name, s.photoCount])).toEqual([
      ['A1', 'An', 2],
      ['A2', 'Bình (here)', 1],
      ['C1', 'Dung', 1],
    ]);
    expect((await theirs.sessions.toArray()).map((s) => s.course)).toEqual(['Bio']);
    expect((await theirs.classifiers.toArray())[0]!.needsRetraining).toBe(true);
    expect((await checkIntegrity(theirs)).problems).toEqual([]);

    // Added again: nothing doubles (the same session and record are there).
    expect(await mergeClassFile(theirs, file, 'keep')).toMatchObject({ added: 0, sessions: 0, records: 0 });
  });

  it("with 'replace', a student here already takes the file's data and photos", async () => {
    const mine = await freshDb();
    await student(mine, 'A2', 'Bình', '10A', 3);
    const file = await exportClass(mine, '10A');
    const theirs = await freshDb();
    await student(theirs, 'A2', 'Binh old', '10A', 1);
    expect(await mergeClassFile(theirs, file, 'replace')).toMatchObject({ added: 0, updated: 1, kept: 0 });
    const [a2] = await theirs.students.toArray();
    expect([a2!.name, a2!.photoCount]).toEqual(['Bình', 3]);
    expect(await theirs.faceSamples.count()).toBe(3);
    expect((await checkIntegrity(theirs)).problems).toEqual([]);
  });

  it('a backup of everything is not a class file, and a damaged class file changes nothing', async () => {
    const mine = await freshDb();
    await student(mine, 'A1', 'An', '10A', 1);
    const theirs = await freshDb();
    await student(theirs, 'C1', 'Dung', '11C', 1);
    await expect(mergeClassFile(theirs, await exportBackup(mine), 'keep')).rejects.toThrow(ValidationError);
    const file = await exportClass(mine, '10A');
    const cut = new Blob([(await file.text()).slice(0, -200)]);
    await expect(mergeClassFile(theirs, cut, 'keep')).rejects.toThrow(ValidationError);
    expect((await theirs.students.toArray()).map((s) => s.studentId)).toEqual(['C1']);
    await expect(exportClass(mine, '12Z')).rejects.toThrow(/no student in class 12Z/);
  });
});
