/**
 * The local database (IndexedDB through Dexie): students, face samples, classifiers, sessions, attendance
 * and settings. Only `src/db` touches Dexie; the rest of the app goes through its repositories.
 */
import { Dexie, type EntityTable, type Table } from 'dexie';
import { countByStudent, packsOf } from './packs';

export type PhotoSampleStatus = 'none' | 'some' | 'enough';

export interface Consent {
  /** ISO time the consent was recorded. */
  readonly givenAt: string;
  /** Who recorded it (the teacher's name). */
  readonly recordedBy: string;
}

/** Every field of the original's Manage Student form, plus consent and bookkeeping. */
export interface Student {
  id?: number;
  /** The school's own student ID; unique. */
  studentId: string;
  name: string;
  faculty: string;
  course: string;
  year: string;
  semester: string;
  className: string;
  gender: string;
  /** YYYY-MM-DD, or empty. */
  dateOfBirth: string;
  email: string;
  phone: string;
  address: string;
  photoSampleStatus: PhotoSampleStatus;
  /** Number of face samples, kept with them (version 2 on; the upgrade counts them). */
  photoCount?: number;
  consent: Consent | null;
  createdAt: string;
  updatedAt: string;
}

export interface FaceSample {
  id?: number;
  studentId: string;
  /** The aligned face crop as a JPEG. */
  crop: Blob;
  /** Embeddings keyed by embedding-model id. */
  embeddings: Record<string, Float32Array>;
  quality: { readonly sharpness: number; readonly faceSize: number };
  source: 'camera' | 'upload';
  capturedAt: string;
}

/** Derived from the face samples (see packs.ts): one student's embeddings from one model, 8-bit. */
export interface EmbeddingPack {
  modelId: string;
  studentId: string;
  /** The face samples, in the order of the vectors. */
  sampleIds: number[];
  dimension: number;
  /** Each vector is codes × scale. */
  scales: Float32Array;
  codes: Int8Array;
}

export interface ClassifierRecord {
  id?: number;
  modelId: string;
  /** A serialised `ClassifierSnapshot`. */
  snapshot: string;
  /** Set when students or samples changed since training. */
  needsRetraining: boolean;
  trainedAt: string;
}

export interface Session {
  id?: number;
  course: string;
  className: string;
  /** YYYY-MM-DD */
  date: string;
  /** ISO time the session starts. */
  start: string;
  /** Arriving this many minutes after the start counts as late. */
  lateAfterMinutes: number;
  end: string | null;
}

export type AttendanceStatus = 'present' | 'late' | 'absent' | 'excused';

export interface AttendanceRecord {
  id?: number;
  sessionId: number;
  studentId: string;
  status: AttendanceStatus;
  firstSeen: string | null;
  lastSeen: string | null;
  /** Best recognition probability seen, 0..1; null for manual marks. */
  bestScore: number | null;
  how: 'automatic' | 'manual';
  /** Who changed it by hand, and when. */
  changedBy: string | null;
  changedAt: string | null;
  /** The student as they were when marked, so the record outlives edits and deletion. */
  snapshot: { readonly studentId: string; readonly name: string; readonly className: string; readonly faculty: string };
}

export interface Setting {
  key: string;
  value: unknown;
}

export class AttendanceDatabase extends Dexie {
  students!: EntityTable<Student, 'id'>;
  faceSamples!: EntityTable<FaceSample, 'id'>;
  embeddingPacks!: Table<EmbeddingPack, [string, string]>;
  classifiers!: EntityTable<ClassifierRecord, 'id'>;
  sessions!: EntityTable<Session, 'id'>;
  attendance!: EntityTable<AttendanceRecord, 'id'>;
  settings!: EntityTable<Setting, 'key'>;

  constructor(name = 'face-attendance') {
    super(name);
    this.version(1).stores({
      students: '++id, &studentId, name, className',
      faceSamples: '++id, studentId',
      classifiers: '++id, modelId',
      sessions: '++id, date, className',
      attendance: '++id, sessionId, studentId, &[sessionId+studentId]',
      settings: '&key',
    });
    // 2: embedding packs for fast training loads, and each student's photo count, from the samples already there.
    this.version(2)
      .stores({ embeddingPacks: '&[modelId+studentId], studentId' })
      .upgrade(async (tx) => {
        const samples = (await tx.table('faceSamples').toArray()) as FaceSample[];
        await tx.table('embeddingPacks').bulkPut(packsOf(samples));
        const counts = countByStudent(samples);
        await tx
          .table('students')
          .toCollection()
          .modify((s: Student) => {
            s.photoCount = counts.get(s.studentId) ?? 0;
          });
      });
  }
}
