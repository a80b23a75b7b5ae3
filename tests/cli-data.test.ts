// `cli data`: raw distilled files in, {"prompt","completion"} lines and a report out.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, lastJson } from './helpers/cli';
import { sharedPath, skipUnlessShared } from './helpers/shared';
import { writeTokenizerFiles } from './helpers/tiny-tokenizer';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'distill-cli-data-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const R1 = '<think>\nOkay, 3 bags of 4 apples. Hmm, 3 + 4 = 7? Wait, no: 3 * 4 = 12.\n</think>\n\nThere are 3 * 4 = 12 apples.\n#### 12';
const LINES = [
  JSON.stringify({ question: 'How many apples are in 3 bags of 4?', answer: '3*4=<<3*4=12>>12\n#### 12', generation: R1 }),
  '{"question": "broken',
  JSON.stringify({ question: 'Unclosed?', generation: '<think>\nI keep thinking and never stop' }),
  JSON.stringify({ messages: [{ role: 'user', content: 'What is 2+2?' }, { role: 'assistant', content: '2 + 2 = 4.', reasoning_content: 'Add 2 and 2: 2 + 2 = 4.' }] }),
  JSON.stringify({ conversations: [{ from: 'human', value: 'Hi' }] }),
  JSON.stringify({ prompt: 'Empty answer', response: '<think>\nthinking\n</think>\n' }),
];

function readOut(file: string): { prompt: string; completion: string }[] {
  return readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
}

