// "Export recipe" in Debian chromium: a training run and its evaluation, laid out in browser storage
// as the page keeps them, exported by the data worker; the zip must be byte for byte the one the
// CLI writes from the same run folder on disk.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { synthDataset, toJsonl } from '../../src/lib/data/synth';
import { runEvaluation } from '../../src/lib/pipeline/evaluate';
import { startTraining } from '../../src/lib/pipeline/train';
import { nodeFolderStore } from '../../src/lib/storage/node-store';
import { browserSuite } from '../helpers/browser-suite';
import { chromiumRequirement, withTimeout } from '../helpers/chromium';
import { cli } from '../helpers/cli';
import { sharedRequirement, skipSuiteUnless } from '../helpers/shared';
import { useBackend } from '../helpers/tf';

const REPO = 'test/tiny-recipe';
const RUN_ID = 'train-recipe';
const EVAL_ID = 'eval-recipe';

describe('export recipe in chromium', () => {
  const ready = skipSuiteUnless(chromiumRequirement(), sharedRequirement('fixtures', 'tiny-llama-ref'));
  const suite = browserSuite(ready, { webgpu: false, tinyModel: { repo: REPO }, harness: { path: 'tests/browser/recipe.html', global: 'recipeTest' } });

  it('the page\'s export and the CLI\'s, from the same run, are the same bytes', { timeout: 180_000 }, async () => {
    // A real run (LoRA, one step) on the hub's model, with its data copied beside it as the page keeps it.
    const { dir, hub, browser } = suite;
    await useBackend('wasm');
    const runDir = path.join(dir, RUN_ID);
    const data = path.join(dir, 'train.jsonl');
    writeFileSync(data, toJsonl(synthDataset({ n: 12, seed: 9, difficulty: [1, 2] })));
    const host = { post: () => {}, control: () => 'continue' as const, store: (part: string) => Promise.resolve(nodeFolderStore(path.join(runDir, part))), runFolder: runDir };
    await startTraining({ model: REPO, endpoint: hub.url, data, strategy: 'answer', evalSize: 2, backend: 'wasm' }, { mode: 'lora', maxSteps: 1, batchSize: 4 }, host);
    mkdirSync(path.join(runDir, 'data'));
    copyFileSync(data, path.join(runDir, 'data', 'train.jsonl'));
    const evalDir = path.join(runDir, 'eval');
    await runEvaluation(
      { model: path.join(runDir, 'model'), data: { kind: 'synth', n: 3, seed: 1 }, task: 'chat', batchSize: 3, maxNewTokens: 4, backend: 'wasm' },
      { post: () => {}, cancelled: () => false, store: () => Promise.resolve(nodeFolderStore(evalDir)), outFolder: evalDir },
    );

    const zipPath = path.join(dir, 'recipe.zip');
    const r = await cli('export-recipe', runDir, '--out', path.join(dir, 'recipe'), '--zip', zipPath);
    expect(r.code, r.stderr).toBe(0);

    const text = (p: string) => readFileSync(p, 'utf8');
    await browser.page.evaluate(
      async ([files, dataFiles, evalFiles]) => {
        await window.recipeTest!.write('runs/train-recipe', files);
        await window.recipeTest!.write('runs/train-recipe/data', dataFiles);
        await window.recipeTest!.write('runs/eval-recipe/eval/chat', evalFiles);
      },
      [{ 'run.json': text(path.join(runDir, 'run.json')) }, { 'train.jsonl': text(data) }, { 'results.json': text(path.join(evalDir, 'results.json')), 'samples.jsonl': text(path.join(evalDir, 'samples.jsonl')) }] as const,
    );
    const page = await withTimeout(
      browser.page.evaluate((request) => window.recipeTest!.export(request), { runs: [{ id: RUN_ID, folder: `runs/${RUN_ID}`, evalFolders: [`runs/${EVAL_ID}/eval/chat`] }], baseEvalFolders: [] }),
      120_000,
      'recipe export',
    );
    expect(page.error).toBeNull();
    expect(page.files).toContain('trl/train_answer.py');
    expect(page.files).toContain('data/answer.eval.jsonl');
    expect(Buffer.from(page.zip!).equals(readFileSync(zipPath))).toBe(true);
  });
});
