/**
 * Training: a multi-class linear SVM (one-vs-rest) over embeddings, its cost chosen by cross-validation,
 * Platt-calibrated probabilities from the out-of-fold decisions, class centres, and the open-set thresholds
 * (see `open-set.ts`). Plain numbers only: runs in the page, in a worker and in Node.
 */
import { FALLBACK_THRESHOLD } from '../core/defaults';
import { ValidationError } from '../core/errors';
import { trainOneVsRest, restrictToClasses, stratifiedFolds, useGram, type Matrix } from './one-vs-rest';
import {
  chooseThresholds,
  DEFAULT_DUPLICATE_SIMILARITY,
  enrolmentImpostorScores,
  findDuplicates,
  RIVAL_WEIGHT,
  type ThresholdPrior,
} from './open-set';
import { fitPlatt, type PlattScaling } from './platt';
import { checkEmbedding } from './prediction';
import { seededRandom, shuffleInPlace } from './random';
import { CLASSIFIER_FORMAT, type ClassifierSnapshot } from './snapshot';
import { dot, normalised } from './stats';
import { gramMatrix } from './svm';

export interface TrainingSample {
  readonly label: string;
  /** L2-normalised embedding. */
  readonly embedding: Float32Array;
}

export interface TrainOptions {
  /** The embedding model the samples come from; stored, and checked at prediction time. */
  readonly modelId: string;
  /** Costs tried by cross-validation when every student has at least 3 samples. Defaults to [0.1, 1, 10]. */
  readonly costs?: readonly number[];
  /**
   * Past this many students, the cost and the Platt scaling come from cross-validating a seeded sample of
   * this many, and one Platt scaling serves all. Defaults to 100.
   */
  readonly crossValidationStudents?: number;
  /** Cost used when there is too little data to cross-validate. Defaults to 1. */
  readonly defaultCost?: number;
  /** Share of impostors the threshold may accept. Defaults to 0.01 (the model's prior is for 1 %). */
  readonly targetFalseAccept?: number;
  /**
   * What the model's strangers score, measured once on development data (the embedding model's
   * descriptor has it); combined with the enrolment's own estimate. Without it, the enrolment alone.
   */
  readonly prior?: ThresholdPrior | null;
  /** Threshold used when it cannot be measured (a single student). Defaults to `FALLBACK_THRESHOLD`. */
  readonly fallbackThreshold?: number;
  /** Stopping tolerance of the SVM solver. Defaults to 0.1, LIBLINEAR's default for this solver. */
  readonly tolerance?: number;
  /** Defaults to 1. */
  readonly seed?: number;
  /** Called with 0..1 as training goes. */
  readonly onProgress?: (fraction: number) => void;
}

/**
 * Trains on the samples (at least one student). Throws `ValidationError` for no samples or for an
 * embedding of the wrong length or with non-finite values.
 */
