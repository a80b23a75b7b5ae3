// Bad eval input gets an error that says what is wrong and what to do: a file whose every line is
// skipped (with the first reasons and their lines), an empty file, and a gsm8k few-shot pool too
// small to draw from.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TextTokenizer } from '../models/tokenizer';
import { loadEvalDocs } from '../src/lib/eval/data';
import { promptText, type EvalDoc } from '../src/lib/eval/tasks';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'distill-bad-eval-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const p = path.join(tmp, name);
  writeFileSync(p, text);
  return p;
}

describe('eval data where nothing is usable', () => {
  it('quotes the first 5 skipped lines with their reasons, and how many more', async () => {
    const lines = [
      '{"question": "broken',
      ...Array.from({ length: 7 }, (_, i) => JSON.stringify({ question: `Q${i}`, answer: `no answer line ${i}` })),
      JSON.stringify({ problem: 'P', solution: 'S\n#### 4' }),
    ];
    const p = file('all-skipped.jsonl', lines.join('\n'));
    const error = await loadEvalDocs(p).then(
      () => null,
      (e: Error) => e,
    );
    expect(error?.message).toContain(`${p} has no eval items: all 9 lines were skipped.`);
    expect(error?.message).toMatch(/line 1: invalid JSON/);
    expect(error?.message).toContain('line 2: "answer" does not end with "#### N", the GSM8K answer line');
    expect(error?.message).toContain('line 5: "answer" does not end');
    expect(error?.message).not.toContain('line 6:');
    expect(error?.message).toContain('… and 4 more skipped');
    expect(error?.message).toContain('--field-map question=FIELD,answer=FIELD');
  });

  it('a single unusable line is named as such', async () => {
    const p = file('one.jsonl', JSON.stringify({ problem: 'P', solution: 'S\n#### 4' }));
    await expect(loadEvalDocs(p)).rejects.toThrow(/its only line was skipped\.\nline 1: needs string fields "question" and "answer"/);
  });

  it('an empty file says it is empty', async () => {
    const p = file('empty.jsonl', '\n\n');
    await expect(loadEvalDocs(p)).rejects.toThrow(`${p} has no eval items: it is empty. Give a GSM8K-schema file`);
  });

  it('a usable line keeps the skipped ones as a list, without an error', async () => {
    const p = file('mixed.jsonl', ['broken', JSON.stringify({ question: 'Q', answer: 'A\n#### 1' })].join('\n'));
    const { docs, skipped } = await loadEvalDocs(p);
    expect(docs).toEqual([{ id: 1, question: 'Q', answer: 'A\n#### 1' }]);
    expect(skipped.map((s) => s.line)).toEqual([1]);
  });
});

describe('gsm8k few-shot pool too small', () => {
  const tokenizer = {} as TextTokenizer; // gsm8k renders text without a tokenizer
  const doc: EvalDoc = { id: 3, question: 'How many apples?', answer: 'A\n#### 5' };
  const pool = (questions: string[]): EvalDoc[] => questions.map((question, id) => ({ id, question, answer: `A${id}\n#### ${id}` }));

  it('fails (instead of looping forever) when fewer than 5 exemplars differ from the test question', () => {
    // Ten docs, but six repeat the test question: four usable.
    const small = pool(['Q1', 'Q2', 'Q3', 'Q4', ...Array(6).fill(doc.question)]);
    expect(() => promptText('gsm8k', doc, { tokenizer, fewshotPool: small })).toThrow(
      'gsm8k needs 5 few-shot exemplars whose question differs from the test question (item 3), but the pool has 4 (of 10). ' +
        'Give a bigger train split as the few-shot pool (--fewshot-data TRAIN.jsonl, or fewshotUrl), or use gsm8k_cot (fixed exemplars), gsm8k_cot_zeroshot or chat.',
    );
  });

  it('an empty pool says so too', () => {
    expect(() => promptText('gsm8k', doc, { tokenizer, fewshotPool: [] })).toThrow(/the pool has 0 \(of 0\)/);
  });

  it('five usable exemplars are enough, and none repeats the test question', () => {
    const text = promptText('gsm8k', doc, { tokenizer, fewshotPool: pool(['Q1', 'Q2', 'Q3', 'Q4', 'Q5', doc.question]) });
    const questions = text.split('\n\n').map((block) => block.split('\n')[0]);
    expect(questions.slice(0, 5).sort()).toEqual(['Question: Q1', 'Question: Q2', 'Question: Q3', 'Question: Q4', 'Question: Q5']);
    expect(questions[5]).toBe(`Question: ${doc.question}`);
  });
});
