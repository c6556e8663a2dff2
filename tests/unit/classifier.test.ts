import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/core/errors';
import {
  deserializeClassifier,
  predict,
  quantile,
  serializeClassifier,
  trainClassifier,
  type TrainingSample,
} from '../../src/classifier';
import { PRIOR_WEIGHT } from '../../src/classifier';
import { fitPlatt, plattProbability } from '../../src/classifier/platt';
import { seededRandom } from '../../src/classifier/random';
import { decisionValue, trainBinarySvm, trainBinarySvmOnWorkingSet } from '../../src/classifier/svm';

describe('trainBinarySvm (dual coordinate descent)', () => {
  it('solves a two-point problem by hand: w = 4C / (1 + 4C), b = 0', () => {
    // min ½(w² + b²) + C Σ max(0, 1 − y(w·x + b))² at x = ±1, y = ±1: by symmetry b = 0 and
    // w − 4C(1 − w) = 0. (The bias is a regularised extra feature, as in LIBLINEAR.)
    for (const C of [0.25, 1, 4]) {
      const svm = trainBinarySvm(Float32Array.from([1, 0, -1, 0]), 2, 2, Int8Array.from([1, -1]), {
        C,
        tolerance: 1e-9,
      });
      expect(svm.weights[0]).toBeCloseTo((4 * C) / (1 + 4 * C), 6);
      expect(svm.weights[1]).toBeCloseTo(0, 9);
      expect(svm.bias).toBeCloseTo(0, 6);
    }
  });

  it('separates two clouds and is deterministic for a seed', () => {
    const random = seededRandom(7);
    const n = 200;
    const d = 5;
    const x = new Float32Array(n * d);
    const y = new Int8Array(n);
    for (let i = 0; i < n; i++) {
      y[i] = i % 2 ? 1 : -1;
      for (let k = 0; k < d; k++) x[i * d + k] = random() - 0.5 + (k === 0 ? y[i]! * 1.5 : 0);
    }
    const a = trainBinarySvm(x, n, d, y, { seed: 3 });
    const b = trainBinarySvm(x, n, d, y, { seed: 3 });
    expect(Array.from(a.weights)).toEqual(Array.from(b.weights));
    let correct = 0;
    for (let i = 0; i < n; i++) if (Math.sign(decisionValue(a, x, i * d)) === y[i]) correct++;
    expect(correct).toBe(n);
  });
});

describe('trainBinarySvmOnWorkingSet', () => {
  it('finds the solution of the full solver from a start that misses support vectors', () => {
    const random = seededRandom(9);
    const n = 400;
    const d = 6;
    const x = new Float32Array(n * d);
    const y = new Int8Array(n);
    for (let i = 0; i < n; i++) {
      y[i] = i < 40 ? 1 : -1;
      for (let k = 0; k < d; k++) x[i * d + k] = random() - 0.5 + (k === 0 ? y[i]! * 0.6 : 0);
    }
    const full = trainBinarySvm(x, n, d, y, { tolerance: 1e-6 });
    // The positives and a handful of negatives: most negatives with α > 0 must join along the way.
    const start = [...Array.from({ length: 40 }, (_, i) => i), 100, 200, 300];
    const ws = trainBinarySvmOnWorkingSet(x, n, d, y, start, { tolerance: 1e-6 });
    const supportFull = full.alpha.filter((a) => a > 0).length;
    expect(supportFull).toBeGreaterThan(start.length);
    for (let k = 0; k < d; k++) expect(ws.weights[k]).toBeCloseTo(full.weights[k]!, 3);
    expect(ws.bias).toBeCloseTo(full.bias, 3);
    for (let i = 0; i < n; i++) expect(ws.alpha[i]! > 1e-4).toBe(full.alpha[i]! > 1e-4);
  });
});

describe('fitPlatt', () => {
  it('gives a falling sigmoid for positives with high decision values, centred for symmetric data', () => {
    const f = [-3, -2, -1.5, -1, -0.2, 0.2, 1, 1.5, 2, 3];
    const pos = f.map((v) => v > 0);
    pos[4] = true; // some overlap keeps the fit finite
    pos[5] = false;
    const p = fitPlatt(f, pos);
    expect(p.A).toBeLessThan(0);
    expect(Math.abs(p.B)).toBeLessThan(0.2);
    expect(plattProbability(p, 3)).toBeGreaterThan(0.8);
    expect(plattProbability(p, -3)).toBeLessThan(0.2);
    expect(plattProbability(p, 0)).toBeCloseTo(1 / (1 + Math.exp(p.B)), 12);
  });
});

describe('quantile', () => {
  it('interpolates between order statistics', () => {
    expect(quantile([4, 1, 3, 2, 5], 0.5)).toBe(3);
    expect(quantile([0, 10], 0.99)).toBeCloseTo(9.9, 12);
  });
});

