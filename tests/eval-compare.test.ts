// Paired run comparison and McNemar's exact test, against hand-computed values.
import { describe, expect, it } from 'vitest';
import { compareRuns, type SampleOutcome } from '../src/lib/eval/compare';
import { exactBinomialTwoSided } from '../src/lib/eval/stats';

/** Σ_{k ≤ min(b,c)} C(b+c, k) in exact integers. */
function tailCount(b: number, c: number): bigint {
  const n = BigInt(b + c);
  let term = 1n;
  let sum = 1n;
  for (let k = 1n; k <= BigInt(Math.min(b, c)); k++) {
    term = (term * (n - k + 1n)) / k;
    sum += term;
  }
  return sum;
}

describe('exactBinomialTwoSided (McNemar exact)', () => {
  it('matches hand-computed values', () => {
    expect(exactBinomialTwoSided(0, 5)).toBeCloseTo(0.0625, 15); // 2·1/32
    expect(exactBinomialTwoSided(5, 0)).toBeCloseTo(0.0625, 15);
    expect(exactBinomialTwoSided(1, 1)).toBe(1); // 2·(1+2)/4 = 1.5, capped
    expect(exactBinomialTwoSided(10, 2)).toBeCloseTo((2 * (1 + 12 + 66)) / 4096, 15); // 0.03857…
    expect(exactBinomialTwoSided(2, 10)).toBeCloseTo(0.03857421875, 15);
    expect(exactBinomialTwoSided(0, 1)).toBe(1); // 2·1/2
    expect(exactBinomialTwoSided(0, 0)).toBe(1);
  });

  it('agrees with exact integer arithmetic for n in the thousands', () => {
    for (const [b, c] of [[40, 60], [1450, 1550], [1400, 1600], [900, 1100]]) {
      const n = b + c;
      // 2·tail/2^n as a 1e30-scaled integer ratio, then to a float.
      const exact = Number((2n * tailCount(b, c) * 10n ** 30n) / 2n ** BigInt(n)) / 1e30;
      expect(exactBinomialTwoSided(b, c)).toBeCloseTo(exact, 12);
      expect(exactBinomialTwoSided(b, c) / exact).toBeCloseTo(1, 9);
    }
  });

  it('is 1 for balanced counts and underflows to 0, not NaN, for extreme ones', () => {
    expect(exactBinomialTwoSided(2000, 2000)).toBe(1);
    expect(exactBinomialTwoSided(0, 3000)).toBe(0); // 2^-2999 is below the smallest double
  });

  it('rejects counts that are not non-negative integers', () => {
    expect(() => exactBinomialTwoSided(-1, 2)).toThrow(RangeError);
    expect(() => exactBinomialTwoSided(1.5, 2)).toThrow(RangeError);
  });
});

describe('compareRuns', () => {
  const run = (correct: (0 | 1)[], ids: (string | number)[] = correct.map((_, i) => i)): SampleOutcome[] =>
    correct.map((c, i) => ({ id: ids[i], correct: c }));

  it('pairs by id, whatever the order, and counts flips', () => {
    const a = run([1, 0, 0, 1, 0, 1]);
    // B in reverse order: B's correctness by id is 0→1, 1→1, 2→1, 3→0, 4→0, 5→1.
    const b = run([1, 0, 0, 1, 1, 1], [5, 4, 3, 2, 1, 0]);
    const r = compareRuns(a, b);
    expect(r.n).toBe(6);
    expect(r.accuracyA).toBeCloseTo(3 / 6, 15);
    expect(r.accuracyB).toBeCloseTo(4 / 6, 15);
    expect(r.difference).toBeCloseTo(1 / 6, 15);
    expect(r.flippedToRight).toEqual([1, 2]); // A wrong, B right
    expect(r.flippedToWrong).toEqual([3]); // A right, B wrong
    expect(r.bOnlyRight).toBe(2);
    expect(r.aOnlyRight).toBe(1);
    expect(r.pValue).toBe(1); // 2·(1+3)/8 = 1, capped
  });

  it('gives the McNemar p of the discordant pairs', () => {
    // 5 items flipped right, none wrong, 3 unchanged: p = 2/32.
    const a = run([0, 0, 0, 0, 0, 1, 1, 0], ['q1', 'q2', 'q3', 'q4', 'q5', 'q6', 'q7', 'q8']);
    const b = run([1, 1, 1, 1, 1, 1, 1, 0], ['q1', 'q2', 'q3', 'q4', 'q5', 'q6', 'q7', 'q8']);
    const r = compareRuns(a, b);
    expect(r.pValue).toBeCloseTo(0.0625, 15);
    expect(r.flippedToRight).toEqual(['q1', 'q2', 'q3', 'q4', 'q5']);
    expect(r.flippedToWrong).toEqual([]);
    expect(r.difference).toBeCloseTo(5 / 8, 15);
  });

  it('lists the ids missing on either side', () => {
    expect(() => compareRuns(run([1, 0, 1], [1, 2, 3]), run([1, 0, 1], [2, 3, 4]))).toThrow(
      /1 missing from run B: 1; 1 missing from run A: 4/,
    );
    expect(() => compareRuns(run([1, 1]), run([1]))).toThrow(/missing from run B: 1$/);
    // A number id and its string are different items.
    expect(() => compareRuns(run([1], [7]), run([1], ['7']))).toThrow(/run B: 7; .* run A: "7"/);
  });

  it('rejects duplicate ids and empty runs', () => {
    expect(() => compareRuns(run([1, 0], [1, 1]), run([1, 0]))).toThrow(/run A has id 1 twice/);
    expect(() => compareRuns([], [])).toThrow(/no samples/);
  });
});
