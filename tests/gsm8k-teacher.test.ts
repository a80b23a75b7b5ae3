// GSM8K's training items written as the synthetic teacher writes (src/lib/data/gsm8k-teacher.ts):
// the concise lines state each calculation exactly, the human solution stays the `original`, and no
// item that states a held-out tuple gets through.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EXPERIMENT_PLAN } from '../scripts/experiment-plan';
import { gsm8kRecord, gsm8kTeacher, withoutThousands } from '../src/lib/data/gsm8k-teacher';
import { buildExample } from '../src/lib/data/strategies';
import { normalizeRecord } from '../src/lib/data/records';
import { containsHeldOut, isHeldOut } from '../src/lib/data/synth/held-out';
import { sharedPath, skipUnlessShared } from './helpers/shared';

const NATALIA = {
  question: 'Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May. How many clips did Natalia sell altogether in April and May?',
  answer: 'Natalia sold 48/2 = <<48/2=24>>24 clips in May.\nNatalia sold 48+24 = <<48+24=72>>72 clips altogether in April and May.\n#### 72',
};

/** Two numbers whose pair is held out, and two whose pair is not. */
const pairs = Array.from({ length: 400 }, (_, i) => [11 + (i % 20), 31 + Math.floor(i / 20)]);
const heldPair = pairs.find(([a, b]) => isHeldOut(`${a} ${b}`))!;
const freePair = pairs.find(([a, b]) => !isHeldOut(`${a} ${b}`) && !isHeldOut(`${a} ${b} ${a + b}`))!;
const addition = ([a, b]: number[]) => ({
  question: `Ana has ${a} shells. She finds ${b} more. How many shells does Ana have now?`,
  answer: `Ana has ${a}+${b} = <<${a}+${b}=${a + b}>>${a + b} shells now.\n#### ${a + b}`,
});

describe('GSM8K items as the synthetic teacher writes them', () => {
  it('writes one concise line per calculation, with the words after its result, under the solution as reasoning', () => {
    const r = gsm8kRecord(NATALIA, 0, 2);
    expect(r).toEqual({
      question: NATALIA.question,
      answer: NATALIA.answer,
      generation:
        '<think>\nNatalia sold 48/2 = 24 clips in May.\nNatalia sold 48+24 = 72 clips altogether in April and May.\n</think>\n\n' +
        '48 ÷ 2 = 24 clips in May.\n48 + 24 = 72 clips altogether in April and May.\nThe answer is 72.\n#### 72',
      difficulty: 2,
      template: 'gsm8k-train',
      id: 'gsm8k-train-0',
    });
  });

  it('leaves out what the concise lines cannot state, and items of more calculations than asked', () => {
    const item = (answer: string) => ({ question: 'Q?', answer });
    expect(gsm8kRecord(item('So 100-50-30 = <<100-50-30=20>>20 left.\n#### 20'), 0, 3)).toBe('format');
    expect(gsm8kRecord(item('He earns 12/60 = $<<12/60=0.2>>0.2 a minute.\n#### 0.2'), 0, 3)).toBe('format');
    expect(gsm8kRecord(item('No calculation here.\n#### 5'), 0, 3)).toBe('calculations');
    expect(gsm8kRecord(NATALIA, 0, 1)).toBe('calculations');
    // The answer must be the last result: "#### 3" after a calculation of 24 is not a line we can write.
    expect(gsm8kRecord(item('It is 48/2 = <<48/2=24>>24, then a third of that by hand.\n#### 8'), 0, 3)).toBe('format');
    // "4S people" and "20%" are no words to set beside a bare number.
    const monster = gsm8kRecord(item('It had 2 * 2S = <<2*2=4>>4S people.\n#### 4'), 0, 3);
    expect(typeof monster === 'object' && monster.generation.endsWith('\n\n2 × 2 = 4.\nThe answer is 4.\n#### 4')).toBe(true);
  });

  it('leaves out an item whose question or calculation states a held-out tuple, "1,234" read as 1234', () => {
    expect(typeof gsm8kRecord(addition(freePair), 0, 2)).toBe('object');
    expect(gsm8kRecord(addition(heldPair), 0, 2)).toBe('held out');
    // The question alone states the tuple (its calculation does not): read as a reader reads it.
    const big = Array.from({ length: 2000 }, (_, i) => [1000 + i, 17]).find(([n, b]) => isHeldOut(`${n} ${b}`) && !isHeldOut(`${n.toLocaleString('en-US')} ${b}`))!;
    const [n, b] = big;
    const item = { question: `A farm has ${n.toLocaleString('en-US')} hens. It buys ${b} more. How many hens now?`, answer: 'Say 2+3 = <<2+3=5>>5.\n#### 5' };
    expect(isHeldOut('2 3')).toBe(false);
    expect(gsm8kRecord(item, 0, 2)).toBe('held out');
  });

  it("on GSM8K's training split, as the experiment reads it: every kept record trains under each strategy, its lines true, its answer the gold", (ctx) => {
    skipUnlessShared(ctx, 'data', 'gsm8k', 'train.jsonl');
    const items = readFileSync(sharedPath('data', 'gsm8k', 'train.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const { records, skipped } = gsm8kTeacher(items, { maxCalculations: EXPERIMENT_PLAN.gsm8kTrain.maxCalculations });
    expect(records.length + skipped.calculations + skipped.format + skipped['held out']).toBe(items.length);
    // The experiment trains on every item its settings keep: its plan counts them.
    expect(records).toHaveLength(EXPERIMENT_PLAN.gsm8kTrain.items);
    for (const [i, r] of records.entries()) {
      const gold = items[Number(r.id.replace('gsm8k-train-', ''))].answer.split('####')[1].trim().replace(/,/g, '');
      expect(containsHeldOut(withoutThousands(r.question)), r.id).toBe(false);
      // No calculation written anywhere in the record, annotated or not, pairs a held-out tuple.
      for (const m of withoutThousands(`${r.answer}\n${r.generation}`).matchAll(/(\d+)\s*[-+*/x×÷]\s*(\d+)\s*=/g)) expect(isHeldOut(`${m[1]} ${m[2]}`), `${r.id}: ${m[0]}`).toBe(false);
      const lines = r.generation.split('</think>\n\n')[1].split('\n');
      expect(lines.slice(-2), r.id).toEqual([`The answer is ${gold}.`, `#### ${gold}`]);
      for (const line of lines.slice(0, -2)) {
        const [, a, op, b, c] = /^(\d+) ([-+×÷]) (\d+) = (\d+)\b/.exec(line)!;
        const value = op === '+' ? +a + +b : op === '-' ? +a - +b : op === '×' ? +a * +b : +a / +b;
        expect(value, `${r.id}: ${line}`).toBe(+c);
        expect(isHeldOut(`${a} ${b}`), `${r.id}: ${line}`).toBe(false);
      }
      const normalized = normalizeRecord({ ...r }, i + 1);
      expect(normalized.ok, r.id).toBe(true);
      if (!normalized.ok) continue;
      for (const strategy of ['original', 'answer', 'think-summary', 'full'] as const) {
        const built = buildExample(normalized.record, strategy);
        expect(built.ok, `${r.id} ${strategy}`).toBe(true);
        if (built.ok) expect(built.example.completion.endsWith(strategy === 'original' ? r.answer : `#### ${gold}`), `${r.id} ${strategy}`).toBe(true);
      }
    }
  });
});
