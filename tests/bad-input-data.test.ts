// A distilled response whose answer tag is opened and never closed (public Marco-o1 data ends
// "<Output>The answer is 5" with no "</Output>") is kept, its answer running to the end of the
// response, with a note in the data report; an unclosed reasoning tag is still a cut-off response.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sftPipeline } from '../src/lib/data/pipeline';
import { splitResponse } from '../src/lib/data/split';
import { buildExample } from '../src/lib/data/strategies';
import type { DistilledRecord } from '../src/lib/data/types';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'distill-bad-data-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const THOUGHT = 'Janet has 3 apples and buys 2: 3 + 2 = 5.';
const note = (tag: string) => `${tag} is never closed: the answer is taken to run to the end of the response (check that it was not cut off)`;

describe('an answer tag never closed', () => {
  it.each([
    ['Marco-o1', `<Thought>\n${THOUGHT}\n</Thought>\n<Output>\nThe answer is 5\n`, '<Output>', 'Thought/Output'],
    ['R1 with <answer>', `<think>${THOUGHT}</think>\n<answer>The answer is 5`, '<answer>', 'think'],
    ['Sky-T1', `<|begin_of_thought|>${THOUGHT}<|end_of_thought|>\n<|begin_of_solution|>The answer is 5`, '<|begin_of_solution|>', 'thought/solution'],
  ])('%s: the text after the tag is the answer, with a note', (_, text, tag, convention) => {
    expect(splitResponse(text)).toEqual({ ok: true, split: { reasoning: THOUGHT, answer: 'The answer is 5', convention, note: note(tag) } });
  });

  it('a closed tag needs no note', () => {
    const result = splitResponse(`<Thought>${THOUGHT}</Thought><Output>The answer is 5</Output>`);
    expect(result).toEqual({ ok: true, split: { reasoning: THOUGHT, answer: 'The answer is 5', convention: 'Thought/Output' } });
  });

  it('an answer tag with nothing after it is still an empty answer', () => {
    expect(splitResponse(`<Thought>${THOUGHT}</Thought>\n<Output>\n`)).toEqual({ ok: false, reason: 'empty answer after </Thought>' });
  });

  it('an unclosed reasoning tag is still skipped as cut off', () => {
    expect(splitResponse(`<Thought>${THOUGHT}\n<Output>The answer is 5`)).toEqual({
      ok: false,
      reason: '<Thought> is never closed: the response was probably cut off',
    });
  });

  it('every strategy built from the split carries the note; the dataset\'s own original does not', () => {
    const record: DistilledRecord = { line: 4, context: [{ role: 'user', content: 'How many apples?' }], response: `<Thought>${THOUGHT}</Thought><Output>The answer is 5` };
    for (const strategy of ['answer', 'full', 'think-summary', 'original'] as const) {
      expect(buildExample(record, strategy)).toMatchObject({ ok: true, note: note('<Output>') });
    }
    expect(buildExample({ ...record, original: 'She has 5.\n#### 5' }, 'original')).not.toHaveProperty('note');
    expect(buildExample(record, 'answer')).toMatchObject({ example: { completion: 'The answer is 5' } });
  });

  it('the pipeline keeps the record and lists the note with its line in the report', async () => {
    const input = path.join(tmp, 'marco.jsonl');
    const rows = [
      { instruction: 'How many apples?', output: `<Thought>\n${THOUGHT}\n</Thought>\n<Output>\nThe answer is 5` },
      { instruction: 'And pears?', output: `<Thought>\n2 + 2 = 4.\n</Thought>\n<Output>\nThe answer is 4\n</Output>` },
      { instruction: 'Cut off?', output: `<Thought>\nI keep thinking` },
    ];
    writeFileSync(input, rows.map((r) => JSON.stringify(r)).join('\n'));
    const { items, report } = sftPipeline(input, { strategy: 'answer' });
    const kept: string[] = [];
    for await (const item of items) kept.push(item.example.completion);
    expect(kept).toEqual(['The answer is 5', 'The answer is 4']);
    const r = report();
    expect(r.notes).toEqual([{ line: 1, note: note('<Output>') }]);
    expect(r.skipped).toEqual([{ line: 3, reason: '<Thought> is never closed: the response was probably cut off' }]);
    expect(r.kept).toBe(2);
  });
});
