/**
 * One class in a file, to move it between teachers' laptops without touching the other classes there:
 * its students, their face photos, its sessions and their attendance records (no settings, no trained
 * recogniser: the laptop that adds the class trains again). The file is a backup in dexie-export-import's
 * format, filtered to the class and marked with its scope, so it is checked, encrypted and opened as any
 * backup is; restoring it adds the class instead of replacing everything (see `mergeClassFile`).
 */
import { m } from '../paraglide/messages';
import { exportDB, importInto } from 'dexie-export-import';
import { ValidationError } from '../core/errors';
import { checkBackup, classScopeOf, SCOPE_KEY, type ClassScope } from './backup';
import { refreshStudentSamples } from './samples';
import { AttendanceDatabase, type AttendanceRecord, type FaceSample, type Session, type Student } from './schema';
import { guardWrite } from './storage';

/** The class `className` as a backup file (see the file comment). */
export async function exportClass(db: AttendanceDatabase, className: string): Promise<Blob> {
  const students = await db.students.where('className').equals(className).toArray();
  if (students.length === 0) {
    throw new ValidationError(m.class_empty({ className }), { className: m.class_no_students() });
  }
  const ids = new Set(students.map((s) => s.studentId));
  const sessions = new Set((await db.sessions.where('className').equals(className).toArray()).map((s) => s.id));
  const blob = await exportDB(db, {
    prettyJson: false,
    skipTables: ['embeddingPacks', 'classifiers', 'settings'],
    filter: (table, value: { studentId?: string; sessionId?: number; id?: number }) => {
      if (table === 'students' || table === 'faceSamples') return ids.has(value.studentId ?? '');
      if (table === 'sessions') return sessions.has(value.id);
      if (table === 'attendance') return sessions.has(value.sessionId);
      return false;
    },
  });
  const parsed = JSON.parse(await blob.text()) as Record<string, unknown> & {
    data: { tables: { name: string; rowCount: number }[]; data: { tableName: string; rows: unknown[] }[] };
  };
  // dexie-export-import counts the rows before its filter: the counts must be those of the file.
  for (const t of parsed.data.tables)
    t.rowCount = parsed.data.data.find((d) => d.tableName === t.name)?.rows.length ?? 0;
  parsed[SCOPE_KEY] = { className } satisfies ClassScope;
  return new Blob([JSON.stringify(parsed)], { type: 'application/json' });
}

export interface ClassFilePreview {
  readonly className: string;
  readonly students: number;
  /** Students of the file whose ID this laptop has already: the teacher chooses whose data stays. */
  readonly conflicts: readonly { readonly studentId: string; readonly here: string; readonly file: string }[];
  readonly photos: number;
  readonly sessions: number;
  readonly records: number;
}

interface ClassRows {
  readonly students: Student[];
  readonly samples: FaceSample[];
  readonly sessions: Session[];
  readonly records: AttendanceRecord[];
}

/** Reads the class file whole, checked, through a staging database (nothing of this laptop's is touched). */
async function readClassFile(db: AttendanceDatabase, file: Blob): Promise<{ scope: ClassScope; rows: ClassRows }> {
  const scope = await classScopeOf(file);
  if (!scope) throw new ValidationError(m.class_file_is_all(), { file: 'not a class' });
  await checkBackup(db, file);
  const staging = new AttendanceDatabase(`${db.name}-class-file`);
  try {
    await staging.delete();
    await staging.open();
    await guardWrite(m.what_class_file(), () =>
      importInto(staging, file, { acceptNameDiff: true, acceptVersionDiff: true }),
    );
    return {
      scope,
      rows: {
        students: await staging.students.toArray(),
        samples: await staging.faceSamples.toArray(),
        sessions: await staging.sessions.toArray(),
        records: await staging.attendance.toArray(),
      },
    };
  } finally {
    staging.close();
    await staging.delete();
  }
}

