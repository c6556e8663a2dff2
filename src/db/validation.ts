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

/** Trims every text field; throws `ValidationError` naming every wrong field. */
export function validateStudent(input: StudentInput, today = new Date()): StudentInput {
  const s = Object.fromEntries(
    Object.entries(input).map(([k, v]) => [k, typeof v === 'string' ? v.trim() : v]),
  ) as StudentInput;
  const fields: Record<string, string> = {};
  if (!s.faculty) fields.faculty = 'Faculty is required.';
  if (!s.studentId) fields.studentId = 'Student ID is required.';
  else if (s.studentId.length > 40) fields.studentId = 'Student ID is longer than 40 characters.';
  if (!s.name) fields.name = 'Student Name is required.';
  if (s.email && !EMAIL.test(s.email)) fields.email = 'Email is not an e-mail address (name@school.edu).';
  if (s.phone && !PHONE.test(s.phone))
    fields.phone = 'Phone may hold digits, spaces, +, -, ( ) and 6 to 20 characters.';
  if (s.dateOfBirth) {
    if (!isRealDate(s.dateOfBirth)) fields.dateOfBirth = 'Date of Birth must be a real date, as YYYY-MM-DD.';
    else if (s.dateOfBirth > today.toISOString().slice(0, 10)) fields.dateOfBirth = 'Date of Birth is in the future.';
  }
  const wrong = Object.keys(fields);
  if (wrong.length) throw new ValidationError(`Please correct: ${Object.values(fields).join(' ')}`, fields);
  return s;
}
