/**
 * attendance.csv: the original's columns (Student ID, Name, Class, Faculty, Date, Time) plus Status, Session,
 * Confidence, the time the student was last seen, whether they left early (see `presence.ts`) and the
 * teacher's note. Every student a closed session expected has a row: present, late, excused or absent.
 * UTF-8 with a byte-order mark so that Excel shows names with diacritics correctly, and cells that a
 * spreadsheet would run as a formula neutralised.
 */
import Papa from 'papaparse';
import { DEFAULT_LEFT_EARLY_MINUTES } from '../core/defaults';
import { compareText } from '../core/text';
import { leftEarly } from './presence';
import type { AttendanceDatabase, AttendanceRecord, Session } from './schema';

export const ATTENDANCE_COLUMNS = [
  'Student ID',
  'Name',
  'Class',
  'Faculty',
  'Date',
  'Time',
  'Status',
  'Session',
  'Confidence',
  'Last seen',
  'Left early',
  'Note',
] as const;

/** The same columns with Vietnamese names (Settings: "Column names in files"). */
export const ATTENDANCE_COLUMNS_VI = [
  'Mã sinh viên',
  'Họ và tên',
  'Lớp',
  'Khoa',
  'Ngày',
  'Giờ',
  'Trạng thái',
  'Buổi học',
  'Độ tin cậy',
  'Thấy lần cuối',
  'Về sớm',
  'Ghi chú',
] as const satisfies { length: (typeof ATTENDANCE_COLUMNS)['length'] };

/** The language of a file's column names: the original's English ones, or Vietnamese. */
export type CsvHeaders = 'en' | 'vi';

const BOM = '\uFEFF';

/** A cell starting with = + - @ tab or carriage return gets a leading apostrophe, so no spreadsheet runs it. */
export function neutraliseCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

export interface CsvOptions {
  /** Time zone for the Date and Time columns. Defaults to this computer's. */
  readonly timeZone?: string;
  /** A student last seen this long before the end "left early" (0: never). Defaults to 15. */
  readonly leftEarlyMinutes?: number;
  /** The column names' language. Defaults to English, the original's. */
  readonly headers?: CsvHeaders;
}

function dateAndTime(iso: string | null, timeZone?: string): [string, string] {
  if (!iso) return ['', ''];
  const d = new Date(iso);
  const date = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    d,
  );
  const time = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).format(d);
  return [date, time];
}

export function sessionLabel(s: Pick<Session, 'course' | 'className' | 'start'>, timeZone?: string): string {
  const [date, time] = dateAndTime(s.start, timeZone);
  return [s.course, s.className, date, time.slice(0, 5)].filter(Boolean).join(' ');
}

/** The CSV text (BOM first) of the records, in the order given. */
export function attendanceToCsv(
  records: readonly AttendanceRecord[],
  sessions: ReadonlyMap<number, Session>,
  options: CsvOptions = {},
): string {
  const data = records.map((r) => {
    const session = sessions.get(r.sessionId) ?? r.sessionCopy;
    const there = r.status === 'present' || r.status === 'late';
    // Present or late: when the student came (seen, or marked by hand). Absent or excused: the lesson's
    // date and no time, as nobody arrived.
    const [date, time] = there
      ? dateAndTime(r.firstSeen ?? r.changedAt ?? session?.start ?? null, options.timeZone)
      : [dateAndTime(session?.start ?? r.changedAt, options.timeZone)[0], ''];
    return [
      r.snapshot.studentId,
      r.snapshot.name,
      r.snapshot.className,
      r.snapshot.faculty,
      date,
      time,
      r.status,
      session ? sessionLabel(session, options.timeZone) : `session ${r.sessionId}`,
      r.bestScore === null || !there ? '' : `${Math.round(r.bestScore * 100)}%`,
      r.lastSeen && there ? dateAndTime(r.lastSeen, options.timeZone)[1] : '',
      leftEarly(r, sessions.get(r.sessionId), options.leftEarlyMinutes ?? DEFAULT_LEFT_EARLY_MINUTES) ? 'yes' : '',
      r.note ?? '',
    ].map(neutraliseCell);
  });
  const fields = options.headers === 'vi' ? ATTENDANCE_COLUMNS_VI : ATTENDANCE_COLUMNS;
  return BOM + Papa.unparse({ fields: [...fields], data }, { newline: '\r\n', quotes: false });
}

const STATUS_ORDER: Readonly<Record<AttendanceRecord['status'], number>> = {
  present: 0,
  late: 0,
  excused: 1,
  absent: 2,
};

/**
 * Records in the order of the file and of Records: by session (the latest first with `latestFirst`), then
 * those who came in the order they came, then the excused and the absent by name.
 */
export function sortRecords(
  records: readonly AttendanceRecord[],
  sessions: ReadonlyMap<number, Session>,
  latestFirst = false,
): AttendanceRecord[] {
  const start = (r: AttendanceRecord): string => sessions.get(r.sessionId)?.start ?? r.sessionCopy?.start ?? '';
  const arrival = (r: AttendanceRecord): string =>
    r.status === 'present' || r.status === 'late' ? (r.firstSeen ?? r.changedAt ?? '') : '';
  return [...records].sort(
    (a, b) =>
      (latestFirst ? start(b).localeCompare(start(a)) : start(a).localeCompare(start(b))) ||
      a.sessionId - b.sessionId ||
      STATUS_ORDER[a.status] - STATUS_ORDER[b.status] ||
      arrival(a).localeCompare(arrival(b)) ||
      compareText(a.snapshot.name, b.snapshot.name),
  );
}

export type CsvSelection =
  { readonly sessionId: number } | { readonly from: string; readonly to: string } | Record<string, never>;

/**
 * Exports one session, the sessions of a date range (YYYY-MM-DD, inclusive), or everything; records kept
 * from a deleted session count by the copy of it they carry.
 */
export async function exportAttendanceCsv(
  db: AttendanceDatabase,
  selection: CsvSelection = {},
  options: CsvOptions = {},
): Promise<string> {
  const sessions =
    'sessionId' in selection
      ? await db.sessions.where('id').equals(selection.sessionId).toArray()
      : 'from' in selection
        ? await db.sessions.where('date').between(selection.from, selection.to, true, true).toArray()
        : await db.sessions.toArray();
  const byId = new Map(sessions.map((s) => [s.id!, s]));
  const records = await db.attendance
    .where('sessionId')
    .anyOf([...byId.keys()])
    .toArray();
  if (!('sessionId' in selection)) {
    const kept = await db.attendance.filter((r) => !!r.sessionCopy).toArray();
    const inRange = (r: AttendanceRecord): boolean =>
      !('from' in selection) || (r.sessionCopy!.date >= selection.from && r.sessionCopy!.date <= selection.to);
    records.push(...kept.filter((r) => !byId.has(r.sessionId) && inRange(r)));
  }
  return attendanceToCsv(sortRecords(records, byId), byId, options);
}
