// Record shapes seen in public distilled datasets, normalized to one DistilledRecord; and the reasons for skipping broken ones.
import { describe, expect, it } from 'vitest';
import { detectFormat, normalizeRecord, parseFieldMap, type FieldMap } from '../src/lib/data/records';

const R1 = '<think>\nOkay, so 16 - 3 - 4 = 9. Wait, let me check. Yes, 9 * 2 = 18.\n</think>\n\nShe makes $18 a day.';
const GSM8K_SOLUTION = 'Janet sells 16 - 3 - 4 = <<16-3-4=9>>9 duck eggs a day.\nShe makes 9 * 2 = $<<9*2=18>>18 every day.\n#### 18';
const QUESTION = 'Janet’s ducks lay 16 eggs per day. She eats three and bakes muffins with four. She sells the rest for $2 each. How much does she make?';

function ok(raw: Record<string, unknown>, map?: FieldMap) {
  const result = normalizeRecord(raw, 7, map);
  if (!result.ok) throw new Error(result.reason);
  return result;
}

function reason(raw: Record<string, unknown>, map?: FieldMap): string {
  const result = normalizeRecord(raw, 7, map);
  if (result.ok) throw new Error('expected a skip');
  return result.reason;
}

describe('flat fields', () => {
  it('{prompt, response}', () => {
    expect(ok({ prompt: QUESTION, response: R1 })).toEqual({
      ok: true,
      format: 'fields',
      record: { line: 7, context: [{ role: 'user', content: QUESTION }], response: R1 },
    });
  });

  it.each([
    ['question', 'generation'],
    ['problem', 'completion'],
    ['input', 'output'],
    ['instruction', 'response'],
  ])('{%s, %s}', (prompt, response) => {
    expect(ok({ [prompt]: QUESTION, [response]: R1 }).record).toMatchObject({ context: [{ role: 'user', content: QUESTION }], response: R1 });
  });

  it('Alpaca: instruction, then its input when it has one', () => {
    const alpaca = { instruction: 'Translate to French.', input: 'Good morning!', output: 'Bonjour !' };
    expect(ok(alpaca).record.context).toEqual([{ role: 'user', content: 'Translate to French.\n\nGood morning!' }]);
    expect(ok({ ...alpaca, input: '' }).record.context).toEqual([{ role: 'user', content: 'Translate to French.' }]);
  });

  it('GSM8K {question, answer}: the answer is the response, and not also the original', () => {
    const { record } = ok({ question: QUESTION, answer: GSM8K_SOLUTION });
    expect(record.response).toBe(GSM8K_SOLUTION);
    expect(record.original).toBeUndefined();
  });

  it('synthetic {question, answer, generation}: the generation is the response, the answer the original', () => {
    const { record } = ok({ question: QUESTION, answer: GSM8K_SOLUTION, generation: R1 });
    expect(record).toMatchObject({ response: R1, original: GSM8K_SOLUTION });
  });

  it('a numeric answer is a final value, not a reference response: the next name holding text is used', () => {
    expect(ok({ question: QUESTION, answer: 18, generation: R1 }).record.original).toBeUndefined();
    expect(ok({ question: QUESTION, answer: 18, solution: GSM8K_SOLUTION, generation: R1 }).record.original).toBe(GSM8K_SOLUTION);
  });

  it('system, reasoning and summary fields', () => {
    const { record } = ok({
      system: 'You are a careful tutor.',
      question: QUESTION,
      reasoning_content: '16 - 3 - 4 = 9 and 9 * 2 = 18.',
      response: 'She makes $18 a day.',
      think_summary: 'She sells 9 eggs for $18.',
    });
    expect(record).toEqual({
      line: 7,
      context: [
        { role: 'system', content: 'You are a careful tutor.' },
        { role: 'user', content: QUESTION },
      ],
      response: 'She makes $18 a day.',
      reasoning: '16 - 3 - 4 = 9 and 9 * 2 = 18.',
      summary: 'She sells 9 eggs for $18.',
    });
  });

  it('empty, null or non-text optional fields are left out', () => {
    expect(ok({ system: '', question: QUESTION, generation: R1, summary: null, reasoning: '  ', thinking: 5 }).record).toEqual({
      line: 7,
      context: [{ role: 'user', content: QUESTION }],
      response: R1,
    });
  });

  it('a field map names fields the usual names miss', () => {
    const map = parseFieldMap('prompt=query,response=teacher,original=human_solution,summary=tldr');
    const { record, format } = ok({ query: QUESTION, teacher: R1, human_solution: GSM8K_SOLUTION, tldr: 'Nine eggs at $2.' }, map);
    expect(format).toBe('fields');
    expect(record).toEqual({
      line: 7,
      context: [{ role: 'user', content: QUESTION }],
      response: R1,
      original: GSM8K_SOLUTION,
      summary: 'Nine eggs at $2.',
    });
  });

  it('a mapped original may be the response field itself', () => {
    expect(ok({ question: QUESTION, answer: GSM8K_SOLUTION }, { original: 'answer' }).record.original).toBe(GSM8K_SOLUTION);
  });
});

