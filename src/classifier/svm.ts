/**
 * Binary linear SVM, L2-regularised with the squared hinge loss, solved in the dual by coordinate descent
 * with shrinking: the method of LIBLINEAR (Hsieh et al., ICML 2008), the default of scikit-learn's
 * LinearSVC. The bias is learnt as the weight of an extra feature of constant value 1, as LIBLINEAR does.
 */
import { seededRandom, shuffleInPlace } from './random';

export interface BinarySvmOptions {
  /** Misclassification cost. Defaults to 1. */
  readonly C?: number;
  /** Stop when the projected-gradient spread is below this. Defaults to 1e-3. */
  readonly tolerance?: number;
  /** At most this many passes. Defaults to 1000. */
  readonly maxPasses?: number;
  /** Seed of the coordinate order. Defaults to 1. */
  readonly seed?: number;
  /** Starting dual variables (a warm start), one for each row; zeros by default. */
  readonly initialAlpha?: Float64Array;
}

export interface BinarySvm {
  readonly weights: Float64Array;
  readonly bias: number;
  readonly passes: number;
  /** The dual variables, one for each row. */
  readonly alpha: Float64Array;
}

/**
 * `x` holds `n` rows of `d` features, row after row; `y` holds +1 or −1 for each row.
 */
export function trainBinarySvm(
  x: Float32Array,
  n: number,
  d: number,
  y: Int8Array,
  options: BinarySvmOptions = {},
): BinarySvm {
  const C = options.C ?? 1;
  const tolerance = options.tolerance ?? 1e-3;
  const maxPasses = options.maxPasses ?? 1000;
  const random = seededRandom(options.seed ?? 1);
  const diag = 1 / (2 * C);
  const qd = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 1 + diag; // the bias feature contributes 1
    const at = i * d;
    for (let k = 0; k < d; k++) s += x[at + k]! * x[at + k]!;
    qd[i] = s;
  }
  const alpha = options.initialAlpha ? Float64Array.from(options.initialAlpha) : new Float64Array(n);
  const w = new Float64Array(d);
  let b = 0;
  for (let i = 0; i < n; i++) {
    const ay = alpha[i]! * y[i]!;
    if (ay === 0) continue;
    for (let k = 0; k < d; k++) w[k] = w[k]! + ay * x[i * d + k]!;
    b += ay;
  }
  let active = Array.from({ length: n }, (_, i) => i);
  let pgMaxOld = Infinity;
  let passes = 0;
  while (passes < maxPasses) {
    passes++;
    shuffleInPlace(active, random);
    let pgMax = -Infinity;
    let pgMin = Infinity;
    const kept: number[] = [];
    for (const i of active) {
      const at = i * d;
      let f = b;
      for (let k = 0; k < d; k++) f += w[k]! * x[at + k]!;
      const yi = y[i]!;
      const g = yi * f - 1 + diag * alpha[i]!;
      let pg = g;
      if (alpha[i] === 0) {
        // At the lower bound with a gradient pointing outwards: likely to stay at 0, set it aside.
        if (g > pgMaxOld) continue;
        if (g > 0) pg = 0;
      }
      kept.push(i);
      if (pg > pgMax) pgMax = pg;
      if (pg < pgMin) pgMin = pg;
      if (Math.abs(pg) > 1e-12) {
        const old = alpha[i]!;
        alpha[i] = Math.max(old - g / qd[i]!, 0);
        const step = (alpha[i] - old) * yi;
        for (let k = 0; k < d; k++) w[k] = w[k]! + step * x[at + k]!;
        b += step;
      }
    }
    active = kept;
    if (pgMax - pgMin <= tolerance || active.length === 0) {
      if (active.length === n) break;
      // Converged on the active set: check every coordinate once more before stopping.
      active = Array.from({ length: n }, (_, i) => i);
      pgMaxOld = Infinity;
      continue;
    }
    pgMaxOld = pgMax <= 0 ? Infinity : pgMax;
  }
  return { weights: w, bias: b, passes, alpha };
}

/**
 * The same solution as `trainBinarySvm`, found on a working set: the solver runs on the rows `start` only,
 * then every other row is checked once, and those that violate the optimality conditions (inside the
 * margin, where α = 0 needs y·f ≥ 1) join the set for another, warm-started, round. In one-vs-rest the
 * support vectors are the class and its look-alikes, so a start of the class and the negatives closest to
 * its centre usually holds them all, and each round costs one plain pass over the rest instead of the
 * solver's passes with updates.
 */
export function trainBinarySvmOnWorkingSet(
  x: Float32Array,
  n: number,
  d: number,
  y: Int8Array,
  start: readonly number[],
  options: BinarySvmOptions = {},
): BinarySvm {
  const tolerance = options.tolerance ?? 1e-3;
  const inSet = new Uint8Array(n);
  const set: number[] = [];
  for (const r of start) {
    if (inSet[r]) continue;
    inSet[r] = 1;
    set.push(r);
  }
  let alpha = new Float64Array(set.length);
  let passes = 0;
  for (;;) {
    const sub = new Float32Array(set.length * d);
    set.forEach((r, i) => sub.set(x.subarray(r * d, (r + 1) * d), i * d));
    const svm = trainBinarySvm(
      sub,
      set.length,
      d,
      Int8Array.from(set, (r) => y[r]!),
      {
        ...options,
        initialAlpha: alpha,
      },
    );
    passes += svm.passes;
    const joining: number[] = [];
    for (let r = 0; r < n; r++) {
      if (inSet[r]) continue;
      if (y[r]! * decisionValue(svm, x, r * d) - 1 < -tolerance / 2) joining.push(r);
    }
    if (joining.length === 0 || set.length === n) {
      const full = new Float64Array(n);
      set.forEach((r, i) => (full[r] = svm.alpha[i]!));
      return { weights: svm.weights, bias: svm.bias, passes, alpha: full };
    }
    alpha = new Float64Array(set.length + joining.length);
    alpha.set(svm.alpha);
    for (const r of joining) {
      inSet[r] = 1;
      set.push(r);
    }
  }
}

