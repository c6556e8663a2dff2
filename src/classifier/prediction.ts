/** Classifying one face with a trained classifier: the SVM picks the student, the open-set rule decides. */
import { ValidationError } from '../core/errors';
import { matchScore } from './open-set';
import { plattProbability } from './platt';
import type { ClassifierSnapshot } from './snapshot';
import { dot } from './stats';

export interface Prediction {
  /** The student, or null for "Unknown" (a "maybe" face is null here too). */
  readonly label: string | null;
  /** The best-matching student even when the face is "Unknown". */
  readonly nearest: string;
  /** 'accept': the student; 'maybe': perhaps `nearest`, for the teacher to confirm; 'unknown'. */
  readonly verdict: 'accept' | 'maybe' | 'unknown';
  /** Calibrated probability that the face is `nearest` (1 with a single student). */
  readonly probability: number;
  /** Cosine similarity to `nearest`'s centre. */
  readonly similarity: number;
  /** The open-set match score compared with the thresholds. */
  readonly score: number;
}

export function checkEmbedding(e: Float32Array, dimension: number, what: string): void {
  if (e.length !== dimension) {
    throw new ValidationError(`${what} has ${e.length} values where ${dimension} are expected.`, {
      embedding: 'wrong length',
    });
  }
  for (let k = 0; k < e.length; k++) {
    if (!Number.isFinite(e[k])) {
      throw new ValidationError(`${what} contains a value that is not a finite number; take that photo again.`, {
        embedding: 'not finite',
      });
    }
  }
}

/** Classifies one embedding. Throws `ValidationError` when it does not fit the classifier. */
export function predict(snapshot: ClassifierSnapshot, embedding: Float32Array, modelId?: string): Prediction {
  if (modelId !== undefined && modelId !== snapshot.modelId) {
    throw new ValidationError(
      `This classifier was trained on "${snapshot.modelId}" embeddings, not "${modelId}": train again after changing the model.`,
      { model: 'mismatch' },
    );
  }
  checkEmbedding(embedding, snapshot.dimension, 'The face embedding');
  let arg = 0;
  let probability = 1;
  if (snapshot.classes.length > 1) {
    let bestF = -Infinity;
    snapshot.weights.forEach((w, c) => {
      const f = dot(w, embedding) + snapshot.biases[c]!;
      if (f > bestF) {
        bestF = f;
        arg = c;
      }
    });
    probability = plattProbability(snapshot.platt[arg]!, bestF);
  }
  const sims = snapshot.centroids.map((c) => dot(c, embedding));
  const score = matchScore(sims, arg, snapshot.rivalWeight);
  const nearest = snapshot.classes[arg]!;
  const verdict = score >= snapshot.threshold ? 'accept' : score >= snapshot.maybeThreshold ? 'maybe' : 'unknown';
  return { label: verdict === 'accept' ? nearest : null, nearest, verdict, probability, similarity: sims[arg]!, score };
}
