// The DOM-free parts of the lab page: the data inspection behind the Data step, the saved runs
// and their export file, and the Compare step's table and paired test.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeDirFiles } from '../models/files';
import { loadTokenizer, type TextTokenizer } from '../models/tokenizer';
import { histograms, inspectData } from '../src/lib/data/inspect';
import { sftPipeline } from '../src/lib/data/pipeline';
import { DEFAULT_MODEL_DIR } from '../src/lib/default-model';
import { runDataInspection } from '../src/lib/pipeline/inspect';
import { synthFileName } from '../src/lib/pipeline/sources';
import { synthDataset, toJsonl } from '../src/lib/data/synth';
import { isVerbStory } from '../src/lib/data/synth/verb-stories';
import { STRATEGIES } from '../src/lib/data/types';
import { compareTable, pairedComparison } from '../src/lib/runs/compare';
import { finalAnswer, type EvalRun, type TrainRun } from '../src/lib/runs/records';
import { RunStore } from '../src/lib/runs/store';
import { memoryStore } from '../src/lib/storage/memory-store';
import type { DataWorkerEvent } from '../workers/protocol';
import { ROOT } from './helpers/cli';

const jsonlFile = (lines: string[], name = 'data.jsonl') => new File([lines.join('\n')], name);

describe('inspectData', () => {
  it('shows every strategy of the same record, and counts in characters without a tokenizer', async () => {
    const records = synthDataset({ n: 30, seed: 4 });
    const inspection = await inspectData(jsonlFile([toJsonl(records)]), { tokenizer: null, style: 'plain', maxLength: 512, previewCount: 3 });
    expect(inspection.read).toBe(30);
    expect(inspection.complete).toBe(true);
    expect(inspection.formats).toEqual({ fields: 30 });
    expect(inspection.unit).toBe('chars');
    expect(inspection.preview).toHaveLength(3);
    const first = inspection.preview[0];
    expect(first.prompt).toBe(records[0].question);
    const view = (s: (typeof STRATEGIES)[number]) => (first.views[s] as { completion: string }).completion;
    expect(view('original')).toBe(records[0].answer);
    expect(view('full')).toContain('<think>');
    expect(view('answer')).not.toContain('<think>');
    expect(records[0].generation.endsWith(view('answer'))).toBe(true);
    // Completions: answer < think-summary < full, on average, as the histograms show.
    for (const s of STRATEGIES) {
      expect(inspection.reports[s].kept).toBe(30);
      expect(inspection.completionLengths[s].counts.reduce((a, b) => a + b)).toBe(30);
    }
    const mean = (s: (typeof STRATEGIES)[number]) => inspection.reports[s].lengths.completion!.mean;
    expect(mean('answer')).toBeLessThan(mean('think-summary'));
    expect(mean('think-summary')).toBeLessThan(mean('full'));
    // Shared bins, so the strategies' bars line up.
    expect(inspection.completionLengths.answer.edges).toEqual(inspection.completionLengths.full.edges);
  });

  it('measures in tokens, each strategy as its own pipeline does, encoding each text of a record once', async () => {
    const tokenizer = (await loadTokenizer(nodeDirFiles(path.join(ROOT, DEFAULT_MODEL_DIR))))!;
    const encoded: string[] = [];
    const counting: TextTokenizer = { ...tokenizer, encode: (text, opts) => (encoded.push(text), tokenizer.encode(text, opts)) };
    const file = jsonlFile([toJsonl(synthDataset({ n: 20, seed: 4 }))]);
    const tokenize = { style: 'chat' as const, maxLength: 512 };
    const inspection = await inspectData(file, { tokenizer: counting, ...tokenize });
    expect(inspection.unit).toBe('tokens');
    // The prompt, the answer and the reasoning are shared by the strategies; none is encoded twice.
    expect(encoded.length).toBeGreaterThan(20);
    expect(new Set(encoded).size).toBe(encoded.length);
    for (const strategy of STRATEGIES) {
      const alone = sftPipeline(file, { strategy, tokenizer, tokenize });
      for await (const _ of alone.items) void _;
      expect(inspection.reports[strategy].lengths, strategy).toEqual(alone.report().lengths);
    }
  });

  it('lists unreadable lines with their reasons and keeps the good ones', async () => {
    const good = JSON.stringify({ question: 'What is 2 + 3?', response: '<think>2 + 3 = 5</think>\n\n#### 5' });
    const inspection = await inspectData(jsonlFile([good, '{"question": "broken', JSON.stringify({ foo: 1 }), good]), { tokenizer: null, style: 'plain', maxLength: 512 });
    expect(inspection.read).toBe(4);
    expect(inspection.unreadable.map((s) => s.line)).toEqual([2, 3]);
    expect(inspection.unreadable[0].reason).toMatch(/JSON/i);
    expect(inspection.unreadable[1].reason).toMatch(/question|prompt/);
    expect(inspection.reports.answer.kept).toBe(2);
    // The record has no dataset reference, so `original` trains on the response itself.
    expect((inspection.preview[0].views.original as { completion: string }).completion).toContain('#### 5');
  });

  it('stops at the limit and says the file has more', async () => {
    const inspection = await inspectData(jsonlFile([toJsonl(synthDataset({ n: 12, seed: 1 }))]), { tokenizer: null, style: 'plain', maxLength: 512, limit: 5 });
    expect(inspection.read).toBe(5);
    expect(inspection.complete).toBe(false);
  });

  it('histograms: equal-width bins that hold every value, the maximum included', () => {
    const [h] = histograms([[1, 2, 2, 9, 10]], 5);
    expect(h.edges).toEqual([1, 3, 5, 7, 9, 11]);
    expect(h.counts).toEqual([3, 0, 0, 0, 2]);
    expect(histograms([[]], 4)[0].counts).toEqual([0]);
  });

  it('the data session writes the synthetic teacher as the JSONL file training reads', async () => {
    const events: DataWorkerEvent[] = [];
    await runDataInspection({ data: { kind: 'synth', n: 10, seed: 3, difficulty: [1, 2] }, maxLength: 256 }, (e) => events.push(e));
    const done = events.find((e) => e.type === 'data-inspected');
    if (done?.type !== 'data-inspected') throw new Error(`no data-inspected event among ${JSON.stringify(events.map((e) => e.type))}`);
    expect(done.file.name).toBe(synthFileName({ kind: 'synth', n: 10, seed: 3, difficulty: [1, 2] }));
    expect(await done.file.text()).toBe(toJsonl(synthDataset({ n: 10, seed: 3, difficulty: [1, 2] })));
    expect(done.inspection.read).toBe(10);
    expect(done.style).toBe('plain');
  });

  it('the data session tells the share of everyday stories that the Data step asks for', async () => {
    const events: DataWorkerEvent[] = [];
    await runDataInspection({ data: { kind: 'synth', n: 40, seed: 3, difficulty: [1, 2], verbStories: 0.5 }, maxLength: 256 }, (e) => events.push(e));
    const done = events.find((e) => e.type === 'data-inspected');
    if (done?.type !== 'data-inspected') throw new Error(`no data-inspected event among ${JSON.stringify(events.map((e) => e.type))}`);
    expect(done.file.name).toBe('synth-n40-seed3-d1-2-verbs0.5.jsonl');
    const records = synthDataset({ n: 40, seed: 3, difficulty: [1, 2], verbStories: 0.5 });
    expect(await done.file.text()).toBe(toJsonl(records));
    expect(records.filter((r) => isVerbStory(r.template)).length).toBeGreaterThan(10);
  });
});