describe('cli data', () => {
  const input = path.join(tmp, 'mixed.jsonl');
  writeFileSync(input, `${LINES.join('\n')}\n`);

  it('reports kept and skipped records with line numbers and reasons', async () => {
    const out = path.join(tmp, 'answer.jsonl');
    const run = await cli('data', '--input', input, '--strategy', 'answer', '--out', out, '--json');
    expect(run.code, run.stderr).toBe(0);
    const report = lastJson(run.stdout) as { kept: number; skipped: { line: number; reason: string }[] };
    expect(report.kept).toBe(2);
    expect(report.skipped.map((s) => s.line)).toEqual([2, 3, 5, 6]);
    expect(report.skipped[0].reason).toMatch(/invalid JSON/);
    expect(report.skipped[1].reason).toMatch(/never closed/);
    expect(report.skipped[2].reason).toMatch(/no assistant turn|ends with a user turn/);
    expect(report.skipped[3].reason).toMatch(/empty answer/);
    expect(readOut(out)).toEqual([
      { prompt: 'How many apples are in 3 bags of 4?', completion: 'There are 3 * 4 = 12 apples.\n#### 12' },
      { prompt: 'What is 2+2?', completion: '2 + 2 = 4.' },
    ]);
  });

  it('original keeps the dataset response; full keeps the reasoning', async () => {
    const original = path.join(tmp, 'original.jsonl');
    expect((await cli('data', '--input', input, '--strategy', 'original', '--out', original)).code).toBe(0);
    expect(readOut(original)[0].completion).toBe('3*4=<<3*4=12>>12\n#### 12');
    const full = path.join(tmp, 'full.jsonl');
    expect((await cli('data', '--input', input, '--strategy', 'full', '--out', full)).code).toBe(0);
    expect(readOut(full)[1].completion).toBe('<think>\nAdd 2 and 2: 2 + 2 = 4.\n</think>\n\n2 + 2 = 4.');
  });

  it('with a tokenizer, reports token lengths and truncation', async () => {
    const out = path.join(tmp, 'tok.jsonl');
    const tok = writeTokenizerFiles(path.join(tmp, 'tok'));
    const run = await cli('data', '--input', input, '--strategy', 'full', '--out', out, '--tokenizer', tok, '--max-length', '40', '--json');
    expect(run.code, run.stderr).toBe(0);
    const report = lastJson(run.stdout) as { unit: string; truncated: number; lengths: Record<string, { max: number }> };
    expect(report.unit).toBe('tokens');
    expect(report.truncated).toBeGreaterThan(0);
    expect(report.lengths.prompt.max + report.lengths.completion.max).toBeLessThanOrEqual(40);
  });

  it('bad usage gets one clear line and exit code 2', async () => {
    const run = await cli('data', '--input', input, '--strategy', 'summary', '--out', path.join(tmp, 'x.jsonl'));
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe('error: --strategy must be one of original, answer, think-summary, full, got "summary"');
    const missing = await cli('data', '--input', path.join(tmp, 'nope.jsonl'), '--strategy', 'answer', '--out', path.join(tmp, 'x.jsonl'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/nope\.jsonl/);
  });

  it('reads all 7,473 GSM8K train records with the original strategy', async (ctx) => {
    skipUnlessShared(ctx, 'data', 'gsm8k', 'train.jsonl');
    const out = path.join(tmp, 'gsm8k.jsonl');
    const run = await cli('data', '--input', sharedPath('data', 'gsm8k', 'train.jsonl'), '--strategy', 'original', '--out', out, '--json');
    expect(run.code, run.stderr).toBe(0);
    expect(lastJson(run.stdout)).toMatchObject({ read: 7473, kept: 7473, skipped: [] });
    expect(readOut(out)[0].completion).toMatch(/#### 72$/);
  });

  it('synth writes the same bytes for a seed, and a GSM8K-schema eval split', async () => {
    const [a, b, evalFile] = ['a.jsonl', 'b.jsonl', 'eval.jsonl'].map((f) => path.join(tmp, f));
    expect((await cli('synth', '--n', '50', '--seed', '3', '--difficulty', '1-2', '--out', a, '--eval-out', evalFile, '--eval-n', '20')).code).toBe(0);
    expect((await cli('synth', '--n', '50', '--seed', '3', '--difficulty', '1-2', '--out', b)).code).toBe(0);
    expect(readFileSync(a, 'utf8')).toBe(readFileSync(b, 'utf8'));
    const train = readFileSync(a, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(train).toHaveLength(50);
    expect(train.every((r) => r.difficulty <= 2 && /^<think>/.test(r.generation))).toBe(true);
    const evalRows = readFileSync(evalFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(evalRows).toHaveLength(20);
    expect(evalRows.every((r) => /#### \d+$/.test(r.answer) && typeof r.question === 'string')).toBe(true);
    const bad = await cli('synth', '--n', '5', '--difficulty', '5', '--out', a);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--difficulty must be a step count 1-4/);
  });

  it("synth --gsm8k-train appends GSM8K items as the teacher writes them, and says what it left out and why", async () => {
    const gsm8k = path.join(tmp, 'gsm8k-train.jsonl');
    const items = [
      { question: 'Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May. How many clips did Natalia sell altogether in April and May?', answer: 'Natalia sold 48/2 = <<48/2=24>>24 clips in May.\nNatalia sold 48+24 = <<48+24=72>>72 clips altogether in April and May.\n#### 72' },
      { question: 'Weng earns $12 an hour. She did 50 minutes. How much did she earn?', answer: 'Weng earns 12/60 = $<<12/60=0.2>>0.2 per minute.\nShe earned 0.2 x 50 = $<<0.2*50=10>>10.\n#### 10' },
    ];
    writeFileSync(gsm8k, items.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const out = path.join(tmp, 'mixed-train.jsonl');
    const run = await cli('synth', '--n', '5', '--seed', '3', '--gsm8k-train', gsm8k, '--out', out);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/GSM8K items: 1 kept of the first 2 of 2; left out: 0 of none or more than 5 calculations, 1 that one-operation whole-number lines cannot state, 0 stating a held-out tuple/);
    const rows = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(rows).toHaveLength(6);
    expect(rows[5]).toMatchObject({ question: items[0].question, answer: items[0].answer, template: 'gsm8k-train' });
    expect(rows[5].generation).toMatch(/<\/think>\n\n48 ÷ 2 = 24 clips in May\.\n48 \+ 24 = 72 clips altogether in April and May\.\nThe answer is 72\.\n#### 72$/);
    writeFileSync(gsm8k, `${JSON.stringify(items[0])}\n{"question": "no answer"}\n`);
    const bad = await cli('synth', '--n', '5', '--gsm8k-train', gsm8k, '--out', out);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/gsm8k-train\.jsonl, line 2: .*fix or remove/);
  });
});
