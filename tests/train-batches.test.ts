// Length-grouped micro-batches: every example once per epoch, far less padding than a plain
// shuffle, and an order that is a pure function of (seed, epoch), which exact resume relies on.
import { describe, expect, it } from 'vitest';
import type { TokenizedExample } from '../src/lib/data/tokenize';
import { epochSteps, LENGTH_GROUP_BATCHES, trainRows, type MicroBatch } from '../src/lib/train/batches';
import { trainConfig } from '../src/lib/train/config';
import { Rng } from '../models/random';

/** Examples of lengths 10–300 in file order, as mixed as a think-summary set's. */
function examples(count: number): TokenizedExample[] {
  const rng = new Rng(3);
  return Array.from({ length: count }, (_, line) => {
    const n = 10 + Math.floor(rng.next() * 291);
    return { line, ids: new Array(n).fill(5), mask: new Array(n).fill(1), promptTokens: 0, completionTokens: n, truncated: false };
  });
}

const lines = (steps: MicroBatch[][]) => steps.flat().flatMap((b) => b.rows.flatMap((r) => r.lines));
const padded = (steps: MicroBatch[][]) => steps.flat().reduce((n, b) => n + b.rows.length * b.length, 0);
const real = (steps: MicroBatch[][]) => steps.flat().reduce((n, b) => n + b.tokens, 0);

describe('length-grouped batches', () => {
  const rows = trainRows(examples(1000), { packing: false, maxLength: 512 });
  // Padded rows: padding-free batches have none to save.
  const plain = trainConfig({ batchSize: 8, seed: 4, paddingFree: false });
  const grouped = trainConfig({ ...plain, groupByLength: true });

  it('hold every example once per epoch, in batches of batchSize', () => {
    for (const epoch of [0, 1]) {
      const steps = epochSteps(rows, grouped, epoch);
      expect(lines(steps).sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
      expect(steps.flat().map((b) => b.rows.length)).toEqual(expect.arrayContaining([8]));
      expect(steps.flat().every((b) => b.rows.length <= 8)).toBe(true);
    }
  });

  it('pad far less than a plain shuffle of the same rows', () => {
    const plainSteps = epochSteps(rows, plain, 0);
    const groupedSteps = epochSteps(rows, grouped, 0);
    expect(real(groupedSteps)).toBe(real(plainSteps));
    const plainWaste = 1 - real(plainSteps) / padded(plainSteps);
    const groupedWaste = 1 - real(groupedSteps) / padded(groupedSteps);
    expect(plainWaste).toBeGreaterThan(0.3);
    expect(groupedWaste).toBeLessThan(0.03);
  });

  it('are the same for the same (seed, epoch), differ across epochs and seeds, and mix long and short steps', () => {
    const order = (c = grouped, epoch = 0) => lines(epochSteps(rows, c, epoch));
    expect(order()).toEqual(order());
    expect(order(grouped, 1)).not.toEqual(order());
    expect(order(trainConfig({ ...grouped, seed: 5 }))).not.toEqual(order());
    // Batches are shuffled after grouping: the first group's batches are not all first.
    const lengths = epochSteps(rows, grouped, 0).map((s) => s[0].length);
    const firstGroup = lengths.slice(0, LENGTH_GROUP_BATCHES);
    expect(firstGroup.some((l, i) => i > 0 && l > firstGroup[i - 1])).toBe(true);
  });

  it('keep a token budget per micro-batch when batchTokens is set', () => {
    const budget = trainConfig({ batchTokens: 1024, maxLength: 512, seed: 4, groupByLength: true, paddingFree: false });
    const steps = epochSteps(rows, budget, 0);
    expect(steps.flat().every((b) => b.rows.length * b.length <= 1024)).toBe(true);
    expect(lines(steps)).toHaveLength(1000);
  });
});

describe('padding-free micro-batches', () => {
  it('lay the same examples end to end in one row: no padding, a segment and a length per example, the same trained tokens', () => {
    for (const packing of [false, true]) {
      const rows = trainRows(examples(200), { packing, maxLength: 512 });
      const c = trainConfig({ batchSize: 4, seed: 4, packing });
      const flat = epochSteps(rows, c, 0).flat();
      const padded = epochSteps(rows, { ...c, paddingFree: false }, 0).flat();
      expect(flat.map((b) => b.rows.flatMap((r) => r.lines))).toEqual(padded.map((b) => b.rows.flatMap((r) => r.lines)));
      flat.forEach((b, i) => {
        const [row] = b.rows;
        expect(b.rows).toHaveLength(1);
        expect(row.ids).toHaveLength(padded[i].tokens);
        expect(row.segments).not.toContain(0);
        // One run of one segment id per example, ids never reused, positions restarting at 0.
        expect(b.sequenceLengths).toHaveLength(row.lines.length);
        expect(new Set(row.segments).size).toBe(row.lines.length);
        let start = 0;
        for (const length of b.sequenceLengths!) {
          expect(row.positions.slice(start, start + length)).toEqual(Array.from({ length }, (_, t) => t));
          expect(new Set(row.segments.slice(start, start + length)).size).toBe(1);
          start += length;
        }
        expect(start).toBe(b.tokens);
        expect(b.targets.targets).toEqual(padded[i].targets.targets);
      });
    }
  });
});
