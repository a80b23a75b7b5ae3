// Numeric gold answers: PAL's {input, target} files (JSONL and JSON arrays) and SVAMP's
// {Body, Question, Answer} array through a joining field map are read as eval items; completions
// are scored by exact_match and by value (PAL's rule, |answer - gold| < 1e-3), every count worked
// out by hand; answerMatches (the teacher's rejection sampling); and a whole evaluation through
// the pipeline, whose results.json carries the numeric keys and the rule.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHelp } from '../cli/args';
import { evalCommand } from '../cli/commands/eval';
import { loadEvalDocs, parseEvalFieldMap, QUESTION_JOIN } from '../src/lib/eval/data';
import { answerMatches } from '../src/lib/eval/gold';
import { taskMetrics } from '../src/lib/eval/runner';
import { NUMERIC_TOLERANCE, scoreCompletion } from '../src/lib/eval/scoring';
import type { EvalDoc } from '../src/lib/eval/tasks';
import { runEvaluation } from '../src/lib/pipeline/evaluate';
import { nodeFolderStore } from '../src/lib/storage/node-store';
import { cli, lastJson } from './helpers/cli';
import { sharedRequirement, skipUnless } from './helpers/shared';
import { useBackend } from './helpers/tf';
import { writeTinyModelFolder } from './helpers/tiny-tokenizer';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'distill-eval-numeric-'));
const fixture = sharedRequirement('fixtures', 'tiny-llama-ref');
const modelDir = path.join(tmp, 'model');

