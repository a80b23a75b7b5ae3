// Aggregate statistics as lm-evaluation-harness reports them, and McNemar's exact test.

/** Arithmetic mean (NaN for no values, where the harness would divide by zero). */
export function mean(xs: readonly number[]): number {
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}

/** The harness's mean_stderr: sample standard deviation (ddof = 1) / √n; 0 for n ≤ 1. */
export function sampleStderr(xs: readonly number[]): number {
  const n = xs.length;
  if (n <= 1) return 0;
  const mu = mean(xs);
  const variance = xs.reduce((s, x) => s + (x - mu) ** 2, 0) / (n - 1);
  return Math.sqrt(variance / n);
}

/**
 * Two-sided exact binomial test with p = ½, as McNemar's exact test on the discordant pairs
 * b and c: min(1, 2·Σ_{k ≤ min(b,c)} C(b+c, k)·2^-(b+c)). Summed in log space relative to the
 * largest term, so n in the thousands neither overflows C(n, k) nor underflows 2^-n early.
 */
export function exactBinomialTwoSided(b: number, c: number): number {
  if (!Number.isInteger(b) || !Number.isInteger(c) || b < 0 || c < 0) throw new RangeError(`counts must be non-negative integers, got ${b} and ${c}`);
  const n = b + c;
  if (n === 0) return 1;
  const k = Math.min(b, c);
  const logTerms = [0]; // log C(n, 0)
  for (let i = 1; i <= k; i++) logTerms.push(logTerms[i - 1] + Math.log((n - i + 1) / i));
  const top = logTerms[k]; // C(n, i) grows with i while i ≤ n/2
  const scaled = logTerms.reduce((s, t) => s + Math.exp(t - top), 0);
  return Math.min(1, 2 * Math.exp(top + Math.log(scaled) - n * Math.LN2));
}
