// The paper's data strategies and the extractive summarizer, on hand-written R1-like records in every
// tag convention and record shape, with property checks over all of them.
import { describe, expect, it } from 'vitest';
import { normalizeRecord } from '../src/lib/data/records';
import type { SplitOptions } from '../src/lib/data/split';
import { buildExample } from '../src/lib/data/strategies';
import { summarizeReasoning } from '../src/lib/data/summarize';
import { STRATEGIES, type DistilledRecord, type StrategyName } from '../src/lib/data/types';

// R1-like traces: hesitation, a wrong turn that gets corrected, a re-check, then a conclusion.
const EGGS = `Okay, so I need to figure out how much Janet makes every day at the farmers' market. Let me start by understanding the problem.

Janet's ducks lay 16 eggs per day. She eats 3 for breakfast and bakes muffins with 4. So 16 - 3 = 14 eggs left after breakfast. Wait, that's not right. 16 - 3 = 13. Then 13 - 4 = 9 eggs to sell.

Hmm, she sells each egg for $2. So 9 * 2 = 18 dollars.

Let me double-check: 3 + 4 = 7 eggs used, and 16 - 7 = 9. Yes, that's correct. 9 * 2 = 18.

So the answer is $18.`;
const EGGS_ANSWER = 'Janet sells 16 - 3 - 4 = 9 eggs a day at $2 each, so she makes 9 * 2 = $18.\n\n\\boxed{18}';
const EGGS_SUMMARY =
  "Janet's ducks lay 16 eggs per day. She eats 3 for breakfast and bakes muffins with 4. 16 - 3 = 13. Then 13 - 4 = 9 eggs to sell. So 9 * 2 = 18 dollars. So the answer is $18.";

const TRAIN = `Okay, let's see. A train travels 120 km in 2 hours, then 180 km in 3 hours. The first leg is 120 / 2 = 60 km/h. The second leg is 180 / 3 = 50 km/h. Wait, no, 180 / 3 = 60. Hmm, both legs are 60 km/h.
Total distance is 120 + 180 = 300 km. Total time is 2 + 3 = 5 hours. So 300 / 5 = 60 km/h.
Let me verify: 60 * 5 = 300. Yes. So the average speed is 60 km/h.`;
const TRAIN_ANSWER = 'Average speed = total distance / total time = 300 / 5 = 60 km/h.\n\nThe final answer is 60.';

const FRACTION = `Alright, I need to find 3/4 of 48. First, 48 / 4 = 12. Then 12 * 3 = 36.
Hold on, let me make sure I read it right: it asks for three quarters. Yes.
Alternatively, 0.75 * 48 = 36. Maybe I should also try 48 - 12 = 36. Actually, that agrees.
So 3/4 of 48 is 36.`;
const FRACTION_ANSWER = '3/4 of 48 is 48 / 4 * 3 = 36.\n\nThe answer is 36.';

const CAPITAL = `Hmm, the user asks for the capital of Australia. Many people think it's Sydney. But wait, Sydney is just the largest city. The capital is Canberra. I think that's right. Let me double-check: Canberra has been the capital since 1913. So the answer is Canberra.`;
const CAPITAL_ANSWER = 'The capital of Australia is Canberra.';

const PRIMES = `The question asks for the sum of the primes below 8. Hmm, primes below 8 are 2, 3, 5, 7. So 2 + 3 + 5 = 10. Wait, I forgot 7. That's a mistake. 2 + 3 + 5 + 7 = 17.
Let me check again: 2 + 3 = 5, 5 + 5 = 10, 10 + 7 = 17. Yes. Therefore the sum is 17.`;

const PRODUCT = `Okay, 6 * 7. Hmm, 6 * 7 = 48? No, that's wrong. 6 * 7 = 42. Let me double-check: 7 + 7 + 7 + 7 + 7 + 7 = 42. So the product is 42.`;

