// End-to-end evaluation in Debian chromium: the evaluation worker runs gsm8k_cot_zeroshot with the
// shared tiny fixture (and the tiny byte-level tokenizer) on the first 20 GSM8K test items, both
// served by a stand-in hub, writes results.json and samples.jsonl to browser storage (OPFS), and
// must produce the same completions as runEval in Node on the same backend (wasm).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../../models/backend';
import { fromPretrained } from '../../models/from-pretrained';
import { loadEvalDocs } from '../../src/lib/eval/data';
import { runEval, type EvalResults, type SampleRecord } from '../../src/lib/eval/runner';
import type { EvalStartRequest } from '../../workers/protocol';
import type { EvalRun, EvalRunResult } from './eval-page';
import { browserSuite } from '../helpers/browser-suite';
import { chromiumRequirement, withTimeout } from '../helpers/chromium';
import { sharedPath, sharedRequirement, skipSuiteUnless } from '../helpers/shared';

const REPO = 'test/tiny-eval';
const ITEMS = 20;
const DATA_FILE = 'gsm8k-test-20.jsonl';
const settings = { task: 'gsm8k_cot_zeroshot', batchSize: 8, maxNewTokens: 16 } as const;
const METRIC_KEYS = ['exact_match,strict-match', 'exact_match_stderr,strict-match', 'exact_match,flexible-extract', 'exact_match_stderr,flexible-extract'];

