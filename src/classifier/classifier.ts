/**
 * Who is this face? A multi-class linear SVM (one-vs-rest) over embeddings, with Platt-calibrated
 * probabilities, and an open-set rule: a face is "Unknown" unless its match score passes a threshold. The
 * match score is the cosine similarity to the centre of the student the SVM picked, less half the
 * similarity to the next-closest student's centre (a face that is close to everyone is no one's). The
 * threshold comes from the enrolment itself: each student's faces are scored against the other students
 * only (leave-one-student-out impostors), and the threshold accepts about 1% of those impostors.
 *
 * Plain numbers only: runs in the page, in a worker and in Node.
 */
import { ValidationError } from '../core/errors';
import { fitPlatt, plattProbability, type PlattScaling } from './platt';
import { seededRandom, shuffleInPlace } from './random';
import { decisionValue, gramMatrix, solveDualOnGram, trainBinarySvmOnWorkingSet } from './svm';

export const CLASSIFIER_FORMAT = 'face-classifier/1';

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
  /** Share of impostors the threshold may accept. Defaults to 0.01. */
  readonly targetFalseAccept?: number;
  /** Threshold used when it cannot be measured (a single student). Defaults to 0.5. */
  readonly fallbackThreshold?: number;
  /** Stopping tolerance of the SVM solver. Defaults to 0.1, LIBLINEAR's default for this solver. */
  readonly tolerance?: number;
  /** Defaults to 1. */
  readonly seed?: number;
  /** Called with 0..1 as training goes. */
  readonly onProgress?: (fraction: number) => void;
}

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
  /** Match score (see the file comment) below which a face is "Unknown". */
  readonly threshold: number;
  /** Weight of the next-closest centre in the match score. */
  readonly rivalWeight: number;
  readonly thresholdSource: 'leave-one-student-out' | 'fallback';
  readonly cost: number;
  readonly sampleCounts: Readonly<Record<string, number>>;
  readonly trainedAt: string;
}

export interface Prediction {
  /** The student, or null for "Unknown". */
  readonly label: string | null;
  /** The best-matching student even when the face is "Unknown". */
  readonly nearest: string;
  /** Calibrated probability that the face is `nearest` (1 with a single student). */
  readonly probability: number;
  /** Cosine similarity to `nearest`'s centre. */
  readonly similarity: number;
  /** The open-set match score compared with the threshold. */
  readonly score: number;
}

/** Weight of the next-closest student's centre in the match score. */
export const RIVAL_WEIGHT = 0.5;

/** Best and second-best of `sims`, leaving out index `skip`. */
function topTwo(sims: ArrayLike<number>, skip: number): [number, number, number] {
  let first = -Infinity;
  let second = -Infinity;
  let arg = -1;
  for (let c = 0; c < sims.length; c++) {
    if (c === skip) continue;
    const v = sims[c]!;
    if (v > first) {
      second = first;
      first = v;
      arg = c;
    } else if (v > second) second = v;
  }
  return [first, second, arg];
}

function checkEmbedding(e: Float32Array, dimension: number, what: string): void {
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

function dot(a: ArrayLike<number>, b: ArrayLike<number>, bOffset = 0): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k]! * b[bOffset + k]!;
  return s;
}

function normalised(v: Float64Array): number[] {
  const n = Math.sqrt(dot(v, v)) || 1;
  return Array.from(v, (x) => x / n);
}

