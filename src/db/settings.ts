/** The teacher's settings, one row a key in the settings table, with defaults for what was never set. */
import { m } from '../paraglide/messages';
import {
  DEFAULT_LATE_AFTER_MINUTES,
  DEFAULT_LEFT_EARLY_MINUTES,
  DEFAULT_LOCK_AFTER_MINUTES,
  DEFAULT_SAMPLE_TARGET,
} from '../core/defaults';
import type { PinHash } from '../core/pin';
import type { AttendanceDatabase } from './schema';
import { guardWrite } from './storage';

export interface AppSettings {
  /** 'auto', 'webgl', 'wasm' or 'cpu'. */
  readonly backend: 'auto' | 'webgl' | 'wasm' | 'cpu';
  /** Embedding model id. */
  readonly modelId: string;
  /** The chosen camera's deviceId; '' for the browser's choice. */
  readonly cameraId: string;
  /** Match score a face needs; null to use the threshold measured at training. */
  readonly threshold: number | null;
  /** Samples "Take photos" collects for a student. */
  readonly sampleTarget: number;
  /** A short tone when someone is marked. */
  readonly sound: boolean;
  /** Who marks by hand (kept with manual changes); also on printed reports and in e-mails. */
  readonly teacherName: string;
  /** The school's name, on printed reports and in e-mails. */
  readonly schoolName: string;
  /** Default "late after" minutes of new sessions. */
  readonly lateAfterMinutes: number;
  /**
   * Where the furthest student to recognise sits: 'near' the camera, the 'middle' of the room, or the 'back'
   * (smaller faces are looked for, which costs more time a frame).
   */
  readonly smallestFace: 'near' | 'middle' | 'back';
  /** How live frames are searched for faces: 'blazeface' (fast) or 'mtcnn' (thorough, slower). */
  readonly liveDetector: 'blazeface' | 'mtcnn';
  /**
   * A face that looks like a still picture held up to the camera (see `services/picture-check.ts`): 'off'
   * (not looked for), 'warn' (tagged "photo?", still marked) or 'ask' (put to the teacher, not marked).
   */
  readonly pictureCheck: 'off' | 'warn' | 'ask';
  /** A student last seen this many minutes before a session's end "left early" (0: not counted). */
  readonly leftEarlyMinutes: number;
  /** The teacher's EmailJS account: public key, service id, template id (none of them is a secret). */
  readonly relayPublicKey: string;
  readonly relayServiceId: string;
  readonly relayTemplateId: string;
  /** Where reports go: addresses separated by commas. */
  readonly recipients: string;
  /** Retention (see retention.ts): the day face data ends ('' none), and days unused before erasure (0 never). */
  readonly faceDataUntil: string;
  readonly faceDataUnusedDays: number;
  /** The teacher's PIN as a hash (see core/pin.ts), or null for no lock. */
  readonly pin: PinHash | null;
  /** Lock after this many minutes without a click or key (with a PIN). */
  readonly lockAfterMinutes: number;
  /** While locked, live attendance keeps running behind the lock screen. */
  readonly attendWhileLocked: boolean;
  /** The language of the column names in exported files (attendance.csv, the report's CSV). */
  readonly csvHeaders: 'en' | 'vi';
  /** The last purge that erased something (shown in Settings), or null. */
  readonly lastPurge: { readonly at: string; readonly students: number; readonly reason: string } | null;
}

export const DEFAULT_SETTINGS: AppSettings = {
  backend: 'auto',
  // DEFAULT_EMBEDDING_MODEL of src/embedding/models.ts (a test checks they agree).
  modelId: 'faceres+mobileface',
  cameraId: '',
  threshold: null,
  sampleTarget: DEFAULT_SAMPLE_TARGET,
  sound: false,
  teacherName: '',
  schoolName: '',
  lateAfterMinutes: DEFAULT_LATE_AFTER_MINUTES,
  smallestFace: 'middle',
  // DEFAULT_LIVE_DETECTOR of src/detection/detector.ts (a test checks they agree).
  liveDetector: 'blazeface',
  pictureCheck: 'warn',
  leftEarlyMinutes: DEFAULT_LEFT_EARLY_MINUTES,
  relayPublicKey: '',
  relayServiceId: '',
  relayTemplateId: '',
  recipients: '',
  faceDataUntil: '',
  faceDataUnusedDays: 0,
  lastPurge: null,
  csvHeaders: 'en',
  pin: null,
  lockAfterMinutes: DEFAULT_LOCK_AFTER_MINUTES,
  attendWhileLocked: true,
};

export async function loadSettings(db: AttendanceDatabase): Promise<AppSettings> {
  const rows = await db.settings.toArray();
  const stored = Object.fromEntries(rows.filter((r) => r.key in DEFAULT_SETTINGS).map((r) => [r.key, r.value]));
  return { ...DEFAULT_SETTINGS, ...stored };
}

export async function saveSettings(db: AttendanceDatabase, change: Partial<AppSettings>): Promise<AppSettings> {
  await guardWrite(m.what_settings(), () =>
    db.settings.bulkPut(Object.entries(change).map(([key, value]) => ({ key, value: value }))),
  );
  return loadSettings(db);
}