/** A row without its key, to be added under a new one. */
function withoutId<T extends { id?: number }>(row: T): Omit<T, 'id'> {
  const copy = { ...row };
  delete copy.id;
  return copy;
}

/** What adding the class file would do, and the students it shares with this laptop. */
export async function previewClassFile(db: AttendanceDatabase, file: Blob): Promise<ClassFilePreview> {
  const { scope, rows } = await readClassFile(db, file);
  const here = new Map(
    (
      await db.students
        .where('studentId')
        .anyOf(rows.students.map((s) => s.studentId))
        .toArray()
    ).map((s) => [s.studentId, s]),
  );
  return {
    className: scope.className,
    students: rows.students.length,
    conflicts: rows.students
      .filter((s) => here.has(s.studentId))
      .map((s) => ({ studentId: s.studentId, here: here.get(s.studentId)!.name, file: s.name })),
    photos: rows.samples.length,
    sessions: rows.sessions.length,
    records: rows.records.length,
  };
}

export interface MergeOutcome {
  readonly added: number;
  readonly updated: number;
  readonly kept: number;
  readonly sessions: number;
  readonly records: number;
}

/**
 * Adds the class file to this laptop in one transaction (all or nothing). New students come with their
 * photos; a student this laptop has already keeps this laptop's data (`conflicts: 'keep'`) or takes the
 * file's, photos included (`'replace'`). Sessions are added unless the same one (course, class and start)
 * is here; records are added to them unless the student has one in that session already. Every trained
 * recogniser is marked for retraining. Other classes are not touched.
 */
export async function mergeClassFile(
  db: AttendanceDatabase,
  file: Blob,
  conflicts: 'keep' | 'replace',
): Promise<MergeOutcome> {
  const { rows } = await readClassFile(db, file);
  return guardWrite(m.what_class_added(), () =>
    db.transaction(
      'rw',
      [db.students, db.faceSamples, db.embeddingPacks, db.classifiers, db.sessions, db.attendance],
      async () => {
        let added = 0;
        let updated = 0;
        let kept = 0;
        const touched = new Set<string>();
        for (const student of rows.students.map(withoutId)) {
          const existing = await db.students.where('studentId').equals(student.studentId).first();
          if (existing && conflicts === 'keep') {
            kept++;
            continue;
          }
          if (existing) {
            await db.students.update(existing.id, { ...student, updatedAt: new Date().toISOString() });
            await db.faceSamples.where('studentId').equals(student.studentId).delete();
            updated++;
          } else {
            await db.students.add(student);
            added++;
          }
          touched.add(student.studentId);
        }
        const samples = rows.samples.filter((s) => touched.has(s.studentId)).map(withoutId);
        await db.faceSamples.bulkAdd(samples);
        for (const studentId of touched) await refreshStudentSamples(db, studentId);

        const sessionIds = new Map<number, number>();
        let sessions = 0;
        for (const { id, ...session } of rows.sessions) {
          const same = (await db.sessions.where('className').equals(session.className).toArray()).find(
            (s) => s.course === session.course && s.start === session.start,
          );
          if (same) sessionIds.set(id!, same.id!);
          else {
            sessionIds.set(id!, (await db.sessions.add(session)) as number);
            sessions++;
          }
        }
        let records = 0;
        for (const record of rows.records.map(withoutId)) {
          const sessionId = sessionIds.get(record.sessionId);
          if (sessionId === undefined) continue;
          const there = await db.attendance
            .where('[sessionId+studentId]')
            .equals([sessionId, record.studentId])
            .first();
          if (there) continue;
          // A record of a session that is here again belongs to it (no copy of a deleted session needed).
          const copy: Omit<AttendanceRecord, 'id'> = { ...record, sessionId };
          delete copy.sessionCopy;
          await db.attendance.add(copy);
          records++;
        }
        await db.classifiers.toCollection().modify({ needsRetraining: true });
        return { added, updated, kept, sessions, records };
      },
    ),
  );
}
