/**
 * Attendance rules: a student is recorded once per session, present or late (arriving more than the
 * session's "late after" minutes after its start), and later sightings only update last seen and the best
 * score. Teachers can mark, unmark and excuse by hand; who and when is kept, and the camera does not
 * overrule them.
 */
import { m } from '../paraglide/messages';
import {
  attendanceOfSession,
  changeAttendance,
  closeSessionRecords,
  createSession,
  getSession,
  saveSession,
} from '../db/attendance';
import type { AttendanceDatabase, AttendanceRecord, AttendanceStatus, Session, Student } from '../db/schema';
import { DEFAULT_LATE_AFTER_MINUTES, STALE_SESSION_MS } from '../core/defaults';
import { ValidationError } from '../core/errors';

export { DEFAULT_LATE_AFTER_MINUTES } from '../core/defaults';

export interface NewSession {
  readonly course: string;
  readonly className: string;
  /** When the lesson starts. */
  readonly start: Date;
  /** Defaults to 10. */
  readonly lateAfterMinutes?: number;
}

export function startSession(db: AttendanceDatabase, s: NewSession): Promise<Session> {
  const lateAfterMinutes = s.lateAfterMinutes ?? DEFAULT_LATE_AFTER_MINUTES;
  if (!(lateAfterMinutes >= 0))
    throw new ValidationError('"Late after" must be 0 minutes or more.', { lateAfterMinutes: 'Negative.' });
  return createSession(db, {
    course: s.course.trim(),
    className: s.className.trim(),
    date: s.start.toISOString().slice(0, 10),
    start: s.start.toISOString(),
    lateAfterMinutes,
    end: null,
  });
}

function snapshotOf(
  student: Pick<Student, 'studentId' | 'name' | 'className' | 'faculty'>,
): AttendanceRecord['snapshot'] {
  return { studentId: student.studentId, name: student.name, className: student.className, faculty: student.faculty };
}

async function requireSession(db: AttendanceDatabase, sessionId: number): Promise<Session> {
  const session = await getSession(db, sessionId);
  if (!session) throw new ValidationError(m.session_missing({ id: sessionId }), { session: m.v_not_found() });
  return session;
}

export interface Sighting {
  readonly record: AttendanceRecord;
  /** True the first time the student is marked in this session (for the cue on screen). */
  readonly isNew: boolean;
}

/** Records that the camera recognised `student` at `at` with probability `score`. */
export function recordSighting(
  db: AttendanceDatabase,
  sessionId: number,
  student: Student,
  score: number,
  at: Date,
): Promise<Sighting> {
  return markSeen(db, sessionId, student, score, at, null);
}

/**
 * Records that the teacher confirmed the camera's "maybe" for `student` (probability `score`): marked
 * present or late as a sighting would be, kept as confirmed by `by`.
 */
export function confirmSighting(
  db: AttendanceDatabase,
  sessionId: number,
  student: Student,
  score: number,
  by: string,
  at = new Date(),
): Promise<Sighting> {
  if (!by.trim()) throw new ValidationError(m.say_who_confirms(), { by: m.required() });
  return markSeen(db, sessionId, student, score, at, by.trim());
}

async function markSeen(
  db: AttendanceDatabase,
  sessionId: number,
  student: Student,
  score: number,
  at: Date,
  confirmedBy: string | null,
): Promise<Sighting> {
  const session = await requireSession(db, sessionId);
  let isNew = false;
  const record = await changeAttendance(db, sessionId, student.studentId, (found) => {
    let existing = found;
    const when = at.toISOString();
    // Recorded absent when an earlier sitting of the session closed, and here now: an arrival after all.
    if (existing?.status === 'absent' && existing.how === 'automatic') existing = undefined;
    if (existing) {
      // Seen again, or marked by hand before (the teacher's word stands): only the sightings change.
      return {
        ...existing,
        firstSeen: existing.firstSeen ?? when,
        lastSeen: existing.lastSeen && existing.lastSeen > when ? existing.lastSeen : when,
        bestScore: Math.max(existing.bestScore ?? 0, score),
      };
    }
    isNew = true;
    const late = isLate(session, at);
    return {
      sessionId,
      studentId: student.studentId,
      status: late ? 'late' : 'present',
      firstSeen: when,
      lastSeen: when,
      bestScore: score,
      how: confirmedBy ? 'confirmed' : 'automatic',
      changedBy: confirmedBy,
      changedAt: confirmedBy ? when : null,
      snapshot: snapshotOf(student),
    };
  });
  return { record: record!, isNew };
}

