/**
 * Counted nouns in the app's language ("1 student", "3 students", "1,200 photos"; "3 sinh viên"), by the
 * language's plural rules: for the screens (through `src/ui/i18n.ts`) and for the texts the services write
 * (a report's e-mail).
 */
import { m } from '../paraglide/messages';
import { getLocale } from '../paraglide/runtime';

/** A count for a counted noun: the number the plural rules choose by, and the number as written ("1,200"). */
const counted = (n: number): { count: number; n: string } => ({ count: n, n: n.toLocaleString(getLocale()) });

/** Counted nouns ("1 student", "3 students"; "3 sinh viên"), by the locale's plural rules. */
export const count = {
  student: (n: number) => m.count_student(counted(n)),
  session: (n: number) => m.count_session(counted(n)),
  record: (n: number) => m.count_record(counted(n)),
  row: (n: number) => m.count_row(counted(n)),
  photo: (n: number) => m.count_photo(counted(n)),
  face: (n: number) => m.count_face(counted(n)),
  attendanceRecord: (n: number) => m.count_attendance_record(counted(n)),
  person: (n: number) => m.count_person(counted(n)),
  image: (n: number) => m.count_image(counted(n)),
  day: (n: number) => m.count_day(counted(n)),
  facePhoto: (n: number) => m.count_face_photo(counted(n)),
  newStudent: (n: number) => m.count_new_student(counted(n)),
} as const;