/** `classes` clusters of unit vectors in `d` dimensions, `per` samples each, plus extra draws for probes. */
function clusters(classes: number, per: number, d: number, seed: number, spread = 0.35) {
  const random = seededRandom(seed);
  const unit = (v: number[]): Float32Array => {
    const n = Math.hypot(...v);
    return Float32Array.from(v, (x) => x / n);
  };
  const centres = Array.from({ length: classes }, () => unit(Array.from({ length: d }, () => random() * 2 - 1)));
  const draw = (c: number): Float32Array => unit(Array.from(centres[c]!, (x) => x + (random() * 2 - 1) * spread));
  const samples: TrainingSample[] = [];
  for (let c = 0; c < classes; c++)
    for (let i = 0; i < per; i++) samples.push({ label: `student-${c}`, embedding: draw(c) });
  return { samples, draw, stranger: () => unit(Array.from({ length: d }, () => random() * 2 - 1)) };
}

describe('trainClassifier and predict', () => {
  const data = clusters(6, 8, 64, 11);
  const model = trainClassifier(data.samples, { modelId: 'test-model', seed: 5 });

  it('recognises new faces of enrolled students with a probability', () => {
    let correct = 0;
    for (let c = 0; c < 6; c++) {
      for (let i = 0; i < 10; i++) {
        const p = predict(model, data.draw(c), 'test-model');
        if (p.label === `student-${c}`) correct++;
        expect(p.probability).toBeGreaterThanOrEqual(0);
        expect(p.probability).toBeLessThanOrEqual(1);
      }
    }
    expect(correct).toBeGreaterThanOrEqual(57);
    expect(model.thresholdSource).toBe('enrolment');
    expect(model.classes).toEqual(['student-0', 'student-1', 'student-2', 'student-3', 'student-4', 'student-5']);
    expect(model.sampleCounts['student-3']).toBe(8);
  });

  it('calls strangers "Unknown"', () => {
    const unknown = Array.from({ length: 50 }, () => predict(model, data.stranger()).label).filter((l) => l === null);
    expect(unknown.length).toBeGreaterThanOrEqual(48);
  });

  it('is deterministic for a seed', () => {
    expect(trainClassifier(data.samples, { modelId: 'test-model', seed: 5 }).weights).toEqual(model.weights);
  });

  it('reports progress up to 1', () => {
    const seen: number[] = [];
    trainClassifier(data.samples, { modelId: 'm', onProgress: (f) => seen.push(f) });
    expect(seen.at(-1)).toBe(1);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
  });

  it('survives a round trip through JSON and refuses another model', () => {
    const back = deserializeClassifier(serializeClassifier(model), { modelId: 'test-model', dimension: 64 });
    const probe = data.draw(2);
    expect(predict(back, probe)).toEqual(predict(model, probe));
    expect(() => deserializeClassifier(serializeClassifier(model), { modelId: 'other', dimension: 64 })).toThrow(
      /train again/,
    );
    expect(() => deserializeClassifier('{"format":"x"}')).toThrow(ValidationError);
    expect(() => deserializeClassifier('not json')).toThrow(/damaged/);
    expect(() => predict(model, probe, 'other')).toThrow(/train again/);
  });

  it('on features (more samples than dimensions), cross-validates a sample of students past the limit', () => {
    const many = clusters(12, 10, 16, 21, 0.25);
    const seen: number[] = [];
    const big = trainClassifier(many.samples, {
      modelId: 'm',
      crossValidationStudents: 4,
      onProgress: (f) => seen.push(f),
    });
    // One Platt scaling, fitted on the sample, serves all twelve.
    expect(new Set(big.platt.map((p) => JSON.stringify(p))).size).toBe(1);
    expect(big.platt[0]!.A).toBeLessThan(0);
    let correct = 0;
    for (let c = 0; c < 12; c++)
      for (let i = 0; i < 5; i++) if (predict(big, many.draw(c)).nearest === `student-${c}`) correct++;
    expect(correct).toBeGreaterThanOrEqual(57);
    expect(seen.at(-1)).toBe(1);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    // Under the limit, each student has a scaling of its own.
    const small = trainClassifier(many.samples, { modelId: 'm' });
    expect(new Set(small.platt.map((p) => JSON.stringify(p))).size).toBe(12);
  });

  it('works on similarity alone with a single student', () => {
    const one = clusters(1, 5, 64, 3, 0.05);
    const single = trainClassifier(one.samples, { modelId: 'm', fallbackThreshold: 0.6 });
    expect(single.thresholdSource).toBe('fallback');
    expect(predict(single, one.draw(0)).label).toBe('student-0');
    expect(predict(single, one.stranger()).label).toBeNull();
  });

  it('says clearly that nobody is enrolled, and rejects broken embeddings', () => {
    expect(() => trainClassifier([], { modelId: 'm' })).toThrow(/Nobody is enrolled/);
    const bad = Float32Array.from({ length: 64 }, () => 0.1);
    bad[7] = NaN;
    expect(() => trainClassifier([...data.samples, { label: 'x', embedding: bad }], { modelId: 'm' })).toThrow(
      ValidationError,
    );
    expect(() =>
      predict(
        model,
        Float32Array.from({ length: 64 }, () => Infinity),
      ),
    ).toThrow(/finite/);
    expect(() => predict(model, new Float32Array(32))).toThrow(/32 values where 64/);
  });
});

