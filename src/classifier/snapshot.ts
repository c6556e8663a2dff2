/** The trained classifier as stored: plain JSON, checked when read back. */
import { ValidationError } from '../core/errors';
import type { PlattScaling } from './platt';

export const CLASSIFIER_FORMAT = 'face-classifier/2';
/** The format before the "maybe" band and duplicate pairs; read back with those filled in. */
const CLASSIFIER_FORMAT_1 = 'face-classifier/1';

/** Two students whose photos look like one person's (the same student enrolled twice, say). */
export interface DuplicatePair {
  readonly a: string;
  readonly b: string;
  /** Cosine similarity of their centres. */
  readonly similarity: number;
}

export type ThresholdSource = 'combined' | 'enrolment' | 'prior' | 'fallback';

export interface ClassifierSnapshot {
  readonly format: typeof CLASSIFIER_FORMAT;
  readonly modelId: string;
  readonly dimension: number;
  readonly classes: readonly string[];
  /** One weight vector a class (empty where there is a single class). */
  readonly weights: readonly (readonly number[])[];
  readonly biases: readonly number[];
  readonly platt: readonly PlattScaling[];
  /** Normalised mean embedding of each class. */
  readonly centroids: readonly (readonly number[])[];
  /** Match score (see `matchScore`) from which a face is taken for its student. */
  readonly threshold: number;
  /** Match score from which a face below `threshold` is put to the teacher as "maybe"; ≤ `threshold`. */
  readonly maybeThreshold: number;
  /** Weight of the next-closest centre in the match score. */
  readonly rivalWeight: number;
  /** Where `threshold` came from: the enrolment, the model's prior, both combined, or a fixed fallback. */
  readonly thresholdSource: ThresholdSource;
  /** What went into the threshold: the enrolment's own estimate and the model's prior (null: none). */
  readonly thresholdParts: { readonly enrolment: number | null; readonly prior: number | null };
  /** Pairs of students that look like the same person; left out of each other's impostors. */
  readonly duplicates: readonly DuplicatePair[];
  readonly cost: number;
  readonly sampleCounts: Readonly<Record<string, number>>;
  readonly trainedAt: string;
}

export function serializeClassifier(snapshot: ClassifierSnapshot): string {
  return JSON.stringify(snapshot);
}

type StoredSnapshot = Omit<
  ClassifierSnapshot,
  'format' | 'maybeThreshold' | 'thresholdParts' | 'duplicates' | 'thresholdSource'
> & {
  readonly format: string;
  readonly maybeThreshold?: number;
  readonly thresholdParts?: ClassifierSnapshot['thresholdParts'];
  readonly duplicates?: readonly DuplicatePair[];
  readonly thresholdSource: string;
};

/**
 * Parses a stored classifier; a foreign, damaged or other-model file gives a `ValidationError` asking to
 * retrain. A classifier of the previous format is read with no "maybe" band and no duplicate pairs.
 */
export function deserializeClassifier(
  json: string,
  expected?: { modelId: string; dimension: number },
): ClassifierSnapshot {
  let s: StoredSnapshot;
  try {
    s = JSON.parse(json) as StoredSnapshot;
  } catch {
    throw new ValidationError('The stored classifier is damaged: train again.', { classifier: 'not JSON' });
  }
  const n = s?.classes?.length ?? 0;
  const sane =
    (s?.format === CLASSIFIER_FORMAT || s?.format === CLASSIFIER_FORMAT_1) &&
    n > 0 &&
    s.centroids?.length === n &&
    s.weights?.length === n &&
    s.biases?.length === n &&
    s.platt?.length === n &&
    s.centroids.every((c) => c.length === s.dimension) &&
    (n === 1 || s.weights.every((w) => w.length === s.dimension)) &&
    Number.isFinite(s.threshold) &&
    Number.isFinite(s.rivalWeight);
  if (!sane)
    throw new ValidationError('The stored classifier is not one this app wrote, or is damaged: train again.', {
      classifier: 'format',
    });
  if (expected && (expected.modelId !== s.modelId || expected.dimension !== s.dimension)) {
    throw new ValidationError(
      `The stored classifier was trained on "${s.modelId}" (${s.dimension} values), but the app now uses "${expected.modelId}" (${expected.dimension}): train again.`,
      { classifier: 'model mismatch' },
    );
  }
  const source: ThresholdSource =
    s.thresholdSource === 'fallback'
      ? 'fallback'
      : s.format === CLASSIFIER_FORMAT
        ? (s.thresholdSource as ThresholdSource)
        : 'enrolment';
  return {
    ...s,
    format: CLASSIFIER_FORMAT,
    maybeThreshold: Number.isFinite(s.maybeThreshold) ? s.maybeThreshold! : s.threshold,
    thresholdParts: s.thresholdParts ?? { enrolment: source === 'enrolment' ? s.threshold : null, prior: null },
    duplicates: s.duplicates ?? [],
    thresholdSource: source,
  };
}