describe('OpenAI messages', () => {
  it('reasoning_content on the assistant message is the reasoning', () => {
    const messages = [
      { role: 'user', content: QUESTION },
      { role: 'assistant', content: 'She makes $18 a day.', reasoning_content: 'Hmm. 16 - 3 - 4 = 9. 9 * 2 = 18.' },
    ];
    expect(ok({ messages })).toEqual({
      ok: true,
      format: 'messages',
      record: { line: 7, context: [{ role: 'user', content: QUESTION }], response: 'She makes $18 a day.', reasoning: 'Hmm. 16 - 3 - 4 = 9. 9 * 2 = 18.' },
    });
  });

  it('content given as text parts is joined', () => {
    const messages = [
      { role: 'user', content: [{ type: 'text', text: 'Janet’s ducks lay 16 eggs. ' }, { type: 'text', text: 'How much does she make?' }] },
      { role: 'assistant', content: [{ type: 'text', text: '<think>\n9 * 2 = 18\n</think>\n\n' }, { type: 'text', text: 'She makes $18.' }] },
    ];
    expect(ok({ messages }).record).toMatchObject({
      context: [{ role: 'user', content: 'Janet’s ducks lay 16 eggs. How much does she make?' }],
      response: '<think>\n9 * 2 = 18\n</think>\n\nShe makes $18.',
    });
  });

  it('multi-turn with a system prompt: the last assistant turn is the target, everything before it the context', () => {
    const messages = [
      { role: 'system', content: 'You are a math tutor.' },
      { role: 'user', content: 'What is 2 + 2?' },
      { role: 'assistant', content: '4' },
      { role: 'user', content: 'And times 3?' },
      { role: 'assistant', content: R1 },
    ];
    expect(ok({ messages }).record).toEqual({
      line: 7,
      context: [
        { role: 'system', content: 'You are a math tutor.' },
        { role: 'user', content: 'What is 2 + 2?' },
        { role: 'assistant', content: '4' },
        { role: 'user', content: 'And times 3?' },
      ],
      response: R1,
    });
  });

  it('an empty system message is left out; "developer" is a system turn', () => {
    const turns = (system: string) => ({
      messages: [
        { role: 'developer', content: system },
        { role: 'user', content: QUESTION },
        { role: 'assistant', content: R1 },
      ],
    });
    expect(ok(turns('')).record.context).toEqual([{ role: 'user', content: QUESTION }]);
    expect(ok(turns('Be brief.')).record.context[0]).toEqual({ role: 'system', content: 'Be brief.' });
  });

  it('record-level original and summary ride along (NuminaMath keeps a solution next to messages)', () => {
    const raw = { problem: QUESTION, solution: GSM8K_SOLUTION, messages: [{ role: 'user', content: QUESTION }, { role: 'assistant', content: R1 }] };
    expect(ok(raw)).toMatchObject({ format: 'messages', record: { response: R1, original: GSM8K_SOLUTION } });
  });
});

describe('ShareGPT conversations', () => {
  it('from human/gpt/system, value', () => {
    const conversations = [
      { from: 'system', value: 'Think step by step.' },
      { from: 'human', value: QUESTION },
      { from: 'gpt', value: R1 },
    ];
    expect(ok({ conversations })).toEqual({
      ok: true,
      format: 'sharegpt',
      record: {
        line: 7,
        context: [
          { role: 'system', content: 'Think step by step.' },
          { role: 'user', content: QUESTION },
        ],
        response: R1,
      },
    });
  });

  it('from user/assistant, multi-turn', () => {
    const conversations = [
      { from: 'user', value: 'Hi' },
      { from: 'assistant', value: 'Hello!' },
      { from: 'user', value: QUESTION },
      { from: 'assistant', value: R1 },
    ];
    expect(ok({ conversations }).record.context.map((t) => t.role)).toEqual(['user', 'assistant', 'user']);
  });
});

describe('detectFormat', () => {
  it.each([
    [{ messages: [] }, undefined, 'messages'],
    [{ conversations: [] }, undefined, 'sharegpt'],
    [{ question: 'q', answer: 'a' }, undefined, 'fields'],
    [{ generation: 'a' }, undefined, 'fields'],
    [{ foo: 'q', bar: 'a' }, undefined, null],
    [{ messages: null, question: 'q' }, undefined, 'fields'],
    [{ foo: 'q', bar: 'a' }, { prompt: 'foo', response: 'bar' }, 'fields'],
    [{ chat: [] }, { messages: 'chat' }, 'messages'],
    [{ dialog: [] }, { conversations: 'dialog' }, 'sharegpt'],
    [{ problem: 'q', messages: [] }, { prompt: 'problem', response: 'solution' }, 'fields'],
  ] as const)('%j with map %j → %s', (raw, map, format) => {
    expect(detectFormat(raw, map)).toBe(format);
  });
});

