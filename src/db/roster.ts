/**
 * Roster import from CSV: parse, map the columns (guessed from the header, changeable), preview every row
 * with its problems, and only then write, all rows or none.
 */
import Papa from 'papaparse';
import { ValidationError } from '../core/errors';
import type { AttendanceDatabase, Student } from './schema';
import { guardWrite } from './storage';
import { validateStudent, type StudentInput } from './validation';

type TextField = Exclude<keyof StudentInput, 'consent' | 'photoSampleStatus'>;

/** The student fields a roster can fill, with the header names each is recognised by. */
export const ROSTER_FIELDS: readonly {
  readonly field: TextField;
  readonly label: string;
  readonly aliases: readonly string[];
}[] = [
  { field: 'studentId', label: 'Student ID', aliases: ['student id', 'id', 'student number', 'student no', 'mssv'] },
  { field: 'name', label: 'Student Name', aliases: ['student name', 'name', 'full name', 'họ tên', 'ho ten'] },
  { field: 'className', label: 'Class', aliases: ['class', 'class name', 'lớp', 'lop'] },
  { field: 'faculty', label: 'Faculty', aliases: ['faculty', 'department', 'khoa'] },
  { field: 'course', label: 'Course', aliases: ['course'] },
  { field: 'year', label: 'Year', aliases: ['year'] },
  { field: 'semester', label: 'Semester', aliases: ['semester', 'term'] },
  { field: 'gender', label: 'Gender', aliases: ['gender', 'sex'] },
  { field: 'dateOfBirth', label: 'Date of Birth', aliases: ['date of birth', 'dob', 'birthday', 'birth date'] },
  { field: 'email', label: 'Email', aliases: ['email', 'e-mail', 'mail'] },
  { field: 'phone', label: 'Phone', aliases: ['phone', 'telephone', 'mobile'] },
  { field: 'address', label: 'Address', aliases: ['address'] },
];

export type RosterMapping = Partial<Record<TextField, number>>;

export interface ParsedRoster {
  readonly headers: string[];
  readonly rows: string[][];
}

/** Parses CSV text (a BOM is dropped); a malformed file gives a `ValidationError` with the lines at fault. */
export function parseRoster(text: string): ParsedRoster {
  const result = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { skipEmptyLines: 'greedy' });
  if (result.errors.length > 0) {
    const lines = result.errors.map((e) => `line ${(e.row ?? 0) + 1}: ${e.message}`).slice(0, 5);
    throw new ValidationError(
      `The file is not valid CSV (${lines.join('; ')}). Nothing was imported; fix the file and try again.`,
      {
        file: 'malformed CSV',
      },
    );
  }
  const [headers, ...rows] = result.data;
  if (!headers || rows.length === 0) {
    throw new ValidationError('The file has no student rows under its header line. Nothing was imported.', {
      file: 'empty',
    });
  }
  return { headers: headers.map((h) => h.trim()), rows };
}

const normalise = (h: string): string => h.toLocaleLowerCase().replace(/[_.:]/g, ' ').replace(/\s+/g, ' ').trim();

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
  const rows = parsed.rows.map((cells, i): PreviewRow => {
    const line = i + 2;
    const value = (f: TextField): string => {
      const at = mapping[f];
      return at === undefined ? '' : (cells[at] ?? '').trim();
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
    let errors: Record<string, string> = {};
    try {
      validateStudent(student, today);
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      errors = { ...e.fields };
    }
    if (student.studentId) {
      if (existingIds.has(student.studentId)) errors.studentId = `Student ID ${student.studentId} is already enrolled.`;
      else if (seen.has(student.studentId))
        errors.studentId = `Student ID ${student.studentId} is also on line ${seen.get(student.studentId)}.`;
      else seen.set(student.studentId, line);
    }
    return { line, student, errors };
  });
  const invalid = rows.filter((r) => Object.keys(r.errors).length > 0).length;
  return { rows, valid: rows.length - invalid, invalid };
}

/** Writes every row of a preview without problems, in one transaction; refuses if any row has a problem. */
export async function importRoster(db: AttendanceDatabase, preview: RosterPreview, now = new Date()): Promise<number> {
  if (preview.invalid > 0) {
    throw new ValidationError(
      `${preview.invalid} row(s) have problems; fix them (or the column mapping) first. Nothing was imported.`,
      {
        rows: String(preview.invalid),
      },
    );
  }
  const at = now.toISOString();
  const students: Student[] = preview.rows.map((r) => ({
    ...r.student,
    photoSampleStatus: 'none',
    photoCount: 0,
    createdAt: at,
    updatedAt: at,
  }));
  await guardWrite('the roster', () =>
    db.transaction('rw', db.students, async () => {
      const clash = await db.students
        .where('studentId')
        .anyOf(students.map((s) => s.studentId))
        .first();
      if (clash) {
        throw new ValidationError(
          `Student ID ${clash.studentId} was enrolled meanwhile. Nothing was imported; preview again.`,
          {
            studentId: clash.studentId,
          },
        );
      }
      await db.students.bulkAdd(students);
    }),
  );
  return students.length;
}
