/** Checks a student form as the original did (faculty, ID and name required) and more. */
import { ValidationError } from '../core/errors';
import { m } from '../paraglide/messages';
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
  if (!s.studentId) fields.studentId = m.v_id_required();
  else if (s.studentId.length > 40) fields.studentId = m.v_id_long();
  else if (/\s/.test(s.studentId))
    fields.studentId = m.v_id_spaces({ id: s.studentId, fixed: s.studentId.replace(/\s+/g, '') });
  if (!s.name) fields.name = m.v_name_required();
  if (!s.faculty) fields.faculty = m.v_faculty_required();
  if (s.dateOfBirth) {
    if (!isRealDate(s.dateOfBirth)) fields.dateOfBirth = m.v_dob_real();
    else if (s.dateOfBirth > today.toISOString().slice(0, 10)) fields.dateOfBirth = m.v_dob_future();
  }
  if (s.email && !EMAIL.test(s.email)) fields.email = m.v_email();
  if (s.phone && !PHONE.test(s.phone)) fields.phone = m.v_phone();
  const c = s.consent;
  if (c && !c.withdrawnAt && (c.givenBy === 'parent' || c.givenBy === 'guardian') && !c.giverName?.trim())
    fields.consent = c.givenBy === 'parent' ? m.v_consent_parent() : m.v_consent_guardian();
  const wrong = Object.keys(fields);
  if (wrong.length)
    throw new ValidationError(m.v_please_correct({ problems: Object.values(fields).join(' ') }), fields);
  return s;
}
