// Evaluation end to end in Node: GSM8K items from a file, a URL and the hub's Parquet layout;
// batched and unbatched greedy decoding agree; results.json and samples.jsonl as the harness
// writes them; and the score / compare commands.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromPretrained, type Pretrained } from '../models/from-pretrained';
import { gsm8kHubUrl, loadEvalDocs, synthEvalDocs } from '../src/lib/eval/data';
import { runEval, writeEvalOutputs } from '../src/lib/eval/runner';
import { nodeFolderStore } from '../src/lib/storage/node-store';
import { cli, lastJson } from './helpers/cli';
import { writeGsm8kSplit } from './helpers/gsm8k-hub';
import { startHubServer, type HubServer } from './helpers/hub-server';
import { sharedPath, sharedRequirement, skipUnless } from './helpers/shared';
import { useBackend } from './helpers/tf';
import { writeTinyModelFolder } from './helpers/tiny-tokenizer';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'distill-eval-'));
// The tiny model (with a tokenizer) and GSM8K test items: the tests that use them skip, with the
// reason, without them (or fail under REQUIRE_SHARED=1); the rest run either way.
const needs = [sharedRequirement('fixtures', 'tiny-llama-ref'), sharedRequirement('data', 'gsm8k', 'test.jsonl')];
const ready = needs.every((n) => n.available);
const modelDir = path.join(tmp, 'model');
const testFile = sharedPath('data', 'gsm8k', 'test.jsonl');
let loaded: Pretrained;
let hub: HubServer;

beforeAll(async () => {
  await useBackend('wasm');
  if (ready) await setUp();
});
afterAll(async () => {
  await hub?.close();
  loaded?.model.dispose();
  rmSync(tmp, { recursive: true, force: true });
});

async function setUp() {
  writeTinyModelFolder(modelDir, { withTokenizer: true });
  loaded = await fromPretrained(modelDir, { log: () => {} });
  const rows = readFileSync(testFile, 'utf8').trim().split('\n').slice(0, 30).map((l) => JSON.parse(l));
  writeGsm8kSplit(path.join(tmp, 'hub'), 'test', rows);
  hub = await startHubServer({ 'datasets/openai/gsm8k': path.join(tmp, 'hub') });
}

