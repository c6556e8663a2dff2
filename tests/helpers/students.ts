/** Test data for the student repositories; plain objects, usable in Node tests and in test pages. */
import type { StudentInput } from '../../src/db/validation';

/**
 * A student form with the required fields filled, consent given by the student (faces may be stored), and
 * the rest empty; `over` changes any field (`consent: null` for a student without consent).
 */
export function studentForm(studentId: string, name: string, over: Partial<StudentInput> = {}): StudentInput {
  return {
    studentId,
    name,
    faculty: 'Science',
    course: '',
    year: '',
    semester: '',
    className: '10A',
    gender: '',
    dateOfBirth: '',
    email: '',
    phone: '',
    address: '',
    consent: { givenAt: '2026-09-01T08:00:00.000Z', recordedBy: 'Test teacher', givenBy: 'student' },
    ...over,
  };
}
