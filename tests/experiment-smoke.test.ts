// `npm run experiment`: its ordering line, the committed runs as the docs show them, its flags,
// and `--smoke`: the whole pipeline (base eval, a fine-tune per strategy, evals, report) on a few
// steps and items, with a well-formed table in the paper's shape.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli';
import { hasShared, sharedPath } from './helpers/shared';
import { HANDWRITTEN_DIR, planGsm8kRecords } from '../scripts/experiment-plan';
import { columns, ordering, renderTable, type ExperimentRow } from '../scripts/experiment-report';
import { isVerbStory } from '../src/lib/data/synth/verb-stories';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'distill-experiment-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('experiment table', () => {
  it('orders the fine-tuned rows, with ">" only where neighbours differ by more than their standard errors', () => {
    const row = (name: string, accuracy: number, stderr: number): ExperimentRow => {
      const cell = { n: 100, accuracy, stderr };
      return { name, training: { steps: 1, lossFirst: 1, lossLast: 1, seconds: 1 }, synth: cell, synthEasy: cell, synthByDifficulty: {}, gsm8k: null };
    };
    const base = { ...row('base', 0.9, 0), training: undefined };
    const results = { date: '', command: '', model: '', plan: {}, promptStyle: 'chat', seconds: 0, rows: [base, row('a', 0.5, 0.05), row('b', 0.62, 0.04), row('c', 0.45, 0.05), row('d', 0.1, 0.03)] };
    const easy = columns(results).find((c) => c.name === 'synthetic, difficulty 1–2')!;
    // b − a = 0.12 > 0.09: ">"; a − c = 0.05 < 0.10: "≈"; c − d = 0.35: ">". The base row is left out.
    expect(ordering(results, easy)).toBe('b > a ≈ c > d');
  });
});

/** scripts/experiment.ts with these flags: its exit code and stderr. */
function experiment(flags: string[]): Promise<{ code: number; stderr: string }> {
  const args = ['scripts/experiment.ts', ...flags];
  return new Promise((resolve) =>
    execFile(path.join(ROOT, 'node_modules/.bin/tsx'), args, { cwd: ROOT }, (err, _out, stderr) => resolve({ code: err ? ((err.code as number) ?? 1) : 0, stderr })),
  );
}

describe('the committed results', () => {
  // Each committed run: experiment/ and every folder in it that holds a results.json.
  const runs = ['experiment', ...readdirSync(path.join(ROOT, 'experiment'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => `experiment/${e.name}`)].filter(
    (dir) => existsSync(path.join(ROOT, dir, 'results.json')),
  );
  // The README shows the current run's table, and experiment/history.md the earlier runs', each as
  // the run wrote it, so the two cannot drift apart.
  const shownIn = (dir: string) => (dir === 'experiment' ? 'README.md' : 'experiment/history.md');
  it.each(runs)('%s/results.md is rendered from its results.json and shown in the docs', (dir) => {
    const table = readFileSync(path.join(ROOT, dir, 'results.md'), 'utf8').trim();
    expect(renderTable(JSON.parse(readFileSync(path.join(ROOT, dir, 'results.json'), 'utf8'))).trim()).toBe(table);
    expect(readFileSync(path.join(ROOT, shownIn(dir)), 'utf8')).toContain(table);
  });
});

describe('experiment --strategies', () => {
  it('refuses a name that is not a strategy, and an empty list, in one line, with exit code 2', { timeout: 60_000 }, async () => {
    const { code, stderr } = await experiment(['--strategies', 'answer,answers', '--out', tmp]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/experiment: --strategies: "answers" is not a strategy; give a comma-separated list of original, answer, think-summary, full/);
    const empty = await experiment(['--strategies', ' , ', '--out', tmp]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/experiment: --strategies: no strategy given; give a comma-separated list of/);
  });

  it('refuses a --handwritten folder without problem sets', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(path.join(tmp, 'no-sets-'));
    const { code, stderr } = await experiment(['--handwritten', dir, '--out', tmp]);
    expect(code).toBe(2);
    expect(stderr).toContain(`experiment: --handwritten: ${dir} holds no .jsonl file; give a folder of problem sets`);
  });
});