function evalRun(id: string, label: string, strategy: EvalRun['model']['strategy'], correct: (0 | 1)[], createdAt: string, dataLabel = 'synthetic n 4'): EvalRun {
  const acc = correct.reduce<number>((a, b) => a + b, 0) / correct.length;
  return {
    kind: 'eval',
    id,
    createdAt,
    model: { label, trainRunId: strategy === 'base' ? null : `train-${label}`, strategy },
    task: 'chat',
    dataLabel,
    metrics: { 'exact_match,strict-match': acc, 'exact_match_stderr,strict-match': 0.1 },
    seconds: 1,
    samples: correct.map((c, i) => ({ id: i, question: `q${i}`, gold: String(i), solution: `#### ${i}`, completion: '', strict: c ? String(i) : '[invalid]', correct: c, flexible: '' })),
  };
}

const trainRun: TrainRun = {
  kind: 'train',
  id: 'train-1',
  createdAt: '2026-11-27T10:00:00Z',
  model: { source: '/models/distill-tiny/', description: 'x' },
  data: { description: 'synth', storedAs: 'runs/train-1/data/d.jsonl' },
  strategy: 'answer',
  config: { learningRate: 1e-3 },
  evalSize: 0,
  promptStyle: 'chat',
  status: 'done',
  totalSteps: 2,
  checkpointStep: 2,
  steps: [{ step: 1, loss: 2, learningRate: 1e-3, tokensPerSecond: 100 }],
  exported: [],
};