/**
 * Whether the camera should leave a student alone in this session: marked present or late already, or
 * decided by the teacher (marked, unmarked, excused or confirmed by hand). Such a student is never
 * suggested for confirmation.
 */
export function isDecided(record: AttendanceRecord | undefined): boolean {
  return !!record && (record.status === 'present' || record.status === 'late' || record.how !== 'automatic');
}

/**
 * A record set by hand, from the one there was. Present or late keeps the camera's sightings; absent
 * (an Unmark) or excused drops them, so that the file does not show the time and confidence of a sighting
 * the teacher overruled as if it stood.
 */
export function handRecord(
  existing: AttendanceRecord | undefined,
  sessionId: number,
  student: Pick<Student, 'studentId' | 'name' | 'className' | 'faculty'>,
  status: AttendanceStatus,
  by: string,
  at: Date,
  note?: string,
): AttendanceRecord {
  const seen = status === 'present' || status === 'late';
  const record: AttendanceRecord = {
    sessionId,
    studentId: student.studentId,
    firstSeen: seen ? (existing?.firstSeen ?? null) : null,
    lastSeen: seen ? (existing?.lastSeen ?? null) : null,
    bestScore: seen ? (existing?.bestScore ?? null) : null,
    snapshot: existing?.snapshot ?? snapshotOf(student),
    status,
    how: 'manual',
    changedBy: by.trim(),
    changedAt: at.toISOString(),
  };
  const kept = note === undefined ? existing?.note : note.trim();
  if (kept) record.note = kept;
  if (existing?.sessionCopy) record.sessionCopy = existing.sessionCopy;
  return record;
}

/**
 * Sets a student's status by hand ('absent' unmarks them, 'excused' with a note), recording who did it and
 * when. `note` replaces the record's note; undefined keeps it.
 */
export async function markByHand(
  db: AttendanceDatabase,
  sessionId: number,
  student: Pick<Student, 'studentId' | 'name' | 'className' | 'faculty'>,
  status: AttendanceStatus,
  by: string,
  at = new Date(),
  note?: string,
): Promise<AttendanceRecord> {
  await requireSession(db, sessionId);
  if (!by.trim()) throw new ValidationError(m.say_who_changes(), { by: m.required() });
  const record = await changeAttendance(db, sessionId, student.studentId, (existing) =>
    handRecord(existing, sessionId, student, status, by, at, note),
  );
  return record!;
}

/**
 * Closes a session (Stop, or the end of the lesson): its end is kept, and every expected student with no
 * record yet is recorded absent, so that the file and Records list the whole class. The camera can still
 * mark them if the session is taken up again. Returns how many were recorded absent.
 */
export async function closeSession(
  db: AttendanceDatabase,
  sessionId: number,
  expected: readonly Student[],
  at = new Date(),
  endEstimated = false,
): Promise<number> {
  await requireSession(db, sessionId);
  return closeSessionRecords(
    db,
    sessionId,
    at.toISOString(),
    expected.map((student): AttendanceRecord => ({
      sessionId,
      studentId: student.studentId,
      status: 'absent',
      firstSeen: null,
      lastSeen: null,
      bestScore: null,
      how: 'automatic',
      changedBy: null,
      changedAt: null,
      snapshot: snapshotOf(student),
    })),
    endEstimated,
  );
}