describe('open-set thresholds', () => {
  const random = seededRandom(21);
  const d = 48;
  const unit = (v: number[]): Float32Array => {
    const n = Math.hypot(...v);
    return Float32Array.from(v, (x) => x / n);
  };
  const centres = Array.from({ length: 30 }, () => Array.from({ length: d }, () => random() * 2 - 1));
  const photo = (c: number): Float32Array => unit(centres[c]!.map((x) => x + (random() * 2 - 1) * 0.7));
  const classOf = (ids: string[], people: number[]): TrainingSample[] =>
    ids.flatMap((id, i) => Array.from({ length: 5 }, () => ({ label: id, embedding: photo(people[i]!) })));
  const ids = centres.map((_, c) => `SV${String(c).padStart(3, '0')}`);
  const people = centres.map((_, c) => c);

  it('names one person enrolled under two IDs, and keeps the threshold where it was for everyone else', () => {
    const samples = classOf(ids, people);
    // SV501 is SV002 again, enrolled a second time from other photos.
    const again = [...samples, ...classOf(['SV501'], [2])];
    const clean = trainClassifier(samples, { modelId: 'm' });
    const twice = trainClassifier(again, { modelId: 'm' });
    expect(clean.duplicates).toEqual([]);
    expect(twice.duplicates.map((p) => [p.a, p.b])).toEqual([['SV002', 'SV501']]);
    expect(Math.abs(twice.threshold - clean.threshold)).toBeLessThan(0.02);
    // Without the pair left out of each other's impostors (no similarity counts as a duplicate), that one
    // mistake raises the threshold for the whole class, even with the clean class's figure as a prior.
    const naive = trainClassifier(again, {
      modelId: 'm',
      prior: { far1: clean.threshold, far10: clean.maybeThreshold, duplicate: 2 },
    });
    expect(naive.duplicates).toEqual([]);
    expect(naive.threshold).toBeGreaterThan(clean.threshold + 0.03);
    // The rest of the class is still recognised.
    const probes = people
      .filter((c) => c !== 2)
      .flatMap((c) => [0, 1, 2].map(() => ({ c, p: predict(twice, photo(c)) })));
    expect(probes.filter(({ c, p }) => p.label === ids[c]).length / probes.length).toBeGreaterThan(0.8);
  });

  it('combines the enrolment estimate with the model prior, weighted by the impostors each rests on', () => {
    const samples = classOf(ids, people);
    const alone = trainClassifier(samples, { modelId: 'm' });
    const prior = { far1: alone.threshold + 0.2, far10: alone.maybeThreshold + 0.2, duplicate: 0.95 };
    const combined = trainClassifier(samples, { modelId: 'm', prior });
    expect(alone.thresholdSource).toBe('enrolment');
    expect(combined.thresholdSource).toBe('combined');
    expect(combined.thresholdParts).toEqual({ enrolment: alone.threshold, prior: prior.far1 });
    // 150 impostor faces against the prior's 300: two thirds of the way to the prior.
    expect(combined.threshold).toBeCloseTo(alone.threshold + (0.2 * PRIOR_WEIGHT) / (PRIOR_WEIGHT + 150), 6);
    expect(combined.maybeThreshold).toBeLessThan(combined.threshold);
    const single = trainClassifier(classOf(['A'], [0]), { modelId: 'm', prior });
    expect(single).toMatchObject({ thresholdSource: 'prior', threshold: prior.far1 });
  });

  it('reads back a classifier of the previous format without a "maybe" band', () => {
    const s = trainClassifier(classOf(ids.slice(0, 3), people.slice(0, 3)), { modelId: 'm' });
    const old = JSON.parse(serializeClassifier(s)) as Record<string, unknown>;
    old.format = 'face-classifier/1';
    old.thresholdSource = 'leave-one-student-out';
    delete old.maybeThreshold;
    delete old.duplicates;
    delete old.thresholdParts;
    const back = deserializeClassifier(JSON.stringify(old));
    expect(back).toMatchObject({ maybeThreshold: s.threshold, duplicates: [], thresholdSource: 'enrolment' });
  });
});
