/**
 * Roster import from CSV: parse, map the columns (guessed from the header, changeable), preview every row
 * with its problems, and only then write, all rows or none.
 */
import { m } from '../paraglide/messages';
import Papa from 'papaparse';
import { ValidationError } from '../core/errors';
import { foldText } from '../core/text';
import type { AttendanceDatabase, Student } from './schema';
import { guardWrite } from './storage';
import { idKey, validateStudent, type StudentInput } from './validation';

/** A column a roster can fill: a student's text field, or one of the consent columns. */
type TextField =
  | Exclude<keyof StudentInput, 'consent' | 'photoSampleStatus' | 'objects'>
  | 'consentGiven'
  | 'consentBy'
  | 'consentName';

/**
 * The student fields a roster can fill, with the header names each is recognised by, written as
 * `foldText` leaves them (no capitals, no diacritics: "Mã sinh viên" is "ma sinh vien"): English, and the
 * headers of Vietnamese schools' class lists.
 */
export const ROSTER_FIELDS: readonly {
  readonly field: TextField;
  readonly aliases: readonly string[];
}[] = [
  {
    field: 'studentId',
    aliases: [
      'student id',
      'id',
      'student number',
      'student no',
      'mssv',
      'ma sv',
      'ma sinh vien',
      'ma hoc sinh',
      'ma hs',
      'mshs',
      'so bao danh',
    ],
  },
  {
    field: 'name',
    aliases: ['student name', 'name', 'full name', 'ho ten', 'ho va ten', 'ho ten sinh vien', 'ho va ten sinh vien'],
  },
  { field: 'className', aliases: ['class', 'class name', 'lop', 'ten lop', 'lop hoc'] },
  { field: 'faculty', aliases: ['faculty', 'department', 'khoa', 'nganh', 'khoa nganh'] },
  { field: 'course', aliases: ['course', 'mon hoc', 'hoc phan', 'ten hoc phan'] },
  { field: 'year', aliases: ['year', 'nam hoc', 'khoa hoc', 'nien khoa'] },
  { field: 'semester', aliases: ['semester', 'term', 'hoc ky', 'hoc ki'] },
  { field: 'gender', aliases: ['gender', 'sex', 'gioi tinh', 'phai'] },
  {
    field: 'dateOfBirth',
    aliases: ['date of birth', 'dob', 'birthday', 'birth date', 'ngay sinh', 'ngay thang nam sinh'],
  },
  { field: 'email', aliases: ['email', 'e-mail', 'mail', 'thu dien tu'] },
  {
    field: 'phone',
    aliases: ['phone', 'telephone', 'mobile', 'so dien thoai', 'dien thoai', 'sdt', 'so dt'],
  },
  { field: 'address', aliases: ['address', 'dia chi', 'que quan', 'noi o'] },
  {
    field: 'consentGiven',
    aliases: ['consent', 'consent given', 'photo consent', 'dong y', 'dong y su dung anh', 'cho phep', 'chap thuan'],
  },
  {
    field: 'consentBy',
    aliases: ['consent given by', 'consent by', 'nguoi dong y', 'nguoi cho phep'],
  },
  {
    field: 'consentName',
    aliases: ['consent name', 'parent', 'parent name', 'guardian', 'phu huynh', 'ho ten phu huynh', 'ten phu huynh'],
  },
];

export type RosterMapping = Partial<Record<TextField, number>>;

export interface ParsedRoster {
  readonly headers: string[];
  readonly rows: string[][];
}

/**
 * Parses CSV text (a BOM is dropped; commas, semicolons or tabs, as the file has them); a malformed file
 * gives a `ValidationError` with each line at fault once.
 */
export function parseRoster(text: string): ParsedRoster {
  const result = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { skipEmptyLines: 'greedy' });
  const errors = result.errors.filter((e) => e.code !== 'UndetectableDelimiter');
  if (errors.length > 0) {
    const byLine = new Map<number, string>();
    for (const e of errors) if (!byLine.has((e.row ?? 0) + 1)) byLine.set((e.row ?? 0) + 1, e.message);
    const lines = [...byLine].slice(0, 5).map(([line, message]) => m.csv_line_problem({ line, message }));
    const more = byLine.size > 5 ? m.csv_more_lines({ count: byLine.size - 5 }) : '';
    throw new ValidationError(m.csv_invalid({ problems: `${lines.join('; ')}${more}` }), { file: 'malformed CSV' });
  }
  return parseRosterRows(result.data);
}

/** The header and rows of a roster, from a CSV or a spreadsheet's cells. */
export function parseRosterRows(data: readonly (readonly string[])[]): ParsedRoster {
  const [headers, ...rows] = data.map((r) => [...r]);
  if (!headers || rows.length === 0) {
    throw new ValidationError(m.roster_no_rows(), {
      file: 'empty',
    });
  }
  return { headers: headers.map((h) => h.trim()), rows };
}

const normalise = (h: string): string => foldText(h.replace(/[_.:*]/g, ' '));

/** Maps each field to the first header that names it. */
export function guessMapping(headers: readonly string[]): RosterMapping {
  const mapping: RosterMapping = {};
  const taken = new Set<number>();
  for (const { field, aliases } of ROSTER_FIELDS) {
    const at = headers.findIndex((h, i) => !taken.has(i) && aliases.includes(normalise(h)));
    if (at >= 0) {
      mapping[field] = at;
      taken.add(at);
    }
  }
  return mapping;
}

/**
 * A date of birth as rosters write it, as YYYY-MM-DD: "05/04/2010" and "5-4-2010" are day first, as in
 * Vietnam and most of the world; anything else is left for the check to name.
 */