describe('experiment --smoke', () => {
  // The default rows are the paper's three strategies; --strategies picks others, in the table's order.
  it.each([
    { name: "the paper's three by default", flags: [], rows: ['original', 'answer', 'think-summary'] },
    { name: '--strategies full,answer', flags: ['--strategies', 'full,answer'], rows: ['answer', 'full'] },
  ])('$name: writes results.json, a strategies × eval sets table, and a chart', { timeout: 300_000 }, async ({ flags, rows }) => {
    const withGsm8k = hasShared('data', 'gsm8k', 'test.jsonl');
    const out = mkdtempSync(path.join(tmp, 'run-'));
    const { code } = await experiment(['--smoke', '--records', '12', ...flags, '--out', out, '--gsm8k', sharedPath('data', 'gsm8k', 'test.jsonl'), '--gsm8k-train', sharedPath('data', 'gsm8k', 'train.jsonl')]);
    expect(code).toBe(0);
    // Only the chosen strategies were trained (each job keeps its folder under .work).
    expect(readdirSync(path.join(out, '.work')).filter((f) => !f.endsWith('.jsonl')).sort()).toEqual(['base', ...rows].sort());
    const results = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8'));
    expect(results.rows.map((r: { name: string }) => r.name)).toEqual(['base (no fine-tuning)', ...rows]);
    expect(results.plan.trainRecords).toBe(12);
    // GSM8K's training items in the synthetic teacher's format make up part of the records.
    const real = hasShared('data', 'gsm8k', 'train.jsonl') ? results.plan.gsm8kTrain.items : 0;
    const trainFile = readdirSync(path.join(out, '.work')).find((f) => f.endsWith('.jsonl'))!;
    const templates = readFileSync(path.join(out, '.work', trainFile), 'utf8').trim().split('\n').map((l) => JSON.parse(l).template);
    // And some of the synthetic ones are stories told with everyday verbs (the plan's verbStories).
    expect(results.trainData).toEqual({ synthetic: 12 - real, verbStories: templates.filter(isVerbStory).length, gsm8kTrain: real });
    expect(templates.filter((t: string) => t === 'gsm8k-train')).toHaveLength(real);
    expect(templates).toHaveLength(12);
    expect(results.plan.strategies).toEqual(rows);
    // The full strategy's reasoning gets its own, longer answer budget; every other model the plan's.
    for (const name of ['base', ...rows]) {
      const evalConfig = JSON.parse(readFileSync(path.join(out, '.work', name, 'eval-synth', 'results.json'), 'utf8')).config;
      expect(evalConfig.max_new_tokens, name).toBe(name === 'full' ? results.plan.eval.fullMaxNewTokens : results.plan.eval.maxNewTokens);
    }
    expect(results.plan.eval.fullMaxNewTokens).toBeGreaterThan(results.plan.eval.maxNewTokens);
    expect(results.command).toBe(['npm run experiment -- --smoke --records 12', ...(flags.length ? [`--strategies ${rows.join(',')}`] : [])].join(' '));
    for (const row of results.rows) {
      for (const cell of [row.synth, row.synthEasy, row.synthHard, ...(withGsm8k ? [row.gsm8k, row.gsm8kEasy] : [])]) {
        expect(cell.accuracy).toBeGreaterThanOrEqual(0);
        expect(cell.accuracy).toBeLessThanOrEqual(1);
        expect(cell.stderr).toBeGreaterThanOrEqual(0);
      }
    }
    if (withGsm8k) {
      // The easy GSM8K column counts the evaluated items whose solutions have at most two <<…>> calculations.
      const items = readFileSync(sharedPath('data', 'gsm8k', 'test.jsonl'), 'utf8').split('\n').slice(0, results.plan.gsm8kItems);
      const easy = items.filter((l) => JSON.parse(l).answer.split('<<').length - 1 <= 2).length;
      expect(easy).toBeGreaterThan(0);
      expect(results.rows.map((r: { gsm8kEasy: { n: number } }) => r.gsm8kEasy.n)).toEqual(results.rows.map(() => easy));
    }
    // The hand-written sets, the plan's items from each (2 in a smoke run), in one column: every set
    // in the folder (tests/handwritten-sets.test.ts pins which sets those are).
    const sets = readdirSync(path.join(ROOT, HANDWRITTEN_DIR)).filter((f) => f.endsWith('.jsonl')).map((f) => path.basename(f, '.jsonl')).sort();
    const handwrittenN = sets.length * results.plan.handwrittenItems;
    for (const row of results.rows) expect(row.handwritten).toMatchObject({ n: handwrittenN, accuracy: expect.any(Number) });
    expect(readdirSync(path.join(out, '.work', 'answer', 'eval-handwritten')).sort()).toEqual(sets);
    const table = readFileSync(path.join(out, 'results.md'), 'utf8').trim().split('\n').filter((l) => l.startsWith('|'));
    expect(table).toHaveLength(2 + 1 + rows.length);
    const width = table[0].split('|').length;
    expect(table.every((l) => l.split('|').length === width)).toBe(true);
    expect(table[0]).toMatch(/\| SFT data \| .*synthetic, difficulty 1–2.*\| synthetic, difficulty 3–4.*\| synthetic, all .*\| train loss \|/);
    if (withGsm8k) expect(table[0]).toMatch(/GSM8K test, 1–2 calculations \(n=\d+\) \| GSM8K test \(n=\d+\) \| hand-written problems/);
    expect(table[0]).toContain(`| hand-written problems (n=${handwrittenN}) |`);
    for (const line of table.slice(2)) expect(line).toMatch(/\d+\.\d ± \d+\.\d/);
    const strategy = '(original|answer|think-summary|full)';
    expect(readFileSync(path.join(out, 'results.md'), 'utf8')).toMatch(new RegExp(`\n- synthetic, difficulty 1–2: ${strategy}( [>≈] ${strategy}){${rows.length - 1}}\n`));
    expect(existsSync(path.join(out, 'chart.svg'))).toBe(true);
    expect(readFileSync(path.join(out, 'chart.svg'), 'utf8')).toMatch(/^<svg[\s\S]*<\/svg>\n$/);
  });
});

