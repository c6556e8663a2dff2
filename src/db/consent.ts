/**
 * Consent and erasure of face data. A face is stored only for a student whose consent stands (given, not
 * withdrawn) and who does not object; withdrawing or objecting erases their face data at once. Erasure
 * leaves nothing that holds the student's face: the samples (face images and embeddings), the embedding
 * packs, and every trained classifier that has the student among its classes (those need training again;
 * keeping one would keep a summary of the face). Students and attendance records stay.
 */
import { ValidationError } from '../core/errors';
import { m } from '../paraglide/messages';
import type { AttendanceDatabase, Student } from './schema';

/** Whether the student's face may be stored. */
export function hasValidConsent(student: Pick<Student, 'consent' | 'objects'>): boolean {
  return !!student.consent && !student.consent.withdrawnAt && !student.objects;
}

/** Why a student's face may not be stored, and what to do; empty where it may. */
export function consentProblem(student: Pick<Student, 'consent' | 'objects' | 'name' | 'studentId'>): string {
  const who = `${student.name} (${student.studentId})`;
  if (student.objects) return m.consent_objects({ who });
  if (student.consent?.withdrawnAt) return m.consent_withdrawn({ who });
  if (!student.consent) return m.consent_missing({ who });
  return '';
}

/** Refuses storing a face without valid consent (`ValidationError` saying what to do). */
export function requireConsent(student: Student): void {
  const problem = consentProblem(student);
  if (problem) throw new ValidationError(problem, { consent: 'missing' });
}

export interface Erased {
  readonly samples: number;
  /** Trained classifiers removed because they held an erased student. */
  readonly classifiers: number;
}

/**
 * Erases the face data of these students (inside the caller's transaction over students, faceSamples,
 * embeddingPacks and classifiers, or its own):
 * samples, packs, and the classifiers trained on any of them.
 */
export async function eraseFaceData(db: AttendanceDatabase, studentIds: readonly string[]): Promise<Erased> {
  if (studentIds.length === 0) return { samples: 0, classifiers: 0 };
  return db.transaction('rw', [db.students, db.faceSamples, db.embeddingPacks, db.classifiers], async () => {
    const ids = new Set(studentIds);
    const samples = await db.faceSamples
      .where('studentId')
      .anyOf([...ids])
      .delete();
    await db.embeddingPacks
      .where('studentId')
      .anyOf([...ids])
      .delete();
    let classifiers = 0;
    for (const c of await db.classifiers.toArray()) {
      const classes = classesOf(c.snapshot);
      if (!classes || classes.some((k) => ids.has(k))) {
        await db.classifiers.delete(c.id);
        classifiers++;
      }
    }
    await db.students
      .where('studentId')
      .anyOf([...ids])
      .modify({ photoSampleStatus: 'none', photoCount: 0 });
    return { samples, classifiers };
  });
}

/** The student IDs a stored classifier was trained on; null where it cannot be read (it is removed too). */
function classesOf(snapshot: string): string[] | null {
  try {
    const classes = (JSON.parse(snapshot) as { classes?: unknown }).classes;
    return Array.isArray(classes) ? classes.map(String) : null;
  } catch {
    return null;
  }
}