const GSM8K_SOLUTION = 'Janet sells 16 - 3 - 4 = <<16-3-4=9>>9 duck eggs a day.\nShe makes 9 * 2 = $<<9*2=18>>18 every day at the farmer’s market.\n#### 18';
const Q_EGGS = 'Janet’s ducks lay 16 eggs per day. She eats three for breakfast every morning and bakes muffins for her friends every day with four. She sells the remainder at the farmers’ market daily for $2 per fresh duck egg. How much in dollars does she make every day at the farmers’ market?';
const Q_TRAIN = 'A train travels 120 km in 2 hours, then 180 km in 3 hours. What is its average speed?';
const SCRATCH: SplitOptions = { extraTags: [{ reasoning: { open: '<scratch>', close: '</scratch>' }, answer: { open: '<final>', close: '</final>' } }] };

interface Case {
  name: string;
  raw: Record<string, unknown>;
  /** The reasoning and answer the splitter must find (reasoning null: none). */
  reasoning: string | null;
  answer: string;
  opts?: SplitOptions;
}

const CASES: Case[] = [
  {
    name: 'R1 <think> in {prompt, response}',
    raw: { prompt: Q_EGGS, response: `<think>\n${EGGS}\n</think>\n\n${EGGS_ANSWER}` },
    reasoning: EGGS,
    answer: EGGS_ANSWER,
  },
  {
    name: 'R1 without the opening <think>, Alpaca {instruction, input, output}',
    raw: { instruction: 'Solve the problem.', input: Q_TRAIN, output: `${TRAIN}\n</think>\n\n${TRAIN_ANSWER}` },
    reasoning: TRAIN,
    answer: TRAIN_ANSWER,
  },
  {
    name: '<think> + <answer>, synthetic {question, answer, generation}',
    raw: { question: Q_EGGS, answer: GSM8K_SOLUTION, generation: `<think>\n${EGGS}\n</think>\n<answer>\nShe makes $18 a day.\n#### 18\n</answer>` },
    reasoning: EGGS,
    answer: 'She makes $18 a day.\n#### 18',
  },
  {
    name: 'stray tags after </think>, {question, response}',
    raw: { question: Q_EGGS, response: `<think>${EGGS}</think>\n\n${EGGS_ANSWER}</think>\n</answer>` },
    reasoning: EGGS,
    answer: EGGS_ANSWER,
  },
  {
    name: 'Sky-T1 thought/solution, ShareGPT with a system turn',
    raw: {
      conversations: [
        { from: 'system', value: 'Your role as an assistant involves thoroughly exploring questions through a systematic long thinking process.' },
        { from: 'human', value: 'What is 3/4 of 48?' },
        { from: 'gpt', value: `<|begin_of_thought|>\n\n${FRACTION}\n\n<|end_of_thought|>\n\n<|begin_of_solution|>\n\n${FRACTION_ANSWER}\n\n<|end_of_solution|>` },
      ],
    },
    reasoning: FRACTION,
    answer: FRACTION_ANSWER,
  },
  {
    name: 'Marco-o1 Thought/Output, OpenAI messages',
    raw: {
      messages: [
        { role: 'user', content: 'What is the capital of Australia?' },
        { role: 'assistant', content: `<Thought>\n${CAPITAL}\n</Thought>\n<Output>\n${CAPITAL_ANSWER}\n</Output>` },
      ],
    },
    reasoning: CAPITAL,
    answer: CAPITAL_ANSWER,
  },
  {
    name: 'GRPO reasoning/answer, {problem, completion}',
    raw: { problem: 'What is the sum of the primes below 8?', completion: `<reasoning>\n${PRIMES}\n</reasoning>\n<answer>\n17\n</answer>` },
    reasoning: PRIMES,
    answer: '17',
  },
  {
    name: 'user-defined <scratch>/<final>, {prompt, output}',
    raw: { prompt: 'What is 6 times 7?', output: `<scratch>\n${PRODUCT}\n</scratch>\n<final>6 * 7 = 42</final>` },
    reasoning: PRODUCT,
    answer: '6 * 7 = 42',
    opts: SCRATCH,
  },
  {
    name: 'OpenAI messages with reasoning_content',
    raw: {
      messages: [
        { role: 'user', content: Q_TRAIN },
        { role: 'assistant', content: TRAIN_ANSWER, reasoning_content: TRAIN },
      ],
    },
    reasoning: TRAIN,
    answer: TRAIN_ANSWER,
  },
  {
    name: 'OpenAI messages with content parts',
    raw: {
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'What is the capital of Australia?' }] },
        { role: 'assistant', content: [{ type: 'text', text: `<think>\n${CAPITAL}\n</think>\n\n` }, { type: 'text', text: CAPITAL_ANSWER }] },
      ],
    },
    reasoning: CAPITAL,
    answer: CAPITAL_ANSWER,
  },
  {
    name: 'multi-turn OpenAI messages with a system prompt',
    raw: {
      messages: [
        { role: 'system', content: 'You are a careful math tutor.' },
        { role: 'user', content: 'Which numbers below 8 are prime?' },
        { role: 'assistant', content: '2, 3, 5 and 7.' },
        { role: 'user', content: 'What is their sum?' },
        { role: 'assistant', content: `<think>\n${PRIMES}\n</think>\n\nThe sum is 2 + 3 + 5 + 7 = 17.` },
      ],
    },
    reasoning: PRIMES,
    answer: 'The sum is 2 + 3 + 5 + 7 = 17.',
  },
  {
    name: 'GSM8K {question, answer}: no reasoning',
    raw: { question: Q_EGGS, answer: GSM8K_SOLUTION },
    reasoning: null,
    answer: GSM8K_SOLUTION,
  },
];

