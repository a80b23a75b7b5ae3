// The strategies on the synthetic teacher's own output, the app's default data: every record
// builds under every strategy, and the summary keeps each right step and drops the caught mistake.
import { describe, expect, it } from 'vitest';
import { normalizeRecord } from '../src/lib/data/records';
import { buildExample } from '../src/lib/data/strategies';
import { synthDataset, synthProblems } from '../src/lib/data/synth';
import { STRATEGIES } from '../src/lib/data/types';

const OPTS = { n: 300, seed: 5 };
const records = synthDataset(OPTS);
const problems = synthProblems(OPTS);
const SYMBOL = { '+': '+', '-': '-', '*': '×', '/': '÷' } as const;

function built(i: number, strategy: (typeof STRATEGIES)[number]) {
  const n = normalizeRecord(records[i] as unknown as Record<string, unknown>, i + 1);
  if (!n.ok) throw new Error(n.reason);
  const b = buildExample(n.record, strategy);
  if (!b.ok) throw new Error(`record ${i + 1}, ${strategy}: ${b.reason}`);
  return b.example.completion;
}

describe('strategies on synthetic data', () => {
  it('every record builds under every strategy, in the expected length order', () => {
    records.forEach((r, i) => {
      const [original, answer, summary, full] = STRATEGIES.map((s) => built(i, s));
      expect(original).toBe(r.answer);
      expect(r.generation.endsWith(answer)).toBe(true);
      expect(answer).not.toMatch(/<\/?think>|Wait|Hmm/);
      expect(summary.endsWith(`\n\n${answer}`)).toBe(true);
      expect(summary.length).toBeLessThan(full.length);
      expect(full).toBe(r.generation);
    });
  });

  it('the summary keeps every right step and drops the caught mistake and the hesitation', () => {
    records.forEach((r, i) => {
      const summary = built(i, 'think-summary').split('\n\n')[0];
      for (const s of problems[i].steps) expect(summary, `record ${i + 1}`).toContain(`${s.a} ${SYMBOL[s.op]} ${s.b} = ${s.result}`);
      const mistake = /([^.\n]*?\d+ [-+×÷] \d+ = \d+)\. Wait, that's not right/.exec(r.generation)![1];
      const wrongEquation = /\d+ [-+×÷] \d+ = \d+/.exec(mistake)![0];
      // As a whole number: the wrong "18 - 7 = 1" must not match the right "18 - 7 = 11".
      const escaped = wrongEquation.replace(/[-+×÷]/g, (c) => `\\${c}`);
      expect(summary, `record ${i + 1}`).not.toMatch(new RegExp(`${escaped}(?!\\d)`));
      expect(summary).not.toMatch(/Wait|Hmm|Check:|slipped|Yes\./);
    });
  });
});
