/**
 * The local database as the UI sees it: one open database for the app, and the repositories and types of
 * src/db passed through (the UI does not import src/db itself).
 */
import { AttendanceDatabase } from '../db/schema';

let opened: AttendanceDatabase | null = null;

/** The app's database, opened on first use. A test page may pass its own name. */
export function database(name?: string): AttendanceDatabase {
  opened ??= new AttendanceDatabase(name);
  return opened;
}

export type {
  AttendanceDatabase,
  AttendanceRecord,
  AttendanceStatus,
  FaceSample,
  PhotoSampleStatus,
  Session,
  Student,
} from '../db/schema';
export type { StudentInput } from '../db/validation';
export { addStudent, deleteStudent, findStudents, getStudent, updateStudent } from '../db/students';
export {
  addFaceSamples,
  deleteFaceSample,
  ENOUGH_SAMPLES,
  loadClassifier,
  loadTrainingData,
  sampleCounts,
  samplesOfStudent,
  saveClassifier,
} from '../db/samples';
export { allAttendance, endSession, eraseEverything, getSession, listSessions } from '../db/attendance';
export { ATTENDANCE_COLUMNS, attendanceToCsv, exportAttendanceCsv, sessionLabel, type CsvSelection } from '../db/csv';
export {
  guessMapping,
  importRoster,
  parseRoster,
  previewRoster,
  ROSTER_FIELDS,
  type ParsedRoster,
  type RosterMapping,
  type RosterPreview,
} from '../db/roster';
export { checkBackup, exportBackup, restoreBackup } from '../db/backup';
export { requestPersistentStorage } from '../db/storage';
export { DEFAULT_SETTINGS, loadSettings, saveSettings, type AppSettings } from '../db/settings';