const TAG = /<\/?(think|answer|reasoning|Thought|Output|scratch|final)>|<\|(begin|end)_of_(thought|solution)\|>/;

function recordOf(c: Case): DistilledRecord {
  const result = normalizeRecord(c.raw, 1);
  if (!result.ok) throw new Error(result.reason);
  return result.record;
}

function completion(record: DistilledRecord, strategy: StrategyName, opts?: SplitOptions): string {
  const built = buildExample(record, strategy, opts);
  if (!built.ok) throw new Error(built.reason);
  return built.example.completion;
}

const sentencesOf = (text: string) => text.split(/(?<=[.!?])\s+|\n+/).filter((s) => s.trim().length > 0);

describe.each(CASES)('$name', (c) => {
  const record = recordOf(c);

  it('original: the dataset’s own response, unchanged', () => {
    expect(completion(record, 'original', c.opts)).toBe(typeof c.raw.answer === 'string' ? c.raw.answer : record.response);
  });

  it('answer: the answer only, no reasoning text and no tag left', () => {
    const text = completion(record, 'answer', c.opts);
    expect(text).toBe(c.answer);
    expect(text).not.toMatch(TAG);
    for (const sentence of sentencesOf(c.reasoning ?? '')) {
      if (!c.answer.includes(sentence)) expect(text).not.toContain(sentence);
    }
  });

  if (c.reasoning === null) {
    it('think-summary and full skip: there is no reasoning', () => {
      expect(buildExample(record, 'think-summary')).toEqual({ ok: false, reason: 'no reasoning to summarize' });
      expect(buildExample(record, 'full')).toEqual({ ok: false, reason: 'no reasoning to keep' });
    });
    return;
  }
  const reasoning = c.reasoning;

  it('full: all of the reasoning, in <think> whatever the source convention', () => {
    const text = completion(record, 'full', c.opts);
    expect(text).toBe(`<think>\n${reasoning}\n</think>\n\n${c.answer}`);
    for (const sentence of sentencesOf(reasoning)) expect(text).toContain(sentence);
  });

  it('think-summary: longer than answer, shorter than full, ending with the answer unchanged', () => {
    const text = completion(record, 'think-summary', c.opts);
    expect(text.endsWith(`\n\n${c.answer}`)).toBe(true);
    expect(text.length).toBeGreaterThan(completion(record, 'answer', c.opts).length);
    expect(text.length).toBeLessThan(completion(record, 'full', c.opts).length);
    expect(text).not.toMatch(TAG);
  });

  it('the summary drops hesitation and is deterministic', () => {
    const summary = summarizeReasoning(reasoning);
    expect(summary).toBe(summarizeReasoning(reasoning));
    expect(summary.length).toBeGreaterThan(0);
    expect(summary.length).toBeLessThanOrEqual(600);
    expect(summary).not.toMatch(/\b(Wait|Hmm|Let me (check|double-check|verify)|Alternatively|Maybe|I think|Hold on)\b/);
  });

  it('parts give the reasoning and the answer, for token-length statistics', () => {
    const built = buildExample(record, 'full', c.opts);
    expect(built.ok && built.example.parts).toEqual({ reasoning, answer: c.answer });
  });
});

