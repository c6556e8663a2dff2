/** Small numeric helpers of the classifier: dot products, normalising, quantiles. */

export function dot(a: ArrayLike<number>, b: ArrayLike<number>, bOffset = 0): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k]! * b[bOffset + k]!;
  return s;
}

export function normalised(v: ArrayLike<number>): number[] {
  const n = Math.sqrt(dot(v, v)) || 1;
  return Array.from(v, (x) => x / n);
}

/** Value at quantile q (0..1) of the values, linear between order statistics; NaN for none. */
export function quantile(values: readonly number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const at = (s.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return s[lo]! + (s[hi]! - s[lo]!) * (at - lo);
}