beforeAll(async () => {
  await useBackend('wasm');
  if (fixture.available) writeTinyModelFolder(modelDir, { withTokenizer: true });
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const p = path.join(tmp, name);
  writeFileSync(p, text);
  return p;
}

// PAL's schema: the question in "input", the gold a JSON number in "target" (51.0 in their files).
const PAL = [
  { input: 'A box holds 6 rows of 7 eggs. How many eggs?', target: 42.0 },
  { input: 'Ten liters are shared by 3 people. How many liters each?', target: 10 / 3 },
  { input: 'It was 0 degrees and fell 7. What is it now?', target: -7 },
  { input: 'Five liters are shared by 2 people. How many liters each?', target: 2.5 },
  { input: 'A car costs 1,000 dollars and its tax 234. What is the total?', target: 1234 },
  { input: 'Two boxes of 4. How many?', target: 8 },
];

// One hand-worked completion per PAL item, and what each rule makes of it (chat task: strict is
// "#### N", flexible the last number, chat-extract the chat rules).
const COMPLETIONS = [
  // "42" everywhere: all right.
  '6 * 7 = 42\n#### 42',
  // 3.3333 is not the text "3.3333333333333335" but is within 1e-3 of 10/3: right by value only.
  '10 / 3 = 3.3333\n#### 3.3333',
  // No "####": strict is [invalid]; the last number is "-7".
  'The temperature falls 7 degrees below zero: -7',
  // 2.498 is 0.002 from 2.5, more than the tolerance: wrong everywhere.
  'Each gets 2.498 liters.\n#### 2.498',
  // "$1,234." normalises to "1234": the last number is right by text and by value.
  'The total is $1,234.',
  // No number at all.
  'I do not know.',
];
const HAND = {
  strictExact: [1, 0, 0, 0, 0, 0],
  strictNumeric: [1, 1, 0, 0, 0, 0],
  flexibleExact: [1, 0, 1, 0, 1, 0],
  flexibleNumeric: [1, 1, 1, 0, 1, 0],
  chatExact: [1, 0, 1, 0, 1, 0],
  chatNumeric: [1, 1, 1, 0, 1, 0],
};
const share = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

// SVAMP as it ships: a JSON array; Body and Question are joined with one space.
const SVAMP = [
  { ID: 'chal-1', Body: 'Each pack of dvds costs 76 dollars. If there is a discount of 25 dollars on each pack', Question: 'How much do you have to pay to buy each pack?', Equation: '( 76.0 - 25.0 )', Answer: 51.0, Type: 'Subtraction' },
  { ID: 'chal-2', Body: 'Dan had $ 3 left with him after he bought a candy bar. If he had $ 4 at the start.', Question: 'How much did the candy bar cost?', Equation: '( 4.0 - 3.0 )', Answer: 1.0, Type: 'Subtraction' },
  { ID: 'chal-3', Body: 'Paco had 26 salty cookies and 17 sweet cookies. He ate 14 sweet cookies and 9 salty cookies.', Question: 'How many salty cookies did Paco have left?', Equation: '( 26.0 - 9.0 )', Answer: 17.0, Type: 'Subtraction' },
];
const SVAMP_MAP = 'question=Body+Question,answer=Answer';

describe('numeric gold: reading', () => {
  it("reads PAL's {input, target} without a field map, from JSONL and from a JSON array alike", async () => {
    const jsonl = file('pal.jsonl', PAL.map((r) => JSON.stringify(r)).join('\n'));
    const array = file('pal.json', JSON.stringify(PAL));
    const { docs, skipped } = await loadEvalDocs(jsonl);
    expect(skipped).toEqual([]);
    expect(docs.map((d) => [d.question, d.answer, d.gold])).toEqual([
      [PAL[0].input, '42', 42],
      [PAL[1].input, '3.3333333333333335', 10 / 3],
      [PAL[2].input, '-7', -7],
      [PAL[3].input, '2.5', 2.5],
      [PAL[4].input, '1234', 1234],
      [PAL[5].input, '8', 8],
    ]);
    expect((await loadEvalDocs(array)).docs).toEqual(docs);
  });

  it("reads SVAMP's {Body, Question, Answer} array through a field map that joins body and question", async () => {
    const svamp = file('SVAMP.json', JSON.stringify(SVAMP, null, 4));
    const fieldMap = parseEvalFieldMap(SVAMP_MAP);
    expect(fieldMap).toEqual({ question: ['Body', 'Question'], answer: 'Answer' });
    const { docs } = await loadEvalDocs(svamp, { fieldMap });
    expect(QUESTION_JOIN).toBe(' ');
    expect(docs).toEqual([
      { id: 0, question: 'Each pack of dvds costs 76 dollars. If there is a discount of 25 dollars on each pack How much do you have to pay to buy each pack?', answer: '51', gold: 51 },
      { id: 1, question: 'Dan had $ 3 left with him after he bought a candy bar. If he had $ 4 at the start. How much did the candy bar cost?', answer: '1', gold: 1 },
      { id: 2, question: `${SVAMP[2].Body} ${SVAMP[2].Question}`, answer: '17', gold: 17 },
    ]);
    // Without the map nothing is read, and the error says how to map it.
    const error = await loadEvalDocs(svamp).then(
      () => null,
      (e: Error) => e.message,
    );
    expect(error).toContain('has no eval items: all 3 lines were skipped.');
    expect(error).toContain('line 1: needs string fields "question" and "answer", the answer may be a number (the record has ID, Body, Question, Equation, Answer, Type)');
    expect(error).toContain('--field-map question=FIELD,answer=FIELD (+ joins question fields: question=Body+Question)');
  });

  it('a string holding only a number is a numeric gold; anything else is skipped with its line and reason', async () => {
    const lines = [
      { question: 'a', answer: '42' },
      { question: 'b', answer: ' -7 ' },
      { question: 'c', answer: '1,234' },
      { question: 'd', answer: '3.50' },
      { question: 'e', answer: '1,2' },
      { question: 'f', answer: '12 apples' },
      { question: 'g', answer: 'Half of 10 is 5.\n#### 5' },
      { question: 'h', answer: true },
      { question: 'i', target: 5, Body: 'x' },
    ].map((r) => JSON.stringify(r));
    lines.push('{"question": "j", "answer": 1e999}'); // JSON.parse reads it as Infinity
    const { docs, skipped } = await loadEvalDocs(file('strings.jsonl', lines.join('\n')));
    // A string keeps its text (trimmed) as the exact_match reference.
    expect(docs.map((d) => [d.answer, d.gold])).toEqual([
      ['42', 42],
      ['-7', -7],
      ['1,234', 1234],
      ['3.50', 3.5],
      ['5', 5],
    ]);
    expect(docs.at(-1)!.question).toBe('i'); // "question", and PAL's "target" for the answer
    const reasons = Object.fromEntries(skipped.map((s) => [s.line, s.reason]));
    const notNumber = '"answer" does not end with "#### N", the GSM8K answer line, and is not a number either (42, -3.5, 1,234)';
    expect(reasons).toEqual({
      5: notNumber,
      6: notNumber,
      7: '"answer" is a GSM8K solution but line 1\'s is a number: one eval set holds one kind of gold answer; split the file',
      8: 'needs string fields "question" and "answer", the answer may be a number (the record has question, answer); map yours with --field-map question=FIELD,answer=FIELD, + joining fields (question=Body+Question)',
      10: '"answer" is Infinity; a gold number must be finite (42, -3.5)',
    });
  });

  it('the field map: + joins question fields only; bad maps say what is expected', () => {
    expect(parseEvalFieldMap('question=problem, answer=solution')).toEqual({ question: 'problem', answer: 'solution' });
    expect(parseEvalFieldMap('question = Body + Question')).toEqual({ question: ['Body', 'Question'] });
    expect(() => parseEvalFieldMap('answer=A+B')).toThrow('only the question joins fields; the answer is one field, got "answer=A+B"');
    expect(() => parseEvalFieldMap('question=a,question=b')).toThrow('"question" is given twice');
    for (const bad of ['question=', 'question=Body+', 'query=q', 'question=a=b', 'question=a,']) {
      expect(() => parseEvalFieldMap(bad), bad).toThrow(/^expected question=FIELD,answer=FIELD \(\+ joins question fields, as in question=Body\+Question\), got/);
    }
  });

  it('eval --help shows a PAL and a SVAMP example, and the numeric rule', () => {
    const help = renderHelp(evalCommand);
    expect(help).toContain('eval --model M --data gsmhardv2.jsonl --task chat --out runs/gsm-hard');
    expect(help).toContain(`eval --model M --data SVAMP.json --field-map ${SVAMP_MAP} --task chat --out runs/svamp`);
    expect(help).toContain('|answer - gold| < 0.001');
  });
});

describe('numeric gold: scoring', () => {
  const docs: EvalDoc[] = PAL.map((r, id) => ({ id, question: r.input, answer: String(r.target), gold: r.target }));

  it('counts strict, flexible and chat answers by text and by value, as worked out by hand', () => {
    expect(NUMERIC_TOLERANCE).toBe(1e-3);
    const samples = docs.map((d, i) => scoreCompletion('chat', COMPLETIONS[i], d.answer, d.gold));
    expect(samples.map((s) => s.exact_match['strict-match'])).toEqual(HAND.strictExact);
    expect(samples.map((s) => s.numeric_match!['strict-match'])).toEqual(HAND.strictNumeric);
    expect(samples.map((s) => s.exact_match['flexible-extract'])).toEqual(HAND.flexibleExact);
    expect(samples.map((s) => s.numeric_match!['flexible-extract'])).toEqual(HAND.flexibleNumeric);
    expect(samples.map((s) => s.answer!.exact)).toEqual(HAND.chatExact);
    expect(samples.map((s) => s.answer!.numeric)).toEqual(HAND.chatNumeric);
    expect(samples[1].filtered).toEqual({ 'strict-match': '3.3333', 'flexible-extract': '3.3333' });
    expect(samples[5].filtered).toEqual({ 'strict-match': '[invalid]', 'flexible-extract': '[invalid]' });

    const m = taskMetrics('chat', samples, 'number');
    expect(m).toMatchObject({
      n: 6,
      'exact_match,strict-match': share(HAND.strictExact),
      'exact_match,flexible-extract': share(HAND.flexibleExact),
      'exact_match,chat-extract': share(HAND.chatExact),
      'numeric_match,strict-match': 2 / 6,
      'numeric_match,flexible-extract': 4 / 6,
      'numeric_match,chat-extract': 4 / 6,
    });
    // Sample stderr of two 1s in six: √((2·(2/3)² + 4·(1/3)²) / 5 / 6) = √(2/45).
    expect(m['numeric_match_stderr,strict-match']).toBeCloseTo(Math.sqrt(2 / 45), 12);
  });

  it('other tasks score by value too; GSM8K gold keeps exactly the harness keys', () => {
    const gsm8k = docs.map((d, i) => scoreCompletion('gsm8k', COMPLETIONS[i], d.answer, d.gold));
    expect(gsm8k.map((s) => s.numeric_match!['strict-match'])).toEqual(HAND.strictNumeric);
    expect(gsm8k.map((s) => s.numeric_match!['flexible-extract'])).toEqual(HAND.flexibleNumeric);
    expect(gsm8k.every((s) => s.answer === undefined)).toBe(true);
    const solution = scoreCompletion('gsm8k', '#### 42', 'Six sevens.\n#### 42');
    expect(solution).toEqual({ filtered: { 'strict-match': '42', 'flexible-extract': '42' }, exact_match: { 'strict-match': 1, 'flexible-extract': 1 } });
    expect(Object.keys(taskMetrics('gsm8k', [solution]))).toEqual([
      'alias',
      'n',
      'exact_match,strict-match',
      'exact_match_stderr,strict-match',
      'exact_match,flexible-extract',
      'exact_match_stderr,flexible-extract',
    ]);
  });

  it('answerMatches: the chat rules\' final answer against the gold, by value or as exact_match', () => {
    const third: EvalDoc = { id: 0, question: 'Ten liters among 3?', answer: '3.3333333333333335', gold: 10 / 3 };
    expect(answerMatches('#### 3.3333', third)).toBe(true);
    expect(answerMatches('So the answer is 3.333.', third)).toBe(true); // 0.00033 off
    expect(answerMatches('\\boxed{3.33}', third)).toBe(false); // 0.0033 off
    expect(answerMatches('I give up.', third)).toBe(false);
    expect(docs.map((d, i) => answerMatches(COMPLETIONS[i], d))).toEqual(HAND.chatNumeric.map(Boolean));
    const gsm8k: EvalDoc = { id: 1, question: 'Half of 36?', answer: 'Half of 36 is 18.\n#### 18' };
    expect(answerMatches('The final answer is $\\boxed{18}$.', gsm8k)).toBe(true);
    expect(answerMatches('#### 18.0', gsm8k)).toBe(false); // exact_match: "18.0" is not "18"
    expect(answerMatches('#### 17', gsm8k)).toBe(false);
  });

  it('cli score: a numeric "answer" adds numeric_match per line and in the summary', async () => {
    const input = file('completions.jsonl', PAL.map((r, i) => JSON.stringify({ completion: COMPLETIONS[i], answer: r.target })).join('\n'));
    const out = path.join(tmp, 'scored.jsonl');
    const run = await cli('score', '--task', 'chat', '--input', input, '--out', out, '--json');
    expect(run.code, run.stderr).toBe(0);
    const scored = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(scored.map((s) => s.numeric_match['flexible-extract'])).toEqual(HAND.flexibleNumeric);
    expect(lastJson(run.stdout)).toMatchObject({ n: 6, 'exact_match,strict-match': 1 / 6, 'numeric_match,strict-match': 2 / 6, 'numeric_match,chat-extract': 4 / 6 });
  });
});

describe('numeric gold: a whole evaluation', () => {
  it('runEvaluation on SVAMP with the joining field map writes numeric keys and the rule to results.json', { timeout: 60_000 }, async (ctx) => {
    skipUnless(ctx, fixture);
    const out = path.join(tmp, 'eval-svamp');
    const svamp = file('svamp-eval.json', JSON.stringify(SVAMP));
    const done = await runEvaluation(
      { model: modelDir, data: { kind: 'url', url: svamp }, task: 'chat', fieldMap: parseEvalFieldMap(SVAMP_MAP), batchSize: 3, maxNewTokens: 4 },
      { post: () => {}, cancelled: () => false, store: () => Promise.resolve(nodeFolderStore(out)), outFolder: out },
    );
    const results = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8'));
    expect(results).toEqual(JSON.parse(JSON.stringify(done.results)));
    expect(results.config).toMatchObject({ task: 'chat', gold: 'number', numeric_tolerance: NUMERIC_TOLERANCE });
    const m = results.results.chat;
    expect(m.n).toBe(3);
    for (const metric of ['exact_match', 'numeric_match']) {
      for (const f of ['strict-match', 'flexible-extract', 'chat-extract']) {
        expect(typeof m[`${metric},${f}`], `${metric},${f}`).toBe('number');
        expect(typeof m[`${metric}_stderr,${f}`], `${metric}_stderr,${f}`).toBe('number');
      }
    }
    const samples = readFileSync(path.join(out, 'samples.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(samples.map((s) => s.target)).toEqual(['51', '1', '17']);
    expect(samples[0].doc.question).toBe(`${SVAMP[0].Body} ${SVAMP[0].Question}`);
    for (const s of samples) {
      expect(Object.keys(s.numeric_match)).toEqual(['strict-match', 'flexible-extract']);
      expect([0, 1]).toContain(s.answer.numeric);
    }
  });
});
