/** Students: add, update, search, delete (with their face samples, and optionally everything else). */
import { ValidationError } from '../core/errors';
import { compareText, matchesQuery } from '../core/text';
import { m } from '../paraglide/messages';
import type { AttendanceDatabase, Student } from './schema';
import { refreshStudentSamples } from './samples';
import { eraseFaceData, hasValidConsent } from './consent';
import { guardWrite } from './storage';
import { idKey, validateStudent, type StudentInput } from './validation';

/** Refuses an ID another student has, in any capitals ("sv001" is "SV001"). */
async function checkUniqueId(db: AttendanceDatabase, studentId: string, exceptId?: number): Promise<void> {
  const others = await db.students.where('studentId').equalsIgnoreCase(studentId).toArray();
  const other = others.find((o) => o.id !== exceptId);
  if (other) {
    const same = other.studentId === studentId;
    throw new ValidationError(
      same
        ? m.v_id_taken({ id: studentId, name: other.name })
        : m.v_id_taken_capitals({ id: studentId, name: other.name, other: other.studentId }),
      {
        studentId: same
          ? m.v_used_by({ name: other.name })
          : m.v_used_by_as({ name: other.name, other: other.studentId }),
      },
    );
  }
}

/**
 * Groups of students whose IDs differ only in capitals ("sv001" and "SV001"), which databases from before
 * this rule may hold: the Students screen warns about them, so the teacher can rename or delete one.
 */
export function duplicateIds(students: readonly Pick<Student, 'studentId'>[]): string[][] {
  const groups = new Map<string, string[]>();
  for (const s of students) groups.set(idKey(s.studentId), [...(groups.get(idKey(s.studentId)) ?? []), s.studentId]);
  return [...groups.values()].filter((g) => g.length > 1);
}

export async function addStudent(db: AttendanceDatabase, input: StudentInput, now = new Date()): Promise<Student> {
  const valid = validateStudent(input, now);
  return guardWrite(m.what_student({ id: valid.studentId }), () =>
    db.transaction('rw', db.students, async () => {
      await checkUniqueId(db, valid.studentId);
      const at = now.toISOString();
      const student: Student = { photoSampleStatus: 'none', photoCount: 0, ...valid, createdAt: at, updatedAt: at };
      student.id = await db.students.add(student);
      return student;
    }),
  );
}

/**
 * Updates the student whose ID is `studentId`. A changed student ID moves their face samples along in the
 * same transaction; past attendance keeps the ID it was recorded under.
 */
export async function updateStudent(
  db: AttendanceDatabase,
  studentId: string,
  input: StudentInput,
  now = new Date(),
): Promise<Student> {
  const valid = validateStudent(input, now);
  return guardWrite(m.what_student({ id: valid.studentId }), () =>
    db.transaction('rw', [db.students, db.faceSamples, db.embeddingPacks, db.classifiers], async () => {
      const current = await db.students.where('studentId').equals(studentId).first();
      if (!current) throw new ValidationError(m.v_no_student({ id: studentId }), { studentId: m.v_not_found() });
      // An old database may hold "sv001" beside "SV001": editing either without changing its ID still works.
      if (valid.studentId !== studentId) await checkUniqueId(db, valid.studentId, current.id);
      const updated: Student = { ...current, ...valid, updatedAt: now.toISOString() };
      await db.students.put(updated);
      // Consent withdrawn or removed, or the student now objects: their face data goes, in this transaction.
      if (hasValidConsent(current) && !hasValidConsent(updated)) await eraseFaceData(db, [studentId]);
      if (valid.studentId !== studentId) {
        await db.faceSamples.where('studentId').equals(studentId).modify({ studentId: valid.studentId });
        await db.embeddingPacks.where('studentId').equals(studentId).delete();
        await refreshStudentSamples(db, valid.studentId);
      }
      return updated;
    }),
  );
}

export interface DeleteOptions {
  /**
   * Also erase every attendance record of the student (privacy: "erase all data of this student"). By
   * default past records stay, with the snapshot of ID, name, class and faculty they were made with.
   */
  readonly eraseAllData?: boolean;
}

/** Deletes a student and their face samples in one transaction, and marks classifiers for retraining. */
export async function deleteStudent(
  db: AttendanceDatabase,
  studentId: string,
  options: DeleteOptions = {},
): Promise<void> {
  await db.transaction(
    'rw',
    [db.students, db.faceSamples, db.embeddingPacks, db.classifiers, db.attendance],
    async () => {
      const deleted = await db.students.where('studentId').equals(studentId).delete();
      if (deleted === 0) throw new ValidationError(m.v_no_student({ id: studentId }), { studentId: m.v_not_found() });
      // Every sample, pack and classifier that holds the student's face (see consent.ts).
      await eraseFaceData(db, [studentId]);
      await db.classifiers.toCollection().modify({ needsRetraining: true });
      if (options.eraseAllData) await db.attendance.where('studentId').equals(studentId).delete();
    },
  );
}

export function getStudent(db: AttendanceDatabase, studentId: string): Promise<Student | undefined> {
  return db.students.where('studentId').equals(studentId).first();
}

/**
 * Students whose ID, name or class contains `query` (any capitals, with or without diacritics), sorted by
 * name in the interface language; all for an empty query.
 */
export async function findStudents(db: AttendanceDatabase, query = ''): Promise<Student[]> {
  const all = await db.students.toArray();
  return all
    .filter((s) => matchesQuery(query, [s.studentId, s.name, s.className]))
    .sort((a, b) => compareText(a.name, b.name) || compareText(a.studentId, b.studentId));
}
