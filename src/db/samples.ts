/**
 * Face samples (the aligned crop and its embeddings) and the trained classifiers. Adding or deleting a
 * sample updates the student's photo-sample status and marks the classifiers for retraining, in the same
 * transaction.
 */
import { m } from '../paraglide/messages';
import { ValidationError } from '../core/errors';
import { requireConsent } from './consent';
import { countByStudent, packsOf, unpack } from './packs';
import type { AttendanceDatabase, ClassifierRecord, EmbeddingPack, FaceSample, PhotoSampleStatus } from './schema';
import { guardWrite } from './storage';

/** From this many samples on, a student counts as having enough photos. */
export const ENOUGH_SAMPLES = 10;

export function sampleStatus(count: number): PhotoSampleStatus {
  return count === 0 ? 'none' : count < ENOUGH_SAMPLES ? 'some' : 'enough';
}

export type NewFaceSample = Omit<FaceSample, 'id' | 'studentId'>;

/**
 * After a student's samples changed: their embedding packs, photo-sample status, and the classifiers'
 * need for retraining. Runs inside a transaction over students, faceSamples, embeddingPacks and classifiers.
 */
export async function refreshStudentSamples(db: AttendanceDatabase, studentId: string): Promise<void> {
  const samples = await db.faceSamples.where('studentId').equals(studentId).toArray();
  await db.embeddingPacks.where('studentId').equals(studentId).delete();
  await db.embeddingPacks.bulkPut(packsOf(samples));
  await db.students
    .where('studentId')
    .equals(studentId)
    .modify({ photoSampleStatus: sampleStatus(samples.length), photoCount: samples.length });
  await db.classifiers.toCollection().modify({ needsRetraining: true });
}

/** Rebuilds every embedding pack and photo count from the samples (after a restore). */
export async function rebuildAllPacks(db: AttendanceDatabase): Promise<void> {
  await db.transaction('rw', [db.students, db.faceSamples, db.embeddingPacks], async () => {
    const samples = await db.faceSamples.toArray();
    await db.embeddingPacks.clear();
    await db.embeddingPacks.bulkPut(packsOf(samples));
    const counts = countByStudent(samples);
    await db.students.toCollection().modify((s) => {
      s.photoCount = counts.get(s.studentId) ?? 0;
      s.photoSampleStatus = sampleStatus(s.photoCount);
    });
  });
}

/** Saves samples of one student whose consent stands (else a `ValidationError`); returns them with ids. */
export async function addFaceSamples(
  db: AttendanceDatabase,
  studentId: string,
  samples: readonly NewFaceSample[],
): Promise<FaceSample[]> {
  return guardWrite(m.what_photos({ id: studentId }), () =>
    db.transaction('rw', [db.students, db.faceSamples, db.embeddingPacks, db.classifiers], async () => {
      const student = await db.students.where('studentId').equals(studentId).first();
      if (!student) throw new ValidationError(m.v_no_student({ id: studentId }), { studentId: m.v_not_found() });
      // No face is stored without consent that stands (and never for a student who objects).
      requireConsent(student);
      const rows: FaceSample[] = samples.map((s) => ({ ...s, studentId }));
      const ids = await db.faceSamples.bulkAdd(rows, { allKeys: true });
      rows.forEach((r, i) => (r.id = ids[i]));
      await refreshStudentSamples(db, studentId);
      return rows;
    }),
  );
}

/** Deletes one sample (crop and embeddings); nothing happens for an id that is gone already. */
export async function deleteFaceSample(db: AttendanceDatabase, id: number): Promise<void> {
  await db.transaction('rw', [db.students, db.faceSamples, db.embeddingPacks, db.classifiers], async () => {
    const sample = await db.faceSamples.get(id);
    if (!sample) return;
    await db.faceSamples.delete(id);
    await refreshStudentSamples(db, sample.studentId);
  });
}

/**
 * Stores embeddings from `modelId` for some of a student's samples (re-embedded from their images), with
 * the packs, in one transaction. Samples that are gone meanwhile are skipped.
 */
