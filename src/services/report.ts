/**
 * The attendance report: for the chosen sessions, each student's attendance rate and late/absent counts,
 * and each session's rate, as plain data for the charts, the table and the e-mail summary.
 *
 * Who was expected at a session: the students now in its class (all students where the class is empty or
 * matches nobody), and anyone with a record in it (a deleted student keeps the name on their records).
 * Absent is expected and neither present, late nor excused. The rate is (present + late) over the sessions
 * a student was expected at, less the excused ones.
 */
import type { AttendanceRecord, Session, Student } from '../db/schema';
import { sessionLabel } from '../db/csv';
import { DEFAULT_LEFT_EARLY_MINUTES } from '../core/defaults';
import { leftEarly } from '../db/presence';

export interface StudentRate {
  readonly studentId: string;
  readonly name: string;
  readonly className: string;
  readonly expected: number;
  readonly present: number;
  readonly late: number;
  readonly absent: number;
  readonly excused: number;
  /** 0..1; NaN when every session was excused. */
  readonly rate: number;
}

export interface SessionRate {
  readonly sessionId: number;
  readonly label: string;
  readonly date: string;
  readonly expected: number;
  readonly present: number;
  readonly late: number;
  readonly absent: number;
  readonly excused: number;
  readonly rate: number;
}

export interface AttendanceReport {
  readonly sessions: readonly SessionRate[];
  readonly students: readonly StudentRate[];
  /** Over every expected student-session, excused left out. */
  readonly rate: number;
  readonly late: number;
  readonly absent: number;
  /** Student-sessions where the student was marked and left early (see `db/presence.ts`). */
  readonly leftEarly: number;
}

type Who = { studentId: string; name: string; className: string };

export function buildReport(
  sessions: readonly Session[],
  records: readonly AttendanceRecord[],
  roster: readonly Student[],
  leftEarlyMinutes = DEFAULT_LEFT_EARLY_MINUTES,
): AttendanceReport {
  const ordered = [...sessions].sort((a, b) => a.start.localeCompare(b.start));
  const byId = new Map(sessions.map((x) => [x.id!, x]));
  const bySession = new Map<number, AttendanceRecord[]>();
  for (const r of records) bySession.set(r.sessionId, [...(bySession.get(r.sessionId) ?? []), r]);
  const people = new Map<
    string,
    Who & { counts: Record<'expected' | 'present' | 'late' | 'absent' | 'excused', number> }
  >();
  const person = (w: Who) => {
    let p = people.get(w.studentId);
    if (!p) {
      p = { ...w, counts: { expected: 0, present: 0, late: 0, absent: 0, excused: 0 } };
      people.set(w.studentId, p);
    }
    return p;
  };
  const sessionRates = ordered.map((s): SessionRate => {
    const recs = bySession.get(s.id!) ?? [];
    const ofClass = roster.filter((st) => st.className === s.className);
    const expected = new Map<string, Who>((ofClass.length ? ofClass : roster).map((st) => [st.studentId, st] as const));
    for (const r of recs) expected.set(r.studentId, { ...r.snapshot });
    const status = new Map(recs.map((r) => [r.studentId, r.status]));
    const c = { present: 0, late: 0, absent: 0, excused: 0 };
    for (const [id, who] of expected) {
      const st = status.get(id) ?? 'absent';
      c[st]++;
      const p = person(who);
      p.counts.expected++;
      p.counts[st]++;
    }
    const counted = expected.size - c.excused;
    return {
      sessionId: s.id!,
      label: sessionLabel(s),
      date: s.date,
      expected: expected.size,
      ...c,
      rate: counted > 0 ? (c.present + c.late) / counted : NaN,
    };
  });
  const students = [...people.values()]
    .map(({ counts, ...who }): StudentRate => {
      const counted = counts.expected - counts.excused;
      return { ...who, ...counts, rate: counted > 0 ? (counts.present + counts.late) / counted : NaN };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
  const sum = (k: 'present' | 'late' | 'absent' | 'excused' | 'expected'): number =>
    sessionRates.reduce((n, s) => n + s[k], 0);
  const counted = sum('expected') - sum('excused');
  return {
    sessions: sessionRates,
    students,
    rate: counted > 0 ? (sum('present') + sum('late')) / counted : NaN,
    late: sum('late'),
    absent: sum('absent'),
    leftEarly: records.filter((r) => leftEarly(r, byId.get(r.sessionId), leftEarlyMinutes)).length,
  };
}

const pct = (x: number): string => (Number.isNaN(x) ? '–' : `${Math.round(x * 100)}%`);

/** One paragraph for an e-mail body or a share sheet. */
export function reportSummary(report: AttendanceReport, title: string): string {
  const n = report.sessions.length;
  return (
    `${title}: ${n} session${n === 1 ? '' : 's'}, ${report.students.length} students, attendance ${pct(report.rate)}, ` +
    `${report.late} late, ${report.absent} absent${report.leftEarly ? `, ${report.leftEarly} left early` : ''}. Sent from Face Attendance.`
  );
}

export { pct as percent };
