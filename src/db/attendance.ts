/** Sessions and attendance records. The rules (late, once per session) live in src/services/attendance.ts. */
import type { AttendanceDatabase, AttendanceRecord, Session } from './schema';
import { guardWrite } from './storage';

export async function createSession(db: AttendanceDatabase, session: Omit<Session, 'id'>): Promise<Session> {
  return guardWrite('the session', async () => ({ ...session, id: await db.sessions.add({ ...session }) }));
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
  return guardWrite('the attendance record', () =>
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

/** Ends a session (its time of ending is kept). */
export async function endSession(db: AttendanceDatabase, id: number, at = new Date()): Promise<void> {
  await guardWrite('the session', () => db.sessions.update(id, { end: at.toISOString() }));
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
