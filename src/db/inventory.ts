/** What the app keeps on this computer, counted, for the "Data and privacy" screen and its printed page. */
import { hasValidConsent } from './consent';
import type { AttendanceDatabase } from './schema';

export interface DataInventory {
  readonly students: number;
  readonly facePhotos: number;
  readonly studentsWithPhotos: number;
  readonly classifiers: number;
  readonly sessions: number;
  readonly attendanceRecords: number;
  readonly consent: {
    readonly valid: number;
    readonly none: number;
    readonly withdrawn: number;
    readonly objects: number;
  };
}

export async function dataInventory(db: AttendanceDatabase): Promise<DataInventory> {
  const students = await db.students.toArray();
  return {
    students: students.length,
    facePhotos: await db.faceSamples.count(),
    studentsWithPhotos: students.filter((s) => (s.photoCount ?? 0) > 0).length,
    classifiers: await db.classifiers.count(),
    sessions: await db.sessions.count(),
    attendanceRecords: await db.attendance.count(),
    consent: {
      valid: students.filter((s) => hasValidConsent(s)).length,
      none: students.filter((s) => !s.consent && !s.objects).length,
      withdrawn: students.filter((s) => !!s.consent?.withdrawnAt && !s.objects).length,
      objects: students.filter((s) => s.objects).length,
    },
  };
}