describe('saved runs', () => {
  it('round-trips through the export file, keeping runs that are already here', async () => {
    const a = new RunStore(memoryStore('a'));
    await a.save(trainRun);
    await a.save(evalRun('eval-1', 'base', 'base', [1, 0, 0, 1], '2026-11-27T10:01:00Z'));
    const exported = await a.exportJson();

    const b = new RunStore(memoryStore('b'));
    await b.save({ ...trainRun, status: 'failed' });
    const result = await b.importJson(exported, 'runs.json');
    expect(result).toEqual({ imported: ['eval-1'], kept: ['train-1'] });
    const runs = await b.list();
    expect(runs.map((r) => r.id)).toEqual(['train-1', 'eval-1']);
    expect((runs[0] as TrainRun).status).toBe('failed');
  });

  it('refuses a file that is not an export, naming the file, the run and the field', async () => {
    const store = new RunStore(memoryStore());
    await expect(store.importJson('{oops', 'x.json')).rejects.toThrow(/x\.json is not JSON/);
    await expect(store.importJson('{"runs": []}', 'x.json')).rejects.toThrow(/not a Distill Lab runs export/);
    const bad = JSON.stringify({ format: 'distill-lab-runs', version: 1, runs: [trainRun, { ...trainRun, id: 'train-2', status: 'sleeping' }] });
    await expect(store.importJson(bad, 'x.json')).rejects.toThrow(/x\.json: run 2 \(id train-2\): field "status" must be one of/);
    // Nothing was written: one bad run refuses the whole file.
    expect(await store.list()).toEqual([]);
  });
});

describe('compare', () => {
  const base = evalRun('e1', 'base', 'base', [1, 0, 0, 0], '2026-11-27T10:00:00Z');
  const answer = evalRun('e2', 'answer', 'answer', [1, 1, 1, 0], '2026-11-27T10:05:00Z');
  const full = evalRun('e3', 'full', 'full', [0, 1, 0, 0], '2026-11-27T10:06:00Z');
  const gsm = evalRun('e4', 'base', 'base', [0, 0], '2026-11-27T10:07:00Z', 'GSM8K test');

  it('lays runs out as the paper does: base, then strategies in order; one column per eval set', () => {
    const table = compareTable([full, gsm, answer, base]);
    expect(table.rows).toEqual(['base', 'answer', 'full']);
    expect(table.columns).toEqual(['chat · synthetic n 4', 'chat · GSM8K test']);
    expect(table.cells[0][0]).toEqual({ runId: 'e1', n: 4, accuracy: 0.25, stderr: 0.1 });
    expect(table.cells[1][1]).toBeNull();
    expect(table.cells[0][1]?.runId).toBe('e4');
    // A later evaluation of the same model on the same set replaces the earlier one.
    const again = evalRun('e5', 'base', 'base', [1, 1, 1, 1], '2026-11-27T11:00:00Z');
    expect(compareTable([base, again]).cells[0][0]?.runId).toBe('e5');
  });

  it('pairs two runs item by item and lists the flips', () => {
    const p = pairedComparison(base, answer);
    expect(p.bOnlyRight).toBe(2);
    expect(p.aOnlyRight).toBe(0);
    expect(p.improved.map((f) => f.a.question)).toEqual(['q1', 'q2']);
    expect(p.pValue).toBeCloseTo(0.5, 10);
    expect(() => pairedComparison(base, gsm)).toThrow(/different sets/);
  });

  it('reads the final answer after the last ####', () => {
    expect(finalAnswer('3 + 4 = 7\n#### 7')).toBe('7');
    expect(finalAnswer('#### 1\n#### 2 ')).toBe('2');
    expect(finalAnswer('no marker')).toBe('no marker');
  });
});