/** Value at quantile q (0..1) of the values, linear between order statistics. */
export function quantile(values: readonly number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const at = (s.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return s[lo]! + (s[hi]! - s[lo]!) * (at - lo);
}

interface Matrix {
  readonly x: Float32Array;
  readonly n: number;
  readonly d: number;
  readonly labels: Int32Array;
}

/**
 * The kernel form costs O(n × support vectors) a pass against O(n × d) on features, and its matrix n²
 * doubles: it is used while there are no more samples than dimensions, where it cannot lose (measured on
 * 70 LFW people × 5 FaceRes samples: 0.8 s against 3.9 s with cross-validation).
 */
function useGram(n: number, d: number): boolean {
  return n <= d;
}

/** One-vs-rest linear SVMs trained on `rows` of the matrix; `decide(r)` gives every class's w·x_r + b. */
interface OneVsRest {
  decide(r: number): Float64Array;
  /** The explicit weight vectors and biases, for the stored snapshot. */
  weights(): { weights: Float64Array; bias: number }[];
}

/**
 * Negatives the first class's working set starts with, per positive (and at least `MIN_START_NEGATIVES`).
 * Each later class starts with as many as the previous class ended with support vectors: classes are alike,
 * and a start near the final size saves rounds (measured on 1,000 synthetic students at C = 0.1: 100 start
 * negatives 440–620 ms a class, 800 about 155 ms).
 */
const START_NEGATIVES_PER_POSITIVE = 5;
const MIN_START_NEGATIVES = 50;

/**
 * One class's starting working set among `rows`: its own rows and the other rows most similar to its centre
 * (`centreSims` holds every row's cosine to every class centre, row after row).
 */
function startingSet(
  m: Matrix,
  rows: readonly number[],
  c: number,
  classes: number,
  centreSims: Float32Array,
  wanted: number | null,
): number[] {
  const positives: number[] = [];
  const negatives: number[] = [];
  rows.forEach((r, i) => (m.labels[r] === c ? positives : negatives).push(i));
  const keep = Math.min(
    negatives.length,
    Math.max(MIN_START_NEGATIVES, wanted ?? START_NEGATIVES_PER_POSITIVE * positives.length),
  );
  negatives.sort((a, b) => centreSims[rows[b]! * classes + c]! - centreSims[rows[a]! * classes + c]!);
  return positives.concat(negatives.slice(0, keep));
}

function trainOneVsRest(
  m: Matrix,
  gram: Float64Array | null,
  centreSims: Float32Array,
  rows: readonly number[],
  classes: number,
  cost: number,
  tolerance: number,
  seed: number,
  onClassDone: (trained: number) => void = () => undefined,
): OneVsRest {
  const y = new Int8Array(rows.length);
  if (gram) {
    const sub = Int32Array.from(rows);
    const solved = Array.from({ length: classes }, (_, c) => {
      rows.forEach((r, i) => (y[i] = m.labels[r] === c ? 1 : -1));
      const { alpha } = solveDualOnGram(gram, m.n, sub, y, { C: cost, tolerance, seed: seed + c });
      onClassDone(c + 1);
      // Keep only the support vectors, with α·y folded in.
      const at: number[] = [];
      const coef: number[] = [];
      alpha.forEach((a, i) => {
        if (a > 0) {
          at.push(sub[i]!);
          coef.push(a * y[i]!);
        }
      });
      return { at: Int32Array.from(at), coef: Float64Array.from(coef) };
    });
    return {
      decide(r) {
        const out = new Float64Array(classes);
        const row = r * m.n;
        solved.forEach((sv, c) => {
          let f = 0;
          for (let s = 0; s < sv.at.length; s++) f += sv.coef[s]! * gram[row + sv.at[s]!]!;
          out[c] = f;
        });
        return out;
      },
      weights() {
        return solved.map((sv) => {
          const w = new Float64Array(m.d);
          let bias = 0;
          for (let s = 0; s < sv.at.length; s++) {
            const base = sv.at[s]! * m.d;
            const c = sv.coef[s]!;
            for (let k = 0; k < m.d; k++) w[k] = w[k]! + c * m.x[base + k]!;
            bias += c;
          }
          return { weights: w, bias };
        });
      },
    };
  }
  const x = new Float32Array(rows.length * m.d);
  rows.forEach((r, i) => x.set(m.x.subarray(r * m.d, (r + 1) * m.d), i * m.d));
  let wanted: number | null = null;
  const svms = Array.from({ length: classes }, (_, c) => {
    rows.forEach((r, i) => (y[i] = m.labels[r] === c ? 1 : -1));
    const start = startingSet(m, rows, c, classes, centreSims, wanted);
    const svm = trainBinarySvmOnWorkingSet(x, rows.length, m.d, y, start, { C: cost, tolerance, seed: seed + c });
    wanted = svm.alpha.reduce((n, a, i) => (a > 0 && y[i] === -1 ? n + 1 : n), 0);
    onClassDone(c + 1);
    return svm;
  });
  return {
    decide: (r) => Float64Array.from(svms, (svm) => decisionValue(svm, m.x, r * m.d)),
    weights: () => svms.map((svm) => ({ weights: svm.weights, bias: svm.bias })),
  };
}

/** The rows of the classes `keep` (indices into the classes, ascending), relabelled 0…keep.length − 1. */
function restrictToClasses(
  m: Matrix,
  centreSims: Float32Array,
  classes: number,
  keep: readonly number[],
): { m: Matrix; centreSims: Float32Array; classes: number } {
  const relabel = new Int32Array(classes).fill(-1);
  keep.forEach((c, i) => (relabel[c] = i));
  const rows: number[] = [];
  for (let r = 0; r < m.n; r++) if (relabel[m.labels[r]!]! >= 0) rows.push(r);
  const x = new Float32Array(rows.length * m.d);
  const sims = new Float32Array(rows.length * keep.length);
  rows.forEach((r, i) => {
    x.set(m.x.subarray(r * m.d, (r + 1) * m.d), i * m.d);
    keep.forEach((c, j) => (sims[i * keep.length + j] = centreSims[r * classes + c]!));
  });
  return {
    m: { x, n: rows.length, d: m.d, labels: Int32Array.from(rows, (r) => relabel[m.labels[r]!]!) },
    centreSims: sims,
    classes: keep.length,
  };
}

/** Stratified folds: each class's rows dealt round-robin after a seeded shuffle. */
function stratifiedFolds(m: Matrix, classes: number, k: number, seed: number): number[][] {
  const random = seededRandom(seed);
  const folds: number[][] = Array.from({ length: k }, () => []);
  for (let c = 0; c < classes; c++) {
    const rows: number[] = [];
    for (let r = 0; r < m.n; r++) if (m.labels[r] === c) rows.push(r);
    shuffleInPlace(rows, random).forEach((r, i) => folds[i % k]!.push(r));
  }
  return folds;
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

  // Class centres, and each class's centre without one student's data for the impostor scores.
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

  if (classes.length === 1) {
    progress(1);
    return {
      ...common,
      weights: [[]],
      biases: [0],
      platt: [{ A: 0, B: 0 }],
      threshold: options.fallbackThreshold ?? 0.5,
      rivalWeight: 0,
      thresholdSource: 'fallback',
      cost: options.defaultCost ?? 1,
    };
  }

  // Leave-one-student-out impostors: each face scored as if its own student were not enrolled.
  const impostor: number[] = [];
  const centreSims = new Float32Array(m.n * classes.length);
  for (let r = 0; r < m.n; r++) {
    const sims = centreSims.subarray(r * classes.length, (r + 1) * classes.length);
    for (let c = 0; c < classes.length; c++) sims[c] = dot(centroids[c]!, m.x, r * d);
    const [first, second] = topTwo(sims, m.labels[r]!);
    impostor.push(first - RIVAL_WEIGHT * (Number.isFinite(second) ? second : 0));
  }
  const threshold = quantile(impostor, 1 - (options.targetFalseAccept ?? 0.01));

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
    threshold,
    rivalWeight: RIVAL_WEIGHT,
    thresholdSource: 'leave-one-student-out',
    cost: best.cost,
  };
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
  const similarity = sims[arg]!;
  const [rival] = topTwo(sims, arg);
  const score = similarity - snapshot.rivalWeight * (Number.isFinite(rival) ? rival : 0);
  const nearest = snapshot.classes[arg]!;
  return { label: score >= snapshot.threshold ? nearest : null, nearest, probability, similarity, score };
}

export function serializeClassifier(snapshot: ClassifierSnapshot): string {
  return JSON.stringify(snapshot);
}

/** Parses a stored classifier; a foreign, damaged or other-model file gives a `ValidationError` asking to retrain. */
export function deserializeClassifier(
  json: string,
  expected?: { modelId: string; dimension: number },
): ClassifierSnapshot {
  let s: ClassifierSnapshot;
  try {
    s = JSON.parse(json) as ClassifierSnapshot;
  } catch {
    throw new ValidationError('The stored classifier is damaged: train again.', { classifier: 'not JSON' });
  }
  const n = s?.classes?.length ?? 0;
  const sane =
    s?.format === CLASSIFIER_FORMAT &&
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
  return s;
}
