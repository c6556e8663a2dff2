/**
 * Attendance rules: a student is recorded once per session, present or late (arriving more than the
 * session's "late after" minutes after its start), and later sightings only update last seen and the best
 * score. Teachers can mark, unmark and excuse by hand; who and when is kept, and the camera does not
 * overrule them.
 */
import { attendanceOfSession, changeAttendance, createSession, getSession } from '../db/attendance';
import type { AttendanceDatabase, AttendanceRecord, AttendanceStatus, Session, Student } from '../db/schema';
import { DEFAULT_LATE_AFTER_MINUTES } from '../core/defaults';
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

function snapshotOf(student: Student): AttendanceRecord['snapshot'] {
  return { studentId: student.studentId, name: student.name, className: student.className, faculty: student.faculty };
}

async function requireSession(db: AttendanceDatabase, sessionId: number): Promise<Session> {
  const session = await getSession(db, sessionId);
  if (!session) throw new ValidationError(`Session ${sessionId} does not exist.`, { session: 'Not found.' });
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
  if (!by.trim()) throw new ValidationError('Say who is confirming.', { by: 'Required.' });
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
  const record = await changeAttendance(db, sessionId, student.studentId, (existing) => {
    const when = at.toISOString();
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
    const late = at.getTime() - new Date(session.start).getTime() > session.lateAfterMinutes * 60_000;
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

/** Sets a student's status by hand ('absent' unmarks them), recording who did it and when. */
export async function markByHand(
  db: AttendanceDatabase,
  sessionId: number,
  student: Student,
  status: AttendanceStatus,
  by: string,
  at = new Date(),
): Promise<AttendanceRecord> {
  await requireSession(db, sessionId);
  if (!by.trim()) throw new ValidationError('Say who is changing the record.', { by: 'Required.' });
  const record = await changeAttendance(db, sessionId, student.studentId, (existing) => ({
    sessionId,
    studentId: student.studentId,
    firstSeen: existing?.firstSeen ?? null,
    lastSeen: existing?.lastSeen ?? null,
    bestScore: existing?.bestScore ?? null,
    snapshot: existing?.snapshot ?? snapshotOf(student),
    status,
    how: 'manual',
    changedBy: by.trim(),
    changedAt: at.toISOString(),
  }));
  return record!;
}

export function sessionAttendance(db: AttendanceDatabase, sessionId: number): Promise<AttendanceRecord[]> {
  return attendanceOfSession(db, sessionId);
}