describe('summarizeReasoning', () => {
  it('keeps facts, computations and the conclusion of an R1 trace, dropping the rest', () => {
    expect(summarizeReasoning(EGGS)).toBe(EGGS_SUMMARY);
  });

  it('drops the wrong computation a "Wait" sentence corrects, and keeps the corrected one', () => {
    const summary = summarizeReasoning('So 16 - 3 = 14. Wait, that\'s not right. 16 - 3 = 13.');
    expect(summary).toBe('16 - 3 = 13.');
  });

  it('keeps a correction stated inside the "Wait" sentence ("Wait, no, 180 / 3 = 60.")', () => {
    expect(summarizeReasoning(TRAIN)).toBe(
      'A train travels 120 km in 2 hours, then 180 km in 3 hours. The first leg is 120 / 2 = 60 km/h. 180 / 3 = 60. ' +
        'Total distance is 120 + 180 = 300 km. Total time is 2 + 3 = 5 hours. So 300 / 5 = 60 km/h. So the average speed is 60 km/h.',
    );
  });

  it('drops an earlier result for the same computation even without an apology', () => {
    expect(summarizeReasoning('So 9 * 2 = 16 dollars. Actually, 9 * 2 = 18 dollars.')).toBe('9 * 2 = 18 dollars.');
  });

  it('a retraction takes back the latest claim and what followed it', () => {
    expect(summarizeReasoning(PRIMES)).toBe('2 + 3 + 5 + 7 = 17. Therefore the sum is 17.');
  });

  it('keeps a repeated computation once, the first time, whatever the operator spelling', () => {
    expect(summarizeReasoning('Then 9 × 2 = 18.\n9 * 2 = 18.\nSo 9 \\times 2 = 18 again. So she makes 18.')).toBe('Then 9 × 2 = 18. So she makes 18.');
  });

  it('drops questions, speculation, alternatives and confirmations', () => {
    const text = 'Is 48 / 4 = 12? Maybe 48 / 4 = 13. Alternatively, 0.75 * 48 = 36. I think 12 * 3 = 36. Check: 12 * 3 = 36. Yes, that\'s right. Correct. 12 * 3 = 36.';
    expect(summarizeReasoning(text)).toBe('12 * 3 = 36.');
  });

  it('keeps bare computation lines on their own line', () => {
    expect(summarizeReasoning('16 - 3 = 13\n13 - 4 = 9\nHmm.\nSo the answer is 18.')).toBe('16 - 3 = 13\n13 - 4 = 9\nSo the answer is 18.');
  });

  it('returns nothing when the trace is only hesitation', () => {
    expect(summarizeReasoning('Hmm. Wait. Let me think about this. Okay, so what do we know?')).toBe('');
  });

  it.each([40, 60, 80, 120, 200, 600])('fits a budget of %i characters, keeping the conclusion first', (maxChars) => {
    for (const reasoning of [EGGS, TRAIN, FRACTION, CAPITAL, PRIMES, PRODUCT]) {
      const summary = summarizeReasoning(reasoning, { maxChars });
      expect(summary.length).toBeLessThanOrEqual(maxChars);
    }
    expect(summarizeReasoning(EGGS, { maxChars })).toContain('So the answer is $18.');
  });

  it('under a tight budget prefers conclusions, then the latest computations that still fit, in reading order', () => {
    expect(summarizeReasoning(EGGS, { maxChars: 60 })).toBe('16 - 3 = 13. So 9 * 2 = 18 dollars. So the answer is $18.');
    expect(summarizeReasoning(EGGS, { maxSentences: 3 })).toBe('Then 13 - 4 = 9 eggs to sell. So 9 * 2 = 18 dollars. So the answer is $18.');
  });
});

