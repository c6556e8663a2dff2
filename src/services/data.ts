/**
 * The local database as the UI sees it: one open database for the app, and the repositories and types of
 * src/db passed through (the UI does not import src/db itself).
 */
import { AttendanceDatabase } from '../db/schema';

let opened: AttendanceDatabase | null = null;

/** The app's database, opened on first use. */
export function database(): AttendanceDatabase {
  opened ??= new AttendanceDatabase();
  return opened;
}

export type { AttendanceRecord, FaceSample, Session, Student } from '../db/schema';
export type { StudentInput } from '../db/validation';
export { addStudent, deleteStudent, duplicateIds, findStudents, updateStudent } from '../db/students';
export { addFaceSamples, deleteFaceSample, ENOUGH_SAMPLES, samplesOfStudent } from '../db/samples';
export { allAttendance, deleteSession, endSession, eraseEverything, listSessions } from '../db/attendance';
export { attendanceToCsv, sessionLabel, sortRecords } from '../db/csv';
export { leftEarly } from '../db/presence';
export {
  guessMapping,
  importRoster,
  parseRoster,
  previewRoster,
  ROSTER_FIELDS,
  type ParsedRoster,
  type RosterMapping,
} from '../db/roster';
export { checkBackup, classScopeOf, exportBackup, restoreBackup } from '../db/backup';
export { exportClass, mergeClassFile, previewClassFile, type ClassFilePreview } from '../db/class-file';
export { isSealed, MIN_PASSPHRASE, openBackup, sealBackup } from '../db/sealed-backup';
export { requestPersistentStorage } from '../db/storage';
export { watch } from '../db/watch';
export { consentProblem, eraseFaceData, hasValidConsent } from '../db/consent';
export { purgeFaceData, type PurgeResult } from '../db/retention';
export { dataInventory, type DataInventory } from '../db/inventory';
export { DEFAULT_SETTINGS, loadSettings, saveSettings, type AppSettings } from '../db/settings';
