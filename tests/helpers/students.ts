/** Test data for the student repositories; plain objects, usable in Node tests and in test pages. */
import type { StudentInput } from '../../src/db/validation';

/** A student form with the required fields filled and the rest empty; `over` changes any field. */
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
    consent: null,
    ...over,
  };
}
