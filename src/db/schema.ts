/**
 * The local database (IndexedDB through Dexie): students, face samples, classifiers, sessions, attendance
 * and settings. Only `src/db` touches Dexie; the rest of the app goes through its repositories.
 */
import { Dexie, type DexieOptions, type EntityTable, type Table } from 'dexie';
import type { FaceDetection } from '../core/types';
import { scaledTemplate } from '../core/face-template';
import { countByStudent, packsOf } from './packs';
import { plainWrites } from './plain';

export type PhotoSampleStatus = 'none' | 'some' | 'enough';

/**
 * Consent to use a student's face for attendance (biometric data, of minors mostly). Records from before
 * version 4 of this record hold only `givenAt` and `recordedBy`.
 */
export interface Consent {
  /** ISO time the consent was recorded. */
  readonly givenAt: string;
  /** Who recorded it (the teacher's name). */
  readonly recordedBy: string;
  /** Who gave it: the student, a parent or a guardian. */
  readonly givenBy?: 'student' | 'parent' | 'guardian';
  /** Their name (the student's own where the student gave it). */
  readonly giverName?: string;
  /** The wording or form version agreed to ("Consent form 2026-1"). */
  readonly wording?: string;
  /** ISO time it was withdrawn; the face data was erased then. Absent or null while it stands. */
  readonly withdrawnAt?: string | null;
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
  /**
   * The student objects to face recognition: it overrides a parent's consent (a child's refusal counts).
   * No face of theirs is stored; they are marked by hand.
   */
  objects?: boolean;
  createdAt: string;
  updatedAt: string;
}

/**
 * How a sample's image was cut: 'face-image', the model-independent face image (a square aligned to the
 * five-point template at zoom 0.7, from which every model's crop is cut); or, for samples taken before
 * version 3, only the crop of the model in use then ('crop:faceres', 'crop:dlib-resnet34',
 * 'crop:facenet-20180402-114759'), which serves models that cut the face the same way or tighter.
 */
export type SampleImageKind = 'face-image' | `crop:${string}`;

export interface FaceSample {
  id?: number;
  studentId: string;
  /** The face as a JPEG: see `imageKind`. */
  image: Blob;
  /** The face's box and five landmarks in `image`'s pixels; null where not known (found again when needed). */
  face: FaceDetection | null;
  imageKind: SampleImageKind;
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
  /**
   * The end was not seen but estimated (a session a crash left open, closed at its last activity): nobody
   * is counted as leaving early from it.
   */
  endEstimated?: boolean;
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
  /** By the camera, by hand, or a camera's "maybe" the teacher confirmed. */
  how: 'automatic' | 'manual' | 'confirmed';
  /** Who changed it by hand, and when. */
  changedBy: string | null;
  changedAt: string | null;
  /** The student as they were when marked, so the record outlives edits and deletion. */
  snapshot: { readonly studentId: string; readonly name: string; readonly className: string; readonly faculty: string };
  /** The teacher's note (why a student is excused, what was corrected); absent where none. */
  note?: string;
  /**
   * The session as it was, kept when the teacher deleted the session but chose to keep its records (the
   * record then names a session that is gone).
   */
  sessionCopy?: Pick<Session, 'course' | 'className' | 'date' | 'start' | 'end'>;
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

  /** `options` are Dexie's (tests give each simulated laptop its own IndexedDB under the app's one name). */
  constructor(name = 'face-attendance', options?: DexieOptions) {
    super(name, options);
    // Whatever the UI hands over (reactive proxies included) is stored as plain data.
    this.use(plainWrites);
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
    // 3: each sample's image is meant to serve every model. Version 2's crops were each model's own: they are
    // kept as they are, with the landmarks their model's alignment put in known places, so that models cutting
    // the face the same way or tighter can re-embed them (see `upgradeVersion2Sample`).
    this.version(3)
      .stores({})
      .upgrade(async (tx) => {
        await tx
          .table('faceSamples')
          .toCollection()
          .modify((sample: FaceSample & { crop?: Blob }) => {
            Object.assign(sample, upgradeVersion2Sample(sample));
            delete sample.crop;
          });
      });
  }
}

/**
 * How version 2 cut its crops, by the model of the sample's embedding: FaceRes aligned at zoom 1 in 224 px,
 * the ResNet-34 at zoom 1.25 in 150 px, FaceNet by box and margin in 160 px (no landmarks then).
 */
const VERSION_2_CROPS: Readonly<Record<string, { size: number; zoom: number } | null>> = {
  faceres: { size: 224, zoom: 1 },
  'dlib-resnet34': { size: 150, zoom: 1.25 },
  'facenet-20180402-114759': null,
};

/** A version-2 sample's image fields for version 3: its crop kept, with the landmarks where they were put. */
export function upgradeVersion2Sample(old: {
  crop?: Blob;
  embeddings: Record<string, Float32Array>;
}): Pick<FaceSample, 'image' | 'face' | 'imageKind'> {
  const modelId = Object.keys(old.embeddings)[0] ?? 'faceres';
  const shape = VERSION_2_CROPS[modelId];
  const image = old.crop ?? new Blob([], { type: 'image/jpeg' });
  if (!shape) return { image, face: null, imageKind: `crop:${modelId}` };
  const t = scaledTemplate(shape.size, shape.zoom);
  // A box about the landmarks as MTCNN draws it: 2.2 eye distances wide, from above the brows to the chin.
  const eye = t[1]!.x - t[0]!.x;
  const cx = (t[0]!.x + t[1]!.x) / 2;
  const box = { x: cx - 1.1 * eye, y: t[0]!.y - 0.95 * eye, width: 2.2 * eye, height: 2.55 * eye };
  return {
    image,
    face: { box, score: 1, landmarks: [t[0]!, t[1]!, t[2]!, t[3]!, t[4]!] },
    imageKind: `crop:${modelId}`,
  };
}