describe('evaluation worker in chromium', () => {
  // Without chromium or the shared material every test skips with the reason (or fails under
  // CI / REQUIRE_BROWSER=1 / REQUIRE_SHARED=1); the setup below is then left out.
  const ready = skipSuiteUnless(chromiumRequirement(), sharedRequirement('fixtures', 'tiny-llama-ref'), sharedRequirement('data', 'gsm8k', 'test.jsonl'));
  const firstItems = () => `${readFileSync(sharedPath('data', 'gsm8k', 'test.jsonl'), 'utf8').split('\n').slice(0, ITEMS).join('\n')}\n`;
  const suite = browserSuite(ready, {
    webgpu: false,
    tinyModel: { repo: REPO, files: () => ({ [DATA_FILE]: firstItems() }) },
    harness: { path: 'tests/browser/eval.html', global: 'evalTest' },
  });

  const request = (runId: string, extra: Partial<EvalStartRequest> = {}): EvalRun['request'] => ({
    runId,
    model: REPO,
    endpoint: suite.hub.url,
    data: { kind: 'url', url: `${suite.hub.url}/${REPO}/resolve/main/${DATA_FILE}` },
    backend: 'wasm',
    ...settings,
    ...extra,
  });
  const evaluate = (r: EvalRun, timeoutMs = 90_000): Promise<EvalRunResult> =>
    withTimeout(suite.browser.page.evaluate((x) => window.evalTest!.run(x), r), timeoutMs, `eval ${r.request.runId}`);
  const readText = (p: string, name: string) => suite.browser.page.evaluate(([a, b]) => window.evalTest!.readText(a, b), [p, name] as const);

  it('evaluates 20 GSM8K items on wasm, stores harness-shaped outputs in OPFS, and matches Node', { timeout: 180_000 }, async () => {
    const r = await evaluate({ request: request('eval-wasm') });
    expect(r.error).toBeNull();
    expect(r.backend?.name).toBe('wasm');
    // Progress comes within batches too (throttled, so how many events depends on the speed):
    // whole batches of 8 done, never going back, ending at all items.
    expect(r.progress.every((p) => p.total === ITEMS && [0, 8, 16, 20].includes(p.done))).toBe(true);
    for (const [a, b] of r.progress.slice(1).map((p, i) => [r.progress[i], p])) {
      expect(b.done).toBeGreaterThanOrEqual(a.done);
      expect(b.fraction).toBeGreaterThanOrEqual(a.fraction);
    }
    expect(r.progress.at(-1)).toEqual({ done: ITEMS, total: ITEMS, fraction: 1 });
    const folder = `runs/eval-wasm/eval/${settings.task}`;
    expect(r.done?.stored).toEqual([`${folder}/results.json`, `${folder}/samples.jsonl`]);
    console.log(`browser (${r.backend?.summary}): ${(r.wallMs / 1000).toFixed(1)} s; ${r.done!.results.timing.items_per_s.toFixed(2)} items/s, ` +
      `${r.done!.results.timing.generated_tokens_per_s.toFixed(0)} generated tokens/s`);

    // Read back from OPFS in the page.
    const results = JSON.parse((await readText(folder, 'results.json'))!) as EvalResults;
    const metrics = results.results[settings.task];
    for (const key of METRIC_KEYS) expect(typeof metrics[key], key).toBe('number');
    expect(results['n-samples'][settings.task]).toEqual({ original: ITEMS, effective: ITEMS });
    expect(results.config).toMatchObject({ task: settings.task, batch_size: 8, max_new_tokens: 16, limit: null });
    expect(results).toEqual(r.done!.results);
    const jsonl = (await readText(folder, 'samples.jsonl'))!;
    const browserSamples = jsonl.trimEnd().split('\n').map((line) => JSON.parse(line) as SampleRecord);
    expect(browserSamples).toHaveLength(ITEMS);
    for (const s of browserSamples) {
      for (const key of ['doc', 'prompt', 'completion', 'filtered', 'exact_match'] as const) expect(s, key).toHaveProperty(key);
      expect(s.prompt).toMatch(/^Q: .*\nA: Let's think step by step\.$/s);
    }

    // The same items, model and backend in Node: greedy decoding must give the same completions.
    await initBackend('wasm');
    const modelDir = path.join(suite.dir, 'model');
    const { model, tokenizer } = await fromPretrained(modelDir, { log: () => undefined });
    const { docs } = await loadEvalDocs(path.join(modelDir, DATA_FILE));
    const node = await runEval(model, tokenizer!, docs, settings);
    model.dispose();
    // The fixture's random weights meet no EOS and no stop string: 16 tokens of text per item are compared.
    expect(node.samples.every((n) => n.generated_tokens === settings.maxNewTokens && n.completion.length > 0)).toBe(true);
    const fields = ['doc_id', 'prompt', 'completion', 'generated_tokens', 'finish_reason'] as const;
    const differences = node.samples.flatMap((n, i) => {
      const b = browserSamples[i];
      return fields.every((f) => n[f] === b[f]) ? [] : [{ doc_id: n.doc_id, node: n.completion, browser: b.completion, samePrompt: n.prompt === b.prompt }];
    });
    expect(differences).toEqual([]);
    expect(node.results.results).toEqual(results.results);
    expect(suite.browser.consoleErrors).toEqual([]);
  });

  it('cancels on its first progress event (inside the first batch) without writing outputs', { timeout: 120_000 }, async () => {
    const r = await evaluate({ request: request('eval-cancelled', { batchSize: 1, maxNewTokens: 64 }), cancelOnFirstProgress: true });
    expect(r.error).toBe('evaluation cancelled');
    expect(r.done).toBeNull();
    expect(r.progress.at(-1)!.done).toBeLessThan(ITEMS);
    expect(await suite.browser.page.evaluate(() => window.evalTest!.list('runs/eval-cancelled/eval/gsm8k_cot_zeroshot'))).toEqual([]);
    expect(suite.browser.consoleErrors).toEqual([]);
  });

  // WebGL without GPU flags runs on SwiftShader, as the page's automatic choice did: 8 items in one
  // batch must give the completions the cpu backend gives (memory per generation: train-webgl.test.ts).
  it('evaluates 8 items on webgl with the completions of cpu', { timeout: 240_000 }, async () => {
    const [cpu, webgl] = [await evaluate({ request: request('eval-cpu', { backend: 'cpu', limit: 8 }) }), await evaluate({ request: request('eval-webgl', { backend: 'webgl', limit: 8 }) }, 200_000)];
    expect([cpu.error, webgl.error]).toEqual([null, null]);
    expect(webgl.backend?.name).toBe('webgl');
    console.log(`webgl (${webgl.backend?.summary}): ${(webgl.wallMs / 1000).toFixed(1)} s; cpu: ${(cpu.wallMs / 1000).toFixed(1)} s`);
    const completions = (r: EvalRunResult) => r.done!.samples.map((s) => [s.doc_id, s.completion, s.generated_tokens]);
    expect(completions(webgl)).toHaveLength(8);
    expect(completions(webgl)).toEqual(completions(cpu));
    expect(suite.browser.consoleErrors).toEqual([]);
  });

  it('refuses gsm8k on URL data without a few-shot file, before loading anything', async () => {
    const r = await evaluate({ request: request('eval-gsm8k', { task: 'gsm8k' }) });
    expect(r.error).toMatch(/gsm8k draws 5 examples from a train split: give a GSM8K-schema train file for the few-shot pool, or use gsm8k_cot/);
    expect(r.backend).toBeNull();
    expect(r.done).toBeNull();
  });
});
