import { trainBinarySvmOnWorkingSet } from '../../src/classifier/svm';
import { seededRandom } from '../../src/classifier/random';
const d = 1024,
  random = seededRandom(42);
const unit = (v: Float32Array) => {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
};
const ru = () => unit(Float32Array.from({ length: d }, () => random() * 2 - 1));
const mix = (a: Float32Array, wa: number, b: Float32Array, wb: number) => unit(a.map((v, k) => v * wa + b[k]! * wb));
const common = ru();
const S = 1000,
  P = 20;
const x = new Float32Array(S * P * d);
const lab: number[] = [];
const cents: Float32Array[] = [];
for (let s = 0; s < S; s++) {
  const c = mix(common, 0.75, ru(), Math.sqrt(1 - 0.5625));
  cents.push(c);
  for (let p = 0; p < P; p++) {
    x.set(mix(c, 0.84, ru(), Math.sqrt(1 - 0.84 ** 2)), (s * P + p) * d);
    lab.push(s);
  }
}
const n = S * P;
for (const cls of [0, 1]) {
  const y = Int8Array.from(lab, (l) => (l === cls ? 1 : -1));
  const sims = lab.map((_, r) => {
    let s = 0;
    for (let k = 0; k < d; k++) s += x[r * d + k]! * cents[cls]![k]!;
    return s;
  });
  const neg = lab
    .map((l, i) => i)
    .filter((i) => lab[i] !== cls)
    .sort((p, q) => sims[q]! - sims[p]!);
  for (const K of [100, 800, 1600, 3000]) {
    const start = lab
      .map((l, i) => i)
      .filter((i) => lab[i] === cls)
      .concat(neg.slice(0, K));
    const t = performance.now();
    const b = trainBinarySvmOnWorkingSet(x, n, d, y, start, { C: 0.1, tolerance: 0.1 });
    console.log(
      cls,
      K,
      (performance.now() - t).toFixed(0),
      'ms passes',
      b.passes,
      'sv',
      b.alpha.filter((v) => v > 0).length,
    );
  }
}