export function isoDate(text: string): string {
  const dmy = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(text);
  if (dmy) return `${dmy[3]}-${dmy[2]!.padStart(2, '0')}-${dmy[1]!.padStart(2, '0')}`;
  const iso = /^(\d{4})[/.-](\d{1,2})[/.-](\d{1,2})$/.exec(text);
  if (iso) return `${iso[1]}-${iso[2]!.padStart(2, '0')}-${iso[3]!.padStart(2, '0')}`;
  return text;
}

/** The form's gender choices from what rosters write (Nam, Nữ, F, M …); other words are kept. */
export function genderOf(text: string): string {
  const word = foldText(text);
  if (['nu', 'f', 'female', 'girl'].includes(word)) return 'Female';
  if (['nam', 'm', 'male', 'boy'].includes(word)) return 'Male';
  return text;
}

const YES = ['yes', 'y', 'x', 'true', '1', 'co', 'dong y', 'given', 'ok', 'cho phep'];
const NO = ['', 'no', 'n', 'false', '0', 'khong', 'chua', 'not given'];
const OBJECTS = ['objects', 'object', 'refuses', 'refused', 'tu choi', 'phan doi'];

/**
 * A roster's consent columns as the student's consent: "yes" (có, đồng ý, x …) given by the student or, where
 * the column says so or a parent is named, a parent or guardian; "objects" (từ chối) marks an objection.
 * Returns an error text for a value it cannot read.
 */
export function consentOf(
  given: string,
  by: string,
  name: string,
  recordedBy: string,
  at: string,
): { consent: Student['consent']; objects: boolean; error?: string } {
  const g = foldText(given);
  if (OBJECTS.includes(g)) return { consent: null, objects: true };
  if (NO.includes(g)) return { consent: null, objects: false };
  if (!YES.includes(g))
    return { consent: null, objects: false, error: `Consent "${given}" is not yes, no or objects.` };
  const b = foldText(by);
  const givenBy: 'student' | 'parent' | 'guardian' = ['guardian', 'nguoi giam ho', 'giam ho'].includes(b)
    ? 'guardian'
    : ['parent', 'phu huynh', 'cha', 'me', 'bo', 'father', 'mother'].includes(b) || (!b && name)
      ? 'parent'
      : 'student';
  return { consent: { givenAt: at, recordedBy, givenBy, giverName: name, wording: 'roster import' }, objects: false };
}

export interface PreviewRow {
  /** 1-based line in the file (the header is line 1). */
  readonly line: number;
  readonly student: StudentInput;
  /** Field → problem; empty when the row can be imported. */
  readonly errors: Readonly<Record<string, string>>;
}

export interface RosterPreview {
  readonly rows: readonly PreviewRow[];
  readonly valid: number;
  readonly invalid: number;
}

/** What each row would become, and what is wrong with it; writes nothing. */
export function previewRoster(
  parsed: ParsedRoster,
  mapping: RosterMapping,
  existingIds: ReadonlySet<string>,
  today = new Date(),
): RosterPreview {
  const seen = new Map<string, number>();
  const enrolled = new Set([...existingIds].map(idKey));
  const rows = parsed.rows.map((cells, i): PreviewRow => {
    const line = i + 2;
    const value = (f: TextField): string => {
      const at = mapping[f];
      const raw = at === undefined ? '' : (cells[at] ?? '').trim();
      if (f === 'dateOfBirth') return isoDate(raw);
      return f === 'gender' ? genderOf(raw) : raw;
    };
    const student: StudentInput = {
      studentId: value('studentId'),
      name: value('name'),
      className: value('className'),
      faculty: value('faculty'),
      course: value('course'),
      year: value('year'),
      semester: value('semester'),
      gender: value('gender'),
      dateOfBirth: value('dateOfBirth'),
      email: value('email'),
      phone: value('phone'),
      address: value('address'),
      consent: null,
    };
    const consent = consentOf(
      value('consentGiven'),
      value('consentBy'),
      value('consentName'),
      'roster import',
      today.toISOString(),
    );
    student.consent = consent.consent;
    if (consent.objects) student.objects = true;
    let errors: Record<string, string> = {};
    try {
      validateStudent(student, today);
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      errors = { ...e.fields };
    }
    if (consent.error) errors.consent = consent.error;
    const key = idKey(student.studentId);
    if (student.studentId && !errors.studentId) {
      if (enrolled.has(key)) errors.studentId = m.roster_id_enrolled({ id: student.studentId });
      else if (seen.has(key)) errors.studentId = m.roster_id_twice({ id: student.studentId, line: seen.get(key) ?? 0 });
      else seen.set(key, line);
    }
    return { line, student, errors };
  });
  const invalid = rows.filter((r) => Object.keys(r.errors).length > 0).length;
  return { rows, valid: rows.length - invalid, invalid };
}

/** Writes every row of a preview without problems, in one transaction; refuses if any row has a problem. */
export async function importRoster(db: AttendanceDatabase, preview: RosterPreview, now = new Date()): Promise<number> {
  if (preview.invalid > 0) {
    throw new ValidationError(m.roster_rows_invalid({ count: preview.invalid }), {
      rows: String(preview.invalid),
    });
  }
  const at = now.toISOString();
  const students: Student[] = preview.rows.map((r) => ({
    ...r.student,
    photoSampleStatus: 'none',
    photoCount: 0,
    createdAt: at,
    updatedAt: at,
  }));
  await guardWrite(m.what_roster(), () =>
    db.transaction('rw', db.students, async () => {
      const clash = await db.students
        .where('studentId')
        .anyOfIgnoreCase(students.map((s) => s.studentId))
        .first();
      if (clash) {
        throw new ValidationError(m.roster_enrolled_meanwhile({ id: clash.studentId }), {
          studentId: clash.studentId,
        });
      }
      await db.students.bulkAdd(students);
    }),
  );
  return students.length;
}
