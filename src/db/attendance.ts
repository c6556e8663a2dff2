/** Sessions and attendance records. The rules (late, once per session) live in src/services/attendance.ts. */
import { m } from '../paraglide/messages';
import type { AttendanceDatabase, AttendanceRecord, Session } from './schema';
import { guardWrite } from './storage';

export async function createSession(db: AttendanceDatabase, session: Omit<Session, 'id'>): Promise<Session> {
  return guardWrite(m.what_session(), async () => ({ ...session, id: await db.sessions.add({ ...session }) }));
}

export function getSession(db: AttendanceDatabase, id: number): Promise<Session | undefined> {
  return db.sessions.get(id);
}

/**
 * Reads the record of a student in a session and writes what `change` makes of it, in one transaction, so
 * two sightings at once cannot make two records. `change` returns null to leave things as they are.
 */
export async function changeAttendance(
  db: AttendanceDatabase,
  sessionId: number,
  studentId: string,
  change: (existing: AttendanceRecord | undefined) => AttendanceRecord | null,
): Promise<AttendanceRecord | undefined> {
  return guardWrite(m.what_record(), () =>
    db.transaction('rw', db.attendance, async () => {
      const existing = await db.attendance.where('[sessionId+studentId]').equals([sessionId, studentId]).first();
      const next = change(existing);
      if (!next) return existing;
      const record = existing?.id !== undefined ? { ...next, id: existing.id } : next;
      record.id = await db.attendance.put(record);
      return record;
    }),
  );
}

export function attendanceOfSession(db: AttendanceDatabase, sessionId: number): Promise<AttendanceRecord[]> {
  return db.attendance.where('sessionId').equals(sessionId).toArray();
}

/** Every session, the latest first. */
export async function listSessions(db: AttendanceDatabase): Promise<Session[]> {
  return (await db.sessions.toArray()).sort((a, b) => b.start.localeCompare(a.start));
}

/** Writes a session's changed fields. */
export async function saveSession(db: AttendanceDatabase, session: Session): Promise<void> {
  await guardWrite(m.what_session(), () => db.sessions.put(session));
}

/**
 * Ends a session at `end` and adds `absent` (records of the students expected) for each student who has no
 * record in it yet, in one transaction. Returns how many were added.
 */
export async function closeSessionRecords(
  db: AttendanceDatabase,
  sessionId: number,
  end: string,
  absent: readonly AttendanceRecord[],
  endEstimated = false,
): Promise<number> {
  return guardWrite(m.what_session(), () =>
    db.transaction('rw', db.sessions, db.attendance, async () => {
      await db.sessions.update(sessionId, { end, endEstimated });
      const have = new Set((await attendanceOfSession(db, sessionId)).map((r) => r.studentId));
      const missing = absent.filter((r) => !have.has(r.studentId));
      await db.attendance.bulkAdd(missing.map((r) => ({ ...r })));
      return missing.length;
    }),
  );
}

/**
 * Deletes a session. Its records go with it, or, with `keepRecords`, stay with a copy of the session they
 * were taken in (course, class, date, start, end), so exports still say which lesson they belong to.
 */
export async function deleteSession(
  db: AttendanceDatabase,
  sessionId: number,
  options: { readonly keepRecords: boolean },
): Promise<number> {
  return guardWrite(m.what_session(), () =>
    db.transaction('rw', db.sessions, db.attendance, async () => {
      const session = await db.sessions.get(sessionId);
      if (!session) return 0;
      const records = db.attendance.where('sessionId').equals(sessionId);
      const n = await records.count();
      if (options.keepRecords) {
        const { course, className, date, start, end } = session;
        await records.modify({ sessionCopy: { course, className, date, start, end } });
      } else await records.delete();
      await db.sessions.delete(sessionId);
      return n;
    }),
  );
}

/** Ends a session (its time of ending is kept). */
export async function endSession(db: AttendanceDatabase, id: number, at = new Date()): Promise<void> {
  await guardWrite(m.what_session(), () => db.sessions.update(id, { end: at.toISOString() }));
}

/** Every attendance record. */
export function allAttendance(db: AttendanceDatabase): Promise<AttendanceRecord[]> {
  return db.attendance.toArray();
}

/**
 * Erases everything this app stored on this computer: students, face photos and embeddings, classifiers,
 * sessions, attendance and settings, in one transaction.
 */
export async function eraseEverything(db: AttendanceDatabase): Promise<void> {
  await db.transaction('rw', db.tables, async () => {
    await Promise.all(db.tables.map((t) => t.clear()));
  });
}
