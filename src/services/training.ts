/** Trains the classifier in a Web Worker, so the page stays responsive, with progress. */
import { m } from '../paraglide/messages';
import {
  deserializeClassifier,
  serializeClassifier,
  type ClassifierSnapshot,
  type TrainOptions,
  type TrainingSample,
} from '../classifier';
import { summariseTraining, type TrainingSummary } from '../classifier/summary';
import { reviveError, type PlainError } from '../core/errors';
import { loadClassifier, loadTrainingData, saveClassifier } from '../db/samples';
import type { AttendanceDatabase } from '../db/schema';
import type { EmbeddingModelDescriptor } from '../embedding';
import { thresholdPriorOf } from './recognition-model';

export interface TrainRequest {
  readonly samples: readonly TrainingSample[];
  readonly options: Omit<TrainOptions, 'onProgress'>;
}

export type TrainReply =
  | { readonly kind: 'progress'; readonly fraction: number }
  | { readonly kind: 'done'; readonly snapshot: ClassifierSnapshot }
  | { readonly kind: 'error'; readonly error: PlainError };

export function trainInWorker(
  samples: readonly TrainingSample[],
  options: Omit<TrainOptions, 'onProgress'>,
  onProgress: (fraction: number) => void = () => undefined,
): Promise<ClassifierSnapshot> {
  const worker = new Worker(new URL('./training-worker.ts', import.meta.url), { type: 'module' });
  return new Promise<ClassifierSnapshot>((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<TrainReply>) => {
      const reply = event.data;
      if (reply.kind === 'progress') {
        onProgress(reply.fraction);
        return;
      }
      worker.terminate();
      if (reply.kind === 'done') resolve(reply.snapshot);
      // The app's own errors (a ValidationError with its fields, say) come back as themselves.
      else reject(reviveError(reply.error));
    };
    worker.onerror = (event) => {
      worker.terminate();
      reject(new Error(m.training_worker_failed({ detail: event.message })));
    };
    worker.postMessage({ samples, options } satisfies TrainRequest);
  });
}

export interface TrainingOutcome {
  readonly snapshot: ClassifierSnapshot;
  readonly summary: TrainingSummary;
  /** Samples left out because they have no embedding from the current model. */
  readonly missing: number;
}

/**
 * Loads every sample's embedding from `model`, trains in a worker (with the model's stranger prior, where
 * it has one), stores the classifier, and sums it up.
 */
export async function trainAndSave(
  db: AttendanceDatabase,
  model: EmbeddingModelDescriptor,
  onProgress: (fraction: number) => void = () => undefined,
): Promise<TrainingOutcome> {
  const modelId = model.id;
  const data = await loadTrainingData(db, modelId);
  const prior = thresholdPriorOf(model);
  const snapshot = await trainInWorker(data.samples, { modelId, prior }, onProgress);
  await saveClassifier(db, modelId, serializeClassifier(snapshot), snapshot.trainedAt);
  return { snapshot, summary: summariseTraining(snapshot, data.samples), missing: data.missing };
}

export interface StoredClassifier {
  readonly snapshot: ClassifierSnapshot;
  readonly needsRetraining: boolean;
}

/** The classifier trained for `modelId`, or null when there is none (or it cannot be read: train again). */
export async function storedClassifier(db: AttendanceDatabase, modelId: string): Promise<StoredClassifier | null> {
  const record = await loadClassifier(db, modelId);
  if (!record) return null;
  return { snapshot: deserializeClassifier(record.snapshot), needsRetraining: record.needsRetraining };
}

export type { ClassifierSnapshot } from '../classifier';
export type { TrainingSummary, LookAlike } from '../classifier/summary';
export { FEW_SAMPLES } from '../classifier/summary';