export function trainClassifier(samples: readonly TrainingSample[], options: TrainOptions): ClassifierSnapshot {
  if (samples.length === 0) {
    throw new ValidationError('Nobody is enrolled yet: take photos of at least one student before training.');
  }
  const d = samples[0]!.embedding.length;
  samples.forEach((s, i) => checkEmbedding(s.embedding, d, `Sample ${i + 1} (${s.label})`));
  const seed = options.seed ?? 1;
  const classes = [...new Set(samples.map((s) => s.label))].sort();
  const index = new Map(classes.map((c, i) => [c, i]));
  const m: Matrix = {
    x: new Float32Array(samples.length * d),
    n: samples.length,
    d,
    labels: Int32Array.from(samples, (s) => index.get(s.label)!),
  };
  samples.forEach((s, i) => m.x.set(s.embedding, i * d));
  const counts = classes.map((_, c) => m.labels.filter((l) => l === c).length);
  const sampleCounts = Object.fromEntries(classes.map((c, i) => [c, counts[i]!]));
  const progress = options.onProgress ?? (() => undefined);

  // Class centres.
  const sums = classes.map(() => new Float64Array(d));
  for (let r = 0; r < m.n; r++) {
    const sum = sums[m.labels[r]!]!;
    for (let k = 0; k < d; k++) sum[k] = sum[k]! + m.x[r * d + k]!;
  }
  const centroids = sums.map(normalised);

  const common = {
    format: CLASSIFIER_FORMAT,
    modelId: options.modelId,
    dimension: d,
    classes,
    centroids,
    sampleCounts,
    trainedAt: new Date().toISOString(),
  } as const;

  const prior = options.prior ?? null;
  if (classes.length === 1) {
    progress(1);
    const threshold = prior?.far1 ?? options.fallbackThreshold ?? FALLBACK_THRESHOLD;
    return {
      ...common,
      weights: [[]],
      biases: [0],
      platt: [{ A: 0, B: 0 }],
      threshold,
      maybeThreshold: Math.min(threshold, prior?.far10 ?? threshold),
      rivalWeight: 0,
      thresholdSource: prior ? 'prior' : 'fallback',
      thresholdParts: { enrolment: null, prior: prior?.far1 ?? null },
      duplicates: [],
      cost: options.defaultCost ?? 1,
    };
  }

  // Duplicates (one person under two IDs) are named, and left out of each other's impostors.
  const duplicates = findDuplicates(classes, centroids, prior?.duplicate ?? DEFAULT_DUPLICATE_SIMILARITY);
  const partners: number[][] = classes.map(() => []);
  for (const p of duplicates) {
    const a = index.get(p.a)!;
    const b = index.get(p.b)!;
    partners[a]!.push(b);
    partners[b]!.push(a);
  }
  const centreSims = new Float32Array(m.n * classes.length);
  for (let r = 0; r < m.n; r++) {
    for (let c = 0; c < classes.length; c++) centreSims[r * classes.length + c] = dot(centroids[c]!, m.x, r * d);
  }
  const impostors = enrolmentImpostorScores(m.labels, centreSims, classes.length, partners, RIVAL_WEIGHT);
  const chosen = chooseThresholds(impostors, prior, options.targetFalseAccept ?? 0.01);
  const fallback = options.fallbackThreshold ?? FALLBACK_THRESHOLD;

  // Cost by k-fold cross-validation, and out-of-fold decision values for Platt scaling. Past
  // `crossValidationStudents` students both come from a seeded sample of that many students, and the Platt
  // scaling fitted on their pooled decision values serves every student: cross-validating a school-sized
  // roster would train ten one-vs-rest models of a thousand classes each.
  const minCount = Math.min(...counts);
  const costs = minCount >= 3 ? (options.costs ?? [0.1, 1, 10]) : [options.defaultCost ?? 1];
  const k = Math.max(2, Math.min(3, minCount));
  const tolerance = options.tolerance ?? 0.1;
  const sampleSize = options.crossValidationStudents ?? 100;
  const sampled = classes.length > sampleSize;
  const cv = sampled
    ? restrictToClasses(
        m,
        centreSims,
        classes.length,
        shuffleInPlace(
          classes.map((_, c) => c),
          seededRandom(seed),
        )
          .slice(0, sampleSize)
          .sort((a, b) => a - b),
      )
    : { m, centreSims, classes: classes.length };
  const folds = stratifiedFolds(cv.m, cv.classes, k, seed);
  const cvRows = Array.from({ length: cv.m.n }, (_, r) => r);
  let best = { cost: costs[0]!, correct: -1, decisions: new Float64Array(0) };
  // The final fit's share of the progress bar: one step among the cross-validation's, or most of it when
  // the cross-validation only sees a sample.
  const cvSteps = costs.length * k;
  const cvShare = sampled ? 0.3 : cvSteps / (cvSteps + 1);
  let done = 0;
  const cvGram = useGram(cv.m.n, d) ? gramMatrix(cv.m.x, cv.m.n, d) : null;
  for (const cost of costs) {
    const decisions = new Float64Array(cv.m.n * cv.classes);
    let correct = 0;
    for (const fold of folds) {
      const held = new Set(fold);
      const model = trainOneVsRest(
        cv.m,
        cvGram,
        cv.centreSims,
        cvRows.filter((r) => !held.has(r)),
        cv.classes,
        cost,
        tolerance,
        seed,
      );
      for (const r of fold) {
        const f = model.decide(r);
        decisions.set(f, r * cv.classes);
        let arg = 0;
        for (let c = 1; c < f.length; c++) if (f[c]! > f[arg]!) arg = c;
        if (arg === cv.m.labels[r]) correct++;
      }
      progress((++done / cvSteps) * cvShare);
    }
    if (correct > best.correct) best = { cost, correct, decisions };
  }
  const own = (r: number, c: number): boolean => cv.m.labels[r] === c;
  const platt = sampled
    ? Array<PlattScaling>(classes.length).fill(
        fitPlatt(
          best.decisions,
          Array.from(best.decisions, (_, i) => own(Math.floor(i / cv.classes), i % cv.classes)),
        ),
      )
    : classes.map((_, c) =>
        fitPlatt(
          Array.from({ length: m.n }, (_, r) => best.decisions[r * classes.length + c]!),
          Array.from({ length: m.n }, (_, r) => own(r, c)),
        ),
      );
  const gram = sampled ? (useGram(m.n, d) ? gramMatrix(m.x, m.n, d) : null) : cvGram;
  const all = Array.from({ length: m.n }, (_, r) => r);
  const models = trainOneVsRest(m, gram, centreSims, all, classes.length, best.cost, tolerance, seed, (c) =>
    progress(cvShare + ((1 - cvShare) * c) / classes.length),
  ).weights();
  progress(1);
  return {
    ...common,
    weights: models.map((svm) => Array.from(svm.weights)),
    biases: models.map((svm) => svm.bias),
    platt,
    threshold: chosen?.threshold ?? fallback,
    maybeThreshold: chosen?.maybeThreshold ?? fallback,
    rivalWeight: RIVAL_WEIGHT,
    thresholdSource: chosen?.source ?? 'fallback',
    thresholdParts: chosen?.parts ?? { enrolment: null, prior: null },
    duplicates,
    cost: best.cost,
  };
}