/** w·x + b for row `row` of `x`. */
export function decisionValue(
  svm: { weights: ArrayLike<number>; bias: number },
  x: ArrayLike<number>,
  offset = 0,
): number {
  const f = svm.bias;
  const w = svm.weights;
  let s0 = 0;
  let s1 = 0;
  let k = 0;
  for (; k + 1 < w.length; k += 2) {
    s0 += w[k]! * x[offset + k]!;
    s1 += w[k + 1]! * x[offset + k + 1]!;
  }
  for (; k < w.length; k++) s0 += w[k]! * x[offset + k]!;
  return f + s0 + s1;
}

/** Dot product of rows i and j of `x` (d values each), four accumulators for speed. */
function rowDot(x: Float32Array, i: number, j: number, d: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const a = i * d;
  const b = j * d;
  let k = 0;
  for (; k + 3 < d; k += 4) {
    s0 += x[a + k]! * x[b + k]!;
    s1 += x[a + k + 1]! * x[b + k + 1]!;
    s2 += x[a + k + 2]! * x[b + k + 2]!;
    s3 += x[a + k + 3]! * x[b + k + 3]!;
  }
  for (; k < d; k++) s0 += x[a + k]! * x[b + k]!;
  return s0 + s1 + s2 + s3;
}

/**
 * The kernel matrix of the rows with the bias feature included: K[i·n + j] = x_i·x_j + 1. One matrix serves
 * every class, fold and cost of a training, which is what makes the kernel form pay off.
 */
export function gramMatrix(x: Float32Array, n: number, d: number): Float64Array {
  const k = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const v = rowDot(x, i, j, d) + 1;
      k[i * n + j] = v;
      k[j * n + i] = v;
    }
  }
  return k;
}

/**
 * The same dual coordinate descent as `trainBinarySvm`, on the rows `rows` of a kernel matrix `gram` (n × n)
 * instead of on features: w·x_i is Σ α_j y_j K_ij over the support vectors only, so a pass costs
 * O(rows × support vectors) rather than O(rows × d). Returns α for each of `rows`.
 */
export function solveDualOnGram(
  gram: Float64Array,
  n: number,
  rows: Int32Array,
  y: Int8Array,
  options: BinarySvmOptions = {},
): { alpha: Float64Array; passes: number } {
  const C = options.C ?? 1;
  const tolerance = options.tolerance ?? 1e-3;
  const maxPasses = options.maxPasses ?? 1000;
  const random = seededRandom(options.seed ?? 1);
  const m = rows.length;
  const diag = 1 / (2 * C);
  const alpha = new Float64Array(m);
  // Support vectors (α > 0) as a dense list with positions, for O(1) insertion and removal.
  const sv = new Int32Array(m);
  const where = new Int32Array(m).fill(-1);
  let svCount = 0;
  let active = Array.from({ length: m }, (_, i) => i);
  let pgMaxOld = Infinity;
  let passes = 0;
  while (passes < maxPasses) {
    passes++;
    shuffleInPlace(active, random);
    let pgMax = -Infinity;
    let pgMin = Infinity;
    const kept: number[] = [];
    for (const i of active) {
      const row = rows[i]! * n;
      let f = 0;
      for (let s = 0; s < svCount; s++) {
        const j = sv[s]!;
        f += alpha[j]! * y[j]! * gram[row + rows[j]!]!;
      }
      const yi = y[i]!;
      const g = yi * f - 1 + diag * alpha[i]!;
      let pg = g;
      if (alpha[i] === 0) {
        if (g > pgMaxOld) continue;
        if (g > 0) pg = 0;
      }
      kept.push(i);
      if (pg > pgMax) pgMax = pg;
      if (pg < pgMin) pgMin = pg;
      if (Math.abs(pg) > 1e-12) {
        const qd = gram[row + rows[i]!]! + diag;
        const next = Math.max(alpha[i]! - g / qd, 0);
        if (next > 0 && where[i] === -1) {
          where[i] = svCount;
          sv[svCount++] = i;
        } else if (next === 0 && where[i] !== -1) {
          const at = where[i]!;
          const last = sv[--svCount]!;
          sv[at] = last;
          where[last] = at;
          where[i] = -1;
        }
        alpha[i] = next;
      }
    }
    active = kept;
    if (pgMax - pgMin <= tolerance || active.length === 0) {
      if (active.length === m) break;
      active = Array.from({ length: m }, (_, i) => i);
      pgMaxOld = Infinity;
      continue;
    }
    pgMaxOld = pgMax <= 0 ? Infinity : pgMax;
  }
  return { alpha, passes };
}