describe('eval data', () => {
  it('reads GSM8K, with a limit or a seeded subset, and skips what it cannot use', async (ctx) => {
    skipUnless(ctx, ...needs);
    const first = await loadEvalDocs(testFile, { limit: 5 });
    expect(first.docs.map((d) => d.id)).toEqual([0, 1, 2, 3, 4]);
    const subset = await loadEvalDocs(testFile, { limit: 5, subsetSeed: 3 });
    expect(subset.docs).toHaveLength(5);
    expect(subset.docs.map((d) => d.id)).not.toEqual([0, 1, 2, 3, 4]);
    expect((await loadEvalDocs(testFile, { limit: 5, subsetSeed: 3 })).docs).toEqual(subset.docs);
    const odd = path.join(tmp, 'odd.jsonl');
    writeFileSync(odd, ['{"problem":"p","solution":"s\\n#### 4"}', '{"problem":"p2","solution":"no answer line"}', 'broken'].join('\n'));
    const mapped = await loadEvalDocs(odd, { fieldMap: { question: 'problem', answer: 'solution' } });
    expect(mapped.docs).toEqual([{ id: 0, question: 'p', answer: 's\n#### 4' }]);
    expect(mapped.skipped.map((s) => s.line)).toEqual([2, 3]);
    expect(mapped.skipped[0].reason).toMatch(/does not end with "#### N"/);
  });

  it('reads openai/gsm8k Parquet from the hub layout', async (ctx) => {
    skipUnless(ctx, ...needs);
    const url = gsm8kHubUrl('test', hub.url);
    expect(url).toBe(`${hub.url}/datasets/openai/gsm8k/resolve/main/main/test-00000-of-00001.parquet`);
    const { docs } = await loadEvalDocs(url, { limit: 3 });
    const jsonl = (await loadEvalDocs(testFile, { limit: 3 })).docs;
    expect(docs).toEqual(jsonl);
  });

  it('the synthetic eval split carries difficulties', () => {
    const docs = synthEvalDocs(20, 1, [1, 2]);
    expect(docs.every((d) => d.difficulty === 1 || d.difficulty === 2)).toBe(true);
    expect(docs.every((d) => /#### \d+$/.test(d.answer))).toBe(true);
  });
});

describe('runEval', () => {
  it('evaluates 20 GSM8K test items, writes results.json and samples.jsonl, and batching changes nothing', { timeout: 180_000 }, async (ctx) => {
    skipUnless(ctx, ...needs);
    const { docs } = await loadEvalDocs(testFile, { limit: 20 });
    const opts = { task: 'gsm8k_cot_zeroshot' as const, maxNewTokens: 24 };
    const batched = await runEval(loaded.model, loaded.tokenizer!, docs, { ...opts, batchSize: 8 });
    const single = await runEval(loaded.model, loaded.tokenizer!, docs, { ...opts, batchSize: 1 });
    expect(batched.samples.map((s) => s.completion)).toEqual(single.samples.map((s) => s.completion));
    expect(batched.samples.some((s) => s.completion.length > 0)).toBe(true);

    const out = path.join(tmp, 'run-a');
    await writeEvalOutputs(nodeFolderStore(out), batched.results, batched.samples);
    const results = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8'));
    const m = results.results.gsm8k_cot_zeroshot;
    for (const key of ['exact_match,strict-match', 'exact_match_stderr,strict-match', 'exact_match,flexible-extract', 'exact_match_stderr,flexible-extract']) {
      expect(typeof m[key], key).toBe('number');
    }
    expect(results['n-samples'].gsm8k_cot_zeroshot.effective).toBe(20);
    expect(results.timing.generated_tokens).toBeGreaterThan(0);
    const lines = readFileSync(path.join(out, 'samples.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(20);
    expect(lines.map((s) => s.doc_id)).toEqual(docs.map((d) => d.id));
    for (const s of lines) {
      expect(Object.keys(s)).toEqual(expect.arrayContaining(['doc', 'prompt', 'completion', 'filtered', 'exact_match', 'target']));
      expect(s.prompt).toBe(`Q: ${s.doc.question}\nA: Let's think step by step.`);
    }
  });
});

describe('cli score and compare', () => {
  it('score: harness filters and exact_match for given completions, in input order', async () => {
    const input = path.join(tmp, 'completions.jsonl');
    const answer = 'Half of 36 is 18.\n#### 18';
    writeFileSync(input, [
      { completion: 'So she has 18.\n#### 18', answer },
      { completion: 'The answer is \\boxed{18}.', answer },
      { completion: '', answer },
    ].map((l) => JSON.stringify(l)).join('\n'));
    const out = path.join(tmp, 'scored.jsonl');
    const run = await cli('score', '--task', 'gsm8k', '--input', input, '--out', out, '--json');
    expect(run.code, run.stderr).toBe(0);
    const scored = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(scored.map((s) => s.exact_match)).toEqual([
      { 'strict-match': 1, 'flexible-extract': 1 },
      { 'strict-match': 0, 'flexible-extract': 1 },
      { 'strict-match': 0, 'flexible-extract': 0 },
    ]);
    expect(scored[1].filtered).toEqual({ 'strict-match': '[invalid]', 'flexible-extract': '18' });
    expect(lastJson(run.stdout)).toMatchObject({ n: 3, 'exact_match,strict-match': 1 / 3 });
  });

  it('compare: accuracy difference, McNemar and flipped items', async () => {
    const write = (dir: string, correct: number[]) => {
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, 'samples.jsonl'), correct.map((c, i) => JSON.stringify({ doc_id: i, exact_match: { 'strict-match': c, 'flexible-extract': c } })).join('\n'));
    };
    write(path.join(tmp, 'cmp-a'), [0, 0, 0, 0, 0, 1, 1]);
    write(path.join(tmp, 'cmp-b'), [1, 1, 1, 1, 1, 1, 0]);
    const run = await cli('compare', path.join(tmp, 'cmp-a'), path.join(tmp, 'cmp-b'), '--json');
    expect(run.code, run.stderr).toBe(0);
    const r = lastJson(run.stdout);
    expect(r).toMatchObject({ n: 7, bOnlyRight: 5, aOnlyRight: 1, flippedToRight: [0, 1, 2, 3, 4], flippedToWrong: [6] });
    expect(r.pValue).toBeCloseTo(0.21875, 10); // 2·(1 + 6)/64
    expect(r.difference).toBeCloseTo(4 / 7, 10);
  });
});
