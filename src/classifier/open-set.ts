/**
 * The open-set rule: whether a face is the student the SVM picked, maybe that student, or nobody enrolled.
 *
 * Match score: the cosine similarity to the chosen student's centre, less `rivalWeight` times the similarity
 * to the next-closest student's centre (a face close to everyone is no one's).
 *
 * Threshold: strangers' match scores are estimated twice, and the two estimates combined. The enrolment's
 * own estimate scores every enrolled face against the other students only (leave-one-student-out
 * impostors); with 5 photos of 30 students, its 1 % tail rests on 1 or 2 faces. The model's prior is the same
 * tail measured once on development data (shipped with the model's descriptor). Each is weighted by how
 * many impostor faces it rests on: the prior counts as `PRIOR_WEIGHT` faces.
 *
 * Students whose centres are as close as one person's photos are to each other are named as duplicates,
 * and left out of each other's impostors: one student enrolled twice must not raise the threshold for the
 * whole class.
 */
import type { DuplicatePair } from './snapshot';
import { dot, quantile } from './stats';

/** Weight of the next-closest student's centre in the match score. */
export const RIVAL_WEIGHT = 0.5;

/** How many enrolment impostor faces the model's prior counts as, when both are combined. */
export const PRIOR_WEIGHT = 300;

/** Share of strangers the "maybe" band reaches down to. Defaults to 0.1. */
export const MAYBE_FALSE_ACCEPT = 0.1;

/** What is known of a model's strangers before any enrolment (see `OpenSetPrior` of the embedding models). */
export interface ThresholdPrior {
  /** Match score that 1 % of strangers reach. */
  readonly far1: number;
  /** Match score that 10 % of strangers reach. */
  readonly far10: number;
  /** Centre similarity from which two students look like the same person. */
  readonly duplicate: number;
}

/** Best and second-best of `sims` and the best one's index, leaving out the indices `skip` holds. */
export function topTwo(sims: ArrayLike<number>, skip: (c: number) => boolean = () => false): [number, number, number] {
  let first = -Infinity;
  let second = -Infinity;
  let arg = -1;
  for (let c = 0; c < sims.length; c++) {
    if (skip(c)) continue;
    const v = sims[c]!;
    if (v > first) {
      second = first;
      first = v;
      arg = c;
    } else if (v > second) second = v;
  }
  return [first, second, arg];
}

/**
 * The match score of a face whose similarities to every student's centre are `sims`, taken for student
 * `chosen`; students `skip` holds play no part (neither chosen nor rival).
 */
export function matchScore(
  sims: ArrayLike<number>,
  chosen: number,
  rivalWeight: number,
  skip: (c: number) => boolean = () => false,
): number {
  const [rival] = topTwo(sims, (c) => c === chosen || skip(c));
  return sims[chosen]! - rivalWeight * (Number.isFinite(rival) ? rival : 0);
}

/** Centre similarity from which two students look like one person, where the model gives no figure. */
export const DEFAULT_DUPLICATE_SIMILARITY = 0.85;

/** Pairs of students whose centres are at least `limit` similar, most similar first. */
export function findDuplicates(
  classes: readonly string[],
  centroids: readonly (readonly number[])[],
  limit: number,
): DuplicatePair[] {
  const pairs: DuplicatePair[] = [];
  for (let i = 0; i < classes.length; i++) {
    for (let j = i + 1; j < classes.length; j++) {
      const similarity = dot(centroids[i]!, centroids[j]!);
      if (similarity >= limit)
        pairs.push({ a: classes[i]!, b: classes[j]!, similarity: Number(similarity.toFixed(4)) });
    }
  }
  return pairs.sort((p, q) => q.similarity - p.similarity);
}

/**
 * Leave-one-student-out impostor scores: each face scored as if its own student (and any student named its
 * duplicate) were not enrolled. `centreSims` holds every face's similarity to every centre, face after face.
 */
export function enrolmentImpostorScores(
  labels: Int32Array,
  centreSims: Float32Array,
  classes: number,
  partners: readonly (readonly number[])[],
  rivalWeight: number,
): number[] {
  const scores: number[] = [];
  for (let r = 0; r < labels.length; r++) {
    const own = labels[r]!;
    const sims = centreSims.subarray(r * classes, (r + 1) * classes);
    const skip = (c: number): boolean => c === own || partners[own]!.includes(c);
    const [, , arg] = topTwo(sims, skip);
    if (arg < 0) continue;
    scores.push(matchScore(sims, arg, rivalWeight, skip));
  }
  return scores;
}

export interface ThresholdChoice {
  readonly threshold: number;
  readonly maybeThreshold: number;
  readonly source: 'combined' | 'enrolment' | 'prior';
  readonly parts: { readonly enrolment: number | null; readonly prior: number | null };
}

/**
 * The accept and "maybe" thresholds from the enrolment's impostor scores and the model's prior: each
 * estimate weighted by the impostor faces it rests on (the prior by `PRIOR_WEIGHT`). Null when there are
 * neither impostors nor a prior.
 */
export function chooseThresholds(
  impostors: readonly number[],
  prior: ThresholdPrior | null,
  targetFalseAccept: number,
): ThresholdChoice | null {
  const n = impostors.length;
  const enrolment = n > 0 ? quantile(impostors, 1 - targetFalseAccept) : null;
  const enrolmentMaybe = n > 0 ? quantile(impostors, 1 - MAYBE_FALSE_ACCEPT) : null;
  if (enrolment === null || enrolmentMaybe === null) {
    if (!prior) return null;
    return {
      threshold: prior.far1,
      maybeThreshold: prior.far10,
      source: 'prior',
      parts: { enrolment: null, prior: prior.far1 },
    };
  }
  if (!prior) {
    return {
      threshold: enrolment,
      maybeThreshold: Math.min(enrolment, enrolmentMaybe),
      source: 'enrolment',
      parts: { enrolment, prior: null },
    };
  }
  const mix = (a: number, b: number): number => (n * a + PRIOR_WEIGHT * b) / (n + PRIOR_WEIGHT);
  const threshold = mix(enrolment, prior.far1);
  return {
    threshold,
    maybeThreshold: Math.min(threshold, mix(enrolmentMaybe, prior.far10)),
    source: 'combined',
    parts: { enrolment, prior: prior.far1 },
  };
}