describe('buildExample', () => {
  const record = (response: string, extra: Partial<DistilledRecord> = {}): DistilledRecord => ({
    line: 3,
    context: [{ role: 'user', content: Q_EGGS }],
    response,
    ...extra,
  });

  it('keeps the line and the context', () => {
    for (const strategy of STRATEGIES) {
      const built = buildExample(record(`<think>${EGGS}</think>${EGGS_ANSWER}`), strategy);
      expect(built).toMatchObject({ ok: true, example: { line: 3, context: [{ role: 'user', content: Q_EGGS }] } });
    }
  });

  it('original: the reference response when the dataset has one, else the teacher’s, with its parts', () => {
    const response = `<think>${EGGS}</think>${EGGS_ANSWER}`;
    expect(buildExample(record(response, { original: GSM8K_SOLUTION }), 'original')).toMatchObject({ ok: true, example: { completion: GSM8K_SOLUTION, parts: {} } });
    expect(buildExample(record(response), 'original')).toMatchObject({ ok: true, example: { completion: response, parts: { reasoning: EGGS, answer: EGGS_ANSWER } } });
  });

  it('original keeps even a response that does not split', () => {
    const cut = `<think>${EGGS}`;
    expect(buildExample(record(cut), 'original')).toMatchObject({ ok: true, example: { completion: cut, parts: {} } });
  });

  it.each(['answer', 'think-summary', 'full'] as const)('%s skips with the splitter’s reason', (strategy) => {
    expect(buildExample(record(`<think>${EGGS}`), strategy)).toEqual({ ok: false, reason: '<think> is never closed: the response was probably cut off' });
    expect(buildExample(record(`<think>${EGGS}</think>\n`), strategy)).toEqual({ ok: false, reason: 'empty answer after </think>' });
  });

  it('think-summary uses a ready-made summary, even without the reasoning', () => {
    const built = buildExample(record(EGGS_ANSWER, { summary: 'She sells 9 eggs at $2.' }), 'think-summary');
    expect(built).toMatchObject({ ok: true, example: { completion: `She sells 9 eggs at $2.\n\n${EGGS_ANSWER}`, parts: { reasoning: 'She sells 9 eggs at $2.', answer: EGGS_ANSWER } } });
  });

  it('think-summary passes the budget on to the summarizer', () => {
    const built = buildExample(record(`<think>${EGGS}</think>${EGGS_ANSWER}`), 'think-summary', { maxChars: 60 });
    expect(built.ok && built.example.completion).toBe(`16 - 3 = 13. So 9 * 2 = 18 dollars. So the answer is $18.\n\n${EGGS_ANSWER}`);
  });

  it('think-summary skips when nothing survives summarizing', () => {
    expect(buildExample(record(`<think>Hmm. Wait. Let me think.</think>42`), 'think-summary')).toEqual({
      ok: false,
      reason: 'the reasoning summary is empty: only hesitation and re-checks were found',
    });
  });

  it('full rewrites every convention to <think>', () => {
    const built = buildExample(record(`<|begin_of_thought|>${PRIMES}<|end_of_thought|><|begin_of_solution|>17<|end_of_solution|>`), 'full');
    expect(built.ok && built.example.completion).toBe(`<think>\n${PRIMES}\n</think>\n\n17`);
  });
});
