/** Test page: writes and reads students through the app's own repositories, in Chromium's IndexedDB. */
import { AttendanceDatabase } from '../../../src/db/schema';
import { addStudent, findStudents } from '../../../src/db/students';
import { studentForm } from '../../helpers/students';

const db = new AttendanceDatabase('face-attendance-browser-check');

async function addOne(studentId: string, name: string): Promise<void> {
  await addStudent(db, studentForm(studentId, name));
}

async function listNames(): Promise<string[]> {
  return (await findStudents(db)).map((s) => `${s.studentId} ${s.name}`);
}

Object.assign(window, { addOne, listNames });
document.getElementById('status')!.textContent = 'ready';