describe('experiment with fewer GSM8K training items than asked', () => {
  it.skipIf(!hasShared('data', 'gsm8k', 'train.jsonl'))('makes up the rest with synthetic records, so the fine-tunes train on --records', { timeout: 120_000 }, async () => {
    // GSM8K's first 10 training items: only some of them are usable (one operation a line, no held-out tuple).
    const file = path.join(mkdtempSync(path.join(tmp, 'gsm8k-')), 'train.jsonl');
    writeFileSync(file, readFileSync(sharedPath('data', 'gsm8k', 'train.jsonl'), 'utf8').split('\n').slice(0, 10).join('\n'));
    const usable = (await planGsm8kRecords(file)).length;
    expect(usable).toBeGreaterThan(0);
    expect(usable).toBeLessThan(10);
    const out = mkdtempSync(path.join(tmp, 'run-'));
    const { code } = await experiment(['--smoke', '--records', '12', '--gsm8k-train-items', '10', '--gsm8k-train', file, '--strategies', 'answer', '--out', out]);
    expect(code).toBe(0);
    const results = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8'));
    const trainFile = readdirSync(path.join(out, '.work')).find((f) => f.endsWith('.jsonl'))!;
    const lines = readFileSync(path.join(out, '.work', trainFile), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(12);
    const verbStories = lines.filter((l) => isVerbStory(JSON.parse(l).template)).length;
    expect(results.trainData).toEqual({ synthetic: 12 - usable, verbStories, gsm8kTrain: usable });
  });
});
