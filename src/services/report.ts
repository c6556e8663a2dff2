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
import { neutraliseCell, sessionLabel, type CsvHeaders } from '../db/csv';
import Papa from 'papaparse';
import { DEFAULT_LEFT_EARLY_MINUTES } from '../core/defaults';
import { compareText } from '../core/text';
import { m } from '../paraglide/messages';
import { count } from './counts';
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
  readonly course: string;
  readonly className: string;
  readonly date: string;
  /** ISO start of the lesson. */
  readonly start: string;
  /** Who was expected and not there (excused not counted), by name. */
  readonly absentees: readonly Who[];
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

export type Who = { readonly studentId: string; readonly name: string; readonly className: string };

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
    const absentees: Who[] = [];
    for (const [id, who] of expected) {
      const st = status.get(id) ?? 'absent';
      c[st]++;
      if (st === 'absent') absentees.push({ studentId: who.studentId, name: who.name, className: who.className });
      const p = person(who);
      p.counts.expected++;
      p.counts[st]++;
    }
    const counted = expected.size - c.excused;
    return {
      sessionId: s.id!,
      label: sessionLabel(s),
      course: s.course,
      className: s.className,
      date: s.date,
      start: s.start,
      absentees: absentees.sort((a, b) => compareText(a.name, b.name)),
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
    .sort((a, b) => compareText(a.name, b.name));
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

/** The report's figures in one line: sessions, students, rate, late, absent (and left early). */
export function reportSummary(report: AttendanceReport, title: string): string {
  return (
    m.report_line({
      title,
      sessions: count.session(report.sessions.length),
      students: count.student(report.students.length),
      rate: pct(report.rate),
      late: report.late,
      absent: report.absent,
    }) + `${report.leftEarly ? m.report_left_early({ count: report.leftEarly }) : ''}.`
  );
}

/** What the sessions of a report cover, in words: "2026-09-01" or "2026-09-01 to 2026-09-03". */
export function reportPeriod(report: AttendanceReport): string {
  const dates = report.sessions.map((s) => s.date).sort();
  if (dates.length === 0) return '';
  return dates[0] === dates.at(-1) ? dates[0]! : m.date_range({ from: dates[0]!, to: dates.at(-1)! });
}

const listOf = (values: readonly string[], none: string): string =>
  [...new Set(values.filter(Boolean))].join(', ') || none;

/**
 * The e-mail of a report: the subject, and a body that says which class, course and dates, how many were
 * present, late and absent, and who was absent at which lesson.
 */
export function reportMail(
  report: AttendanceReport,
  from: { readonly school?: string; readonly teacher?: string } = {},
): { readonly subject: string; readonly summary: string } {
  const classes = listOf(
    report.sessions.map((s) => s.className),
    m.all_classes(),
  );
  const courses = listOf(
    report.sessions.map((s) => s.course),
    m.all_courses_lower(),
  );
  const period = reportPeriod(report);
  const present = report.sessions.reduce((n, s) => n + s.present, 0);
  const excused = report.sessions.reduce((n, s) => n + s.excused, 0);
  const absentLines = report.sessions.flatMap((s) =>
    s.absentees.length ? [`- ${s.label}: ${s.absentees.map((a) => `${a.name} (${a.studentId})`).join(', ')}`] : [],
  );
  const lines = [
    m.mail_what({
      classes,
      courses,
      count: report.sessions.length,
      period,
      sessions: count.session(report.sessions.length),
    }),
    m.mail_figures({ present, late: report.late, absent: report.absent }) +
      (excused ? m.mail_excused({ excused }) : '') +
      m.mail_rate({ rate: pct(report.rate) }) +
      (report.leftEarly ? m.mail_left_early({ count: report.leftEarly }) : '') +
      '.',
    absentLines.length ? `${m.mail_absent()}\n${absentLines.join('\n')}` : m.mail_nobody_absent(),
    [
      from.teacher && m.mail_teacher({ teacher: from.teacher }),
      from.school && m.mail_school({ school: from.school }),
      m.mail_sent_from(),
    ]
      .filter(Boolean)
      .join(' '),
  ];
  return { subject: m.mail_subject({ classes, courses, period }), summary: lines.join('\n\n') };
}

export const REPORT_COLUMNS = [
  'Student ID',
  'Name',
  'Class',
  'Sessions',
  'Present',
  'Late',
  'Absent',
  'Excused',
  'Attendance',
] as const;

export const REPORT_COLUMNS_VI = [
  'Mã sinh viên',
  'Họ và tên',
  'Lớp',
  'Số buổi',
  'Có mặt',
  'Muộn',
  'Vắng',
  'Có phép',
  'Chuyên cần',
] as const satisfies { length: (typeof REPORT_COLUMNS)['length'] };

/**
 * The report's table as CSV (BOM first, formulas neutralised): one row a student, as the screen shows it;
 * the column names in English (the original's) or in Vietnamese.
 */
export function reportToCsv(report: AttendanceReport, headers: CsvHeaders = 'en'): string {
  const data = report.students.map((s) =>
    [s.studentId, s.name, s.className, s.expected, s.present, s.late, s.absent, s.excused, pct(s.rate)].map((v) =>
      neutraliseCell(String(v)),
    ),
  );
  const fields = headers === 'vi' ? REPORT_COLUMNS_VI : REPORT_COLUMNS;
  return '\uFEFF' + Papa.unparse({ fields: [...fields], data }, { newline: '\r\n', quotes: false });
}

export { pct as percent };