/** The students a session expects: its class, or everyone where the class has nobody enrolled. */
export function expectedStudents(students: readonly Student[], session: Session | null): Student[] {
  if (!session) return [];
  const ofClass = students.filter((s) => s.className === session.className);
  return ofClass.length > 0 ? ofClass : [...students];
}

export interface ClosedStale {
  readonly session: Session;
  /** When it was closed: its last activity (a sighting or a mark), or its start. */
  readonly closedAt: string;
  readonly absent: number;
}

/**
 * Closes the sessions left open by a crash or a closed tab: open, with no activity for `idleMs`. Each is
 * closed at its last activity, its unseen students recorded absent (as Stop would). Returns what it closed.
 */
export async function closeStaleSessions(
  db: AttendanceDatabase,
  students: readonly Student[],
  now = new Date(),
  idleMs = STALE_SESSION_MS,
): Promise<ClosedStale[]> {
  const closed: ClosedStale[] = [];
  for (const session of await db.sessions.filter((s) => s.end === null).toArray()) {
    let last = session.start;
    for (const r of await attendanceOfSession(db, session.id!))
      for (const at of [r.firstSeen, r.lastSeen, r.changedAt]) if (at && at > last) last = at;
    if (now.getTime() - new Date(last).getTime() <= idleMs) continue;
    const absent = await closeSession(db, session.id!, expectedStudents(students, session), new Date(last), true);
    closed.push({ session, closedAt: last, absent });
  }
  return closed;
}

export interface SessionChange {
  readonly course?: string;
  readonly className?: string;
  /** A new start (the date follows it). */
  readonly start?: Date;
  readonly lateAfterMinutes?: number;
}

/**
 * Renames or edits a session: course, class, start and "late after"; the camera's present and late marks
 * are decided again by the new start and "late after".
 */
export async function editSession(db: AttendanceDatabase, sessionId: number, change: SessionChange): Promise<Session> {
  const session = await requireSession(db, sessionId);
  const fields: Record<string, string> = {};
  if (change.lateAfterMinutes !== undefined && !(change.lateAfterMinutes >= 0))
    fields.lateAfterMinutes = m.v_late_after();
  if (change.start && Number.isNaN(change.start.getTime())) fields.start = m.v_start();
  if (change.course !== undefined && !change.course.trim()) fields.course = m.v_course();
  if (Object.keys(fields).length)
    throw new ValidationError(m.v_please_correct({ problems: Object.values(fields).join(' ') }), fields);
  const next: Session = {
    ...session,
    ...(change.course !== undefined ? { course: change.course.trim() } : {}),
    ...(change.className !== undefined ? { className: change.className.trim() } : {}),
    ...(change.lateAfterMinutes !== undefined ? { lateAfterMinutes: change.lateAfterMinutes } : {}),
    ...(change.start ? { start: change.start.toISOString(), date: change.start.toISOString().slice(0, 10) } : {}),
  };
  await saveSession(db, next);
  // The camera's marks follow a new start or "late after"; marks by hand stay as the teacher set them.
  for (const r of await attendanceOfSession(db, sessionId)) {
    if (r.how === 'manual' || !r.firstSeen || (r.status !== 'present' && r.status !== 'late')) continue;
    const status = isLate(next, new Date(r.firstSeen)) ? 'late' : 'present';
    if (status !== r.status) await changeAttendance(db, sessionId, r.studentId, (e) => (e ? { ...e, status } : null));
  }
  return next;
}

function isLate(session: Session, at: Date): boolean {
  return at.getTime() - new Date(session.start).getTime() > session.lateAfterMinutes * 60_000;
}

export function sessionAttendance(db: AttendanceDatabase, sessionId: number): Promise<AttendanceRecord[]> {
  return attendanceOfSession(db, sessionId);
}
