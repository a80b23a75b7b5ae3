// The reasoning/answer splitter, on every tag convention seen in public distilled data.
import { describe, expect, it } from 'vitest';
import { parseTagPair, splitRecord, splitResponse } from '../src/lib/data/split';
import type { DistilledRecord } from '../src/lib/data/types';

const REASONING = `Okay, so Janet's ducks lay 16 eggs a day. She eats 3 and bakes with 4.
So 16 - 3 = 14. Wait, that's not right. 16 - 3 = 13, and 13 - 4 = 9.
Let me check: 9 * 2 = 18. Yes.`;
const ANSWER = 'She sells 9 eggs at $2 each, so she makes $18.\n\n\\boxed{18}';

function split(text: string, opts = {}) {
  const result = splitResponse(text, opts);
  if (!result.ok) throw new Error(result.reason);
  return result.split;
}

describe('splitResponse', () => {
  it('<think>…</think> then the answer (DeepSeek-R1, QwQ, Qwen3)', () => {
    expect(split(`<think>\n${REASONING}\n</think>\n\n${ANSWER}`)).toEqual({ reasoning: REASONING, answer: ANSWER, convention: 'think' });
  });

  it('takes everything before a lone </think> as reasoning when the template put <think> in the prompt', () => {
    expect(split(`${REASONING}\n</think>\n\n${ANSWER}`)).toEqual({ reasoning: REASONING, answer: ANSWER, convention: 'think' });
  });

  it('unwraps an answer inside <answer>…</answer> after </think>', () => {
    expect(split(`<think>\n${REASONING}\n</think>\n<answer>\n${ANSWER}\n</answer>\n`)).toEqual({ reasoning: REASONING, answer: ANSWER, convention: 'think' });
  });

  it('<|begin_of_thought|> … <|begin_of_solution|> (Sky-T1, Bespoke, OpenThoughts)', () => {
    const text = `<|begin_of_thought|>\n\n${REASONING}\n\n<|end_of_thought|>\n\n<|begin_of_solution|>\n\n${ANSWER}\n\n<|end_of_solution|>`;
    expect(split(text)).toEqual({ reasoning: REASONING, answer: ANSWER, convention: 'thought/solution' });
  });

  it('<Thought> … <Output> (Marco-o1)', () => {
    expect(split(`<Thought>\n${REASONING}\n</Thought>\n<Output>\n${ANSWER}\n</Output>`)).toEqual({
      reasoning: REASONING,
      answer: ANSWER,
      convention: 'Thought/Output',
    });
  });

  it('<reasoning> … <answer> (GRPO-style recipes)', () => {
    expect(split(`<reasoning>\n${REASONING}\n</reasoning>\n<answer>\n18\n</answer>`)).toEqual({
      reasoning: REASONING,
      answer: '18',
      convention: 'reasoning/answer',
    });
  });

  it('user-defined tag pairs, with and without an answer wrapper', () => {
    const scratch = { open: '<scratch>', close: '</scratch>' };
    expect(split(`<scratch>${REASONING}</scratch>\n${ANSWER}`, { extraTags: [{ reasoning: scratch }] })).toEqual({
      reasoning: REASONING,
      answer: ANSWER,
      convention: '<scratch>…</scratch>',
    });
    const withFinal = { extraTags: [{ reasoning: { ...scratch, name: 'scratch' }, answer: { open: '<final>', close: '</final>' } }] };
    expect(split(`<scratch>${REASONING}</scratch><final>${ANSWER}</final>`, withFinal)).toEqual({
      reasoning: REASONING,
      answer: ANSWER,
      convention: 'scratch',
    });
  });

  it('no markers: no reasoning, the whole trimmed text is the answer', () => {
    expect(split(`\n  ${ANSWER}  \n`)).toEqual({ reasoning: null, answer: ANSWER, convention: 'none' });
  });

  it('an empty think block (Qwen3 with thinking off) means no reasoning', () => {
    expect(split(`<think>\n\n</think>\n\n${ANSWER}`)).toEqual({ reasoning: null, answer: ANSWER, convention: 'think' });
  });

  it('the first convention whose markers appear wins; tags of other conventions are stripped as strays', () => {
    const text = `<think>\nThe grader wants <answer> tags, not <Output>.\n</think>\n\n<answer>18</answer><|end_of_solution|>`;
    expect(split(text)).toEqual({ reasoning: 'The grader wants  tags, not .', answer: '18', convention: 'think' });
  });

  it('strips stray tags inside the answer', () => {
    expect(split(`<think>${REASONING}</think>\n\nThe answer is 18.</think>\n</answer>`).answer).toBe('The answer is 18.');
  });

  it.each([
    [`<think>\n${REASONING}\nSo the answer is`, '<think> is never closed: the response was probably cut off'],
    [`<|begin_of_thought|>\n${REASONING}`, '<|begin_of_thought|> is never closed: the response was probably cut off'],
    [`<think>\n${REASONING}\n</think>\n\n  `, 'empty answer after </think>'],
    [`${REASONING}</think><answer>\n</answer>`, 'empty answer after </think>'],
    [`<Thought>${REASONING}</Thought>`, 'empty answer after </Thought>'],
    ['   \n', 'empty response'],
  ])('fails with a reason: %j', (text, reason) => {
    expect(splitResponse(text)).toEqual({ ok: false, reason });
  });

  it.each([
    [`<think>${REASONING}</think>\n<answer>18`, 'think', '<answer>'],
    [`<|begin_of_thought|>${REASONING}<|end_of_thought|><|begin_of_solution|>18`, 'thought/solution', '<|begin_of_solution|>'],
  ])('an answer tag never closed runs to the end, with a note: %j', (text, convention, tag) => {
    expect(splitResponse(text)).toEqual({
      ok: true,
      split: { reasoning: REASONING, answer: '18', convention, note: `${tag} is never closed: the answer is taken to run to the end of the response (check that it was not cut off)` },
    });
  });
});