describe('parseFieldMap', () => {
  it('reads KEY=FIELD pairs', () => {
    expect(parseFieldMap(' prompt = question , response=generation,original=answer ')).toEqual({
      prompt: 'question',
      response: 'generation',
      original: 'answer',
    });
    expect(parseFieldMap('messages=chat,conversations=dialog,system=sys,reasoning=thoughts,summary=tldr')).toEqual({
      messages: 'chat',
      conversations: 'dialog',
      system: 'sys',
      reasoning: 'thoughts',
      summary: 'tldr',
    });
  });

  it.each([
    ['prompt', /bad field-map entry "prompt": expected KEY=FIELD/],
    ['prompt=', /bad field-map entry/],
    ['=question', /bad field-map entry/],
    ['prompt=a=b', /bad field-map entry/],
    ['prompt=q,', /bad field-map entry ""/],
    ['question=prompt', /unknown field-map key "question": expected one of prompt, response, system, reasoning, original, summary, messages, conversations/],
    ['prompt=a,prompt=b', /field-map key "prompt" is given twice/],
  ])('rejects %j', (spec, error) => {
    expect(() => parseFieldMap(spec)).toThrow(error);
  });
});

describe('skipped records, with the reason', () => {
  it('missing prompt: names the fields tried and suggests --field-map', () => {
    expect(reason({ query: QUESTION, generation: R1 })).toBe(
      'missing prompt field: tried prompt, question, problem, instruction, input (record has: query, generation); name yours with --field-map prompt=FIELD',
    );
    expect(reason({})).toMatch(/missing prompt field: .*\(record has: no fields\)/);
  });

  it('missing response, e.g. NuminaMath-style {problem, solution}', () => {
    expect(reason({ problem: QUESTION, solution: GSM8K_SOLUTION })).toBe(
      'missing response field: tried response, output, completion, generation, answer (record has: problem, solution); name yours with --field-map response=FIELD',
    );
    expect(reason({ problem: QUESTION, solution: GSM8K_SOLUTION }, { response: 'generation' })).toBe('missing response field "generation" (named by --field-map)');
  });

  it.each([
    [{ question: 42, answer: 'a' }, 'field "question" is not a string (got number)'],
    [{ question: 'q', answer: ['a'] }, 'field "answer" is not a string (got an array)'],
    [{ question: 'q', answer: { text: 'a' } }, 'field "answer" is not a string (got object)'],
    [{ question: '  ', answer: 'a' }, 'field "question" is empty'],
    [{ question: 'q', generation: '' }, 'field "generation" is empty'],
  ])('non-string or empty values: %j', (raw, why) => {
    expect(reason(raw)).toBe(why);
  });

  it('a mapped optional field must hold text', () => {
    expect(reason({ question: 'q', generation: 'a', gold: 18 }, { original: 'gold' })).toBe('field "gold" is not a string (got number)');
  });

  it.each([
    [{ messages: 'hi' }, 'field "messages" is not an array (got string)'],
    [{ messages: [{ role: 'user', content: 'q' }] }, '"messages" has no assistant turn'],
    [
      { messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: 'a' }, { role: 'user', content: 'and?' }] },
      'conversation ends with a user turn: nothing to train on',
    ],
    [{ conversations: [{ from: 'human', value: 'q' }, { from: 'gpt', value: 'a' }, { from: 'human', value: 'and?' }] }, 'conversation ends with a user turn: nothing to train on'],
    [
      { messages: [{ role: 'user', content: 'q' }, { role: 'tool', content: '{}' }, { role: 'assistant', content: 'a' }] },
      'messages[1] has unknown role "tool": expected one of system, developer, user, assistant',
    ],
    [{ conversations: [{ from: 'observation', value: 'q' }, { from: 'gpt', value: 'a' }] }, 'conversations[0] has unknown from "observation": expected one of system, human, user, gpt, assistant'],
    [{ messages: [{ content: 'q' }, { role: 'assistant', content: 'a' }] }, 'messages[0] has unknown role undefined: expected one of system, developer, user, assistant'],
    [{ messages: ['q', { role: 'assistant', content: 'a' }] }, 'messages[0] is not an object (got string)'],
    [{ messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: null }] }, 'messages[1].content is not a string (got null)'],
    [{ messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: ' ' }] }, 'messages[1].content is empty'],
    [
      { messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'x' } }] }, { role: 'assistant', content: 'a' }] },
      'messages[0].content[0] is not a text part (got image_url)',
    ],
    [{ messages: [{ role: 'system', content: 's' }, { role: 'assistant', content: 'a' }] }, 'the last assistant turn in "messages" follows a system turn, not a user turn'],
    [{ messages: [{ role: 'assistant', content: 'a' }] }, 'the last assistant turn in "messages" follows nothing, not a user turn'],
  ])('broken conversations: %j', (raw, why) => {
    expect(reason(raw)).toBe(why);
  });
});
