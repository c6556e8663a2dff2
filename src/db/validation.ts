/** Checks a student form as the original did (faculty, ID and name required) and more. */
import { ValidationError } from '../core/errors';
import type { Student } from './schema';

export type StudentInput = Omit<Student, 'id' | 'createdAt' | 'updatedAt' | 'photoSampleStatus' | 'photoCount'> &
  Partial<Pick<Student, 'photoSampleStatus'>>;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^\+?[0-9 ()./-]{6,20}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function isRealDate(value: string): boolean {
  if (!DATE.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

/**
 * The key two student IDs are compared by: "sv001" and "SV001" are one student (IDs are stored as typed,
 * but no two may differ only in capitals).
 */
export function idKey(studentId: string): string {
  return studentId.trim().toLocaleUpperCase('en');
}

/** Trims every text field; throws `ValidationError` naming every wrong field, in the order of the form. */
export function validateStudent(input: StudentInput, today = new Date()): StudentInput {
  const s = Object.fromEntries(
    Object.entries(input).map(([k, v]) => [k, typeof v === 'string' ? v.trim() : v]),
  ) as StudentInput;
  // In the order of the form, so that the summary reads as the teacher goes down it.
  const fields: Record<string, string> = {};
  if (!s.studentId) fields.studentId = 'Student ID is required.';
  else if (s.studentId.length > 40) fields.studentId = 'Student ID is longer than 40 characters.';
  else if (/\s/.test(s.studentId))
    fields.studentId = `Student ID may not contain spaces ("${s.studentId}": write it as "${s.studentId.replace(/\s+/g, '')}").`;
  if (!s.name) fields.name = 'Student Name is required.';
  if (!s.faculty) fields.faculty = 'Faculty is required.';
  if (s.dateOfBirth) {
    if (!isRealDate(s.dateOfBirth)) fields.dateOfBirth = 'Date of Birth must be a real date, as YYYY-MM-DD.';
    else if (s.dateOfBirth > today.toISOString().slice(0, 10)) fields.dateOfBirth = 'Date of Birth is in the future.';
  }
  if (s.email && !EMAIL.test(s.email)) fields.email = 'Email is not an e-mail address (name@school.edu).';
  if (s.phone && !PHONE.test(s.phone))
    fields.phone = 'Phone may hold digits, spaces, +, -, ( ) and 6 to 20 characters.';
  const c = s.consent;
  if (c && !c.withdrawnAt && (c.givenBy === 'parent' || c.givenBy === 'guardian') && !c.giverName?.trim())
    fields.consent = `Name the ${c.givenBy} who gave consent.`;
  const wrong = Object.keys(fields);
  if (wrong.length) throw new ValidationError(`Please correct: ${Object.values(fields).join(' ')}`, fields);
  return s;
}