export async function setSampleEmbeddings(
  db: AttendanceDatabase,
  studentId: string,
  modelId: string,
  updates: readonly { readonly id: number; readonly embedding: Float32Array }[],
): Promise<void> {
  if (updates.length === 0) return;
  await guardWrite(m.what_photos({ id: studentId }), () =>
    db.transaction('rw', [db.students, db.faceSamples, db.embeddingPacks, db.classifiers], async () => {
      for (const u of updates) {
        const sample = await db.faceSamples.get(u.id);
        if (!sample || sample.studentId !== studentId) continue;
        await db.faceSamples.update(u.id, { embeddings: { ...sample.embeddings, [modelId]: u.embedding } });
      }
      await refreshStudentSamples(db, studentId);
    }),
  );
}

/** A student's samples, oldest first. */
export function samplesOfStudent(db: AttendanceDatabase, studentId: string): Promise<FaceSample[]> {
  return db.faceSamples.where('studentId').equals(studentId).sortBy('capturedAt');
}

/**
 * Number of samples of every student that has any, from the counts kept on the students (scanning the
 * samples' index took a second at 60,000 samples in Chromium).
 */
export async function sampleCounts(db: AttendanceDatabase): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  await db.students.each((s) => {
    if (s.photoCount) counts.set(s.studentId, s.photoCount);
  });
  return counts;
}

export interface TrainingData {
  readonly samples: { readonly label: string; readonly embedding: Float32Array }[];
  /** Samples that have no embedding from this model yet (taken while another model was chosen). */
  readonly missing: number;
}

/**
 * Every sample's embedding from `modelId` (from the packs), labelled with its student ID. The samples that
 * lack it are counted from the packs of the other models: counting the samples table itself took a second
 * at 60,000 samples in Chromium.
 */
export async function loadTrainingData(db: AttendanceDatabase, modelId: string): Promise<TrainingData> {
  const packs = await db.embeddingPacks.toArray();
  const samples: { label: string; embedding: Float32Array }[] = [];
  for (const p of packs) {
    if (p.modelId === modelId) unpack(p).forEach((embedding) => samples.push({ label: p.studentId, embedding }));
  }
  return { samples, missing: missingFrom(packs, modelId).length };
}

/** Ids of the samples that have embeddings from other models but none from `modelId`, from the packs. */
function missingFrom(packs: readonly EmbeddingPack[], modelId: string): number[] {
  const elsewhere = new Set<number>();
  for (const p of packs) if (p.modelId !== modelId) p.sampleIds.forEach((id) => elsewhere.add(id));
  for (const p of packs) if (p.modelId === modelId) p.sampleIds.forEach((id) => elsewhere.delete(id));
  return [...elsewhere];
}

/**
 * The samples that lack an embedding from `modelId`, found through the packs (scanning the samples with
 * their images took seconds at 60,000 samples in Chromium), oldest first.
 */
export async function samplesWithout(db: AttendanceDatabase, modelId: string): Promise<FaceSample[]> {
  const ids = missingFrom(await db.embeddingPacks.toArray(), modelId);
  const samples = (await db.faceSamples.bulkGet(ids)).filter((s): s is FaceSample => s !== undefined);
  return samples.sort((a, b) => a.capturedAt.localeCompare(b.capturedAt));
}

/** Stores the classifier for its model, replacing the previous one. */
export async function saveClassifier(
  db: AttendanceDatabase,
  modelId: string,
  snapshot: string,
  trainedAt: string,
): Promise<void> {
  await guardWrite(m.what_classifier(), () =>
    db.transaction('rw', db.classifiers, async () => {
      await db.classifiers.where('modelId').equals(modelId).delete();
      await db.classifiers.add({ modelId, snapshot, trainedAt, needsRetraining: false });
    }),
  );
}

export function loadClassifier(db: AttendanceDatabase, modelId: string): Promise<ClassifierRecord | undefined> {
  return db.classifiers.where('modelId').equals(modelId).first();
}
