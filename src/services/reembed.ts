/**
 * Changing the recognition model never means enrolling again: every stored sample keeps a face image from
 * which the new model's crop is cut and embedded. Samples from before version 3 hold only their own model's
 * crop; they serve the models that cut the face the same way or tighter, and the others are counted.
 */
import type { FaceDetection } from '../core/types';
import { networksOf, type EmbeddingModelDescriptor, type NetworkDescriptor } from '../embedding';
import { embeddingModelById } from '../embedding/models';
import { samplesWithout, setSampleEmbeddings } from '../db/samples';
import type { AttendanceDatabase, FaceSample } from '../db/schema';

/** What re-embeds a stored face: the engine in the app, the Node pipeline in tests. */
export interface StoredFaceEmbedder {
  readonly info: { readonly model: EmbeddingModelDescriptor };
  /** The face's embedding from the image; null where no face can be found in it. */
  embedStoredFace(image: Blob, face: FaceDetection | null): Promise<Float32Array | null>;
}

/** Whether an old crop, cut for `oldModel`, holds all that `network`'s crop needs. */
function cropServes(oldModel: NetworkDescriptor, network: NetworkDescriptor): boolean {
  if (oldModel.id === network.id) return true;
  if (oldModel.crop.method !== 'aligned' || network.crop.method !== 'aligned') return false;
  return network.crop.zoom >= oldModel.crop.zoom;
}

/** Whether a stored sample's image can feed `model`. */
export function sampleServes(sample: Pick<FaceSample, 'imageKind'>, model: EmbeddingModelDescriptor): boolean {
  if (sample.imageKind === 'face-image') return true;
  let old: EmbeddingModelDescriptor;
  try {
    old = embeddingModelById(sample.imageKind.slice('crop:'.length));
  } catch {
    return false;
  }
  if (old.format === 'fused') return false;
  return networksOf(model).every((n) => cropServes(old, n));
}

export interface ReembedProgress {
  readonly done: number;
  readonly total: number;
}

export interface ReembedOutcome {
  /** Samples given an embedding from the model now. */
  readonly embedded: number;
  /** Samples that cannot feed this model (an old crop too tight, or no face found in it). */
  readonly unusable: number;
}

/** The samples that lack an embedding from the model, by student. */
async function missingByStudent(db: AttendanceDatabase, modelId: string): Promise<Map<string, FaceSample[]>> {
  const out = new Map<string, FaceSample[]>();
  for (const s of await samplesWithout(db, modelId)) out.set(s.studentId, [...(out.get(s.studentId) ?? []), s]);
  return out;
}

/** How many samples lack an embedding from the model, and how many of those cannot get one. */
export async function samplesToReembed(
  db: AttendanceDatabase,
  model: EmbeddingModelDescriptor,
): Promise<{ missing: number; unusable: number }> {
  const missing = await samplesWithout(db, model.id);
  return { missing: missing.length, unusable: missing.filter((s) => !sampleServes(s, model)).length };
}

/**
 * Embeds, with the engine's model, every stored sample that has no embedding from it yet and can feed it;
 * one transaction per student, so a closed tab keeps what was done.
 */
export async function reembedSamples(
  db: AttendanceDatabase,
  engine: StoredFaceEmbedder,
  onProgress: (p: ReembedProgress) => void = () => undefined,
): Promise<ReembedOutcome> {
  const model = engine.info.model;
  const byStudent = await missingByStudent(db, model.id);
  const total = [...byStudent.values()].reduce((n, l) => n + l.length, 0);
  let done = 0;
  let embedded = 0;
  let unusable = 0;
  onProgress({ done, total });
  for (const [studentId, samples] of byStudent) {
    const updates: { id: number; embedding: Float32Array }[] = [];
    for (const sample of samples) {
      const embedding = sampleServes(sample, model) ? await engine.embedStoredFace(sample.image, sample.face) : null;
      if (embedding) updates.push({ id: sample.id!, embedding });
      else unusable++;
      onProgress({ done: ++done, total });
    }
    await setSampleEmbeddings(db, studentId, model.id, updates);
    embedded += updates.length;
  }
  return { embedded, unusable };
}