describe('splitRecord', () => {
  const record = (response: string, reasoning?: string): DistilledRecord => ({
    line: 1,
    context: [{ role: 'user', content: 'How much does Janet make?' }],
    response,
    ...(reasoning === undefined ? {} : { reasoning }),
  });

  it('uses reasoning given in its own field (OpenAI reasoning_content)', () => {
    expect(splitRecord(record(ANSWER, `\n${REASONING}\n`))).toEqual({
      ok: true,
      split: { reasoning: REASONING, answer: ANSWER, convention: 'reasoning_content' },
    });
  });

  it('the separate field wins over tags in the response, which are stripped', () => {
    expect(splitRecord(record(`<think>duplicate</think>\n<answer>${ANSWER}</answer>`, REASONING))).toEqual({
      ok: true,
      split: { reasoning: REASONING, answer: ANSWER, convention: 'reasoning_content' },
    });
  });

  it('splits the response when there is no separate reasoning, and passes on its failures', () => {
    expect(splitRecord(record(`<think>${REASONING}</think>${ANSWER}`))).toMatchObject({ ok: true, split: { convention: 'think' } });
    expect(splitRecord(record(`<think>${REASONING}`, REASONING))).toEqual({
      ok: false,
      reason: '<think> is never closed: the response was probably cut off',
    });
  });
});

describe('parseTagPair', () => {
  it('reads "OPEN,CLOSE"', () => {
    expect(parseTagPair('<scratch>,</scratch>')).toEqual({ open: '<scratch>', close: '</scratch>' });
    expect(parseTagPair(' [[ , ]] ')).toEqual({ open: '[[', close: ']]' });
  });

  it.each(['<scratch>', '<a>,</a>,<b>', ',</a>', '<a>,', '<a>,<a>'])('rejects %j', (spec) => {
    expect(() => parseTagPair(spec)).toThrow(/bad tag pair/);
  });
});
