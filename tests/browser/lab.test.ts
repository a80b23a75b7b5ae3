// End-to-end: the lab as users get it, the production build (service worker included) served
// with COOP/COEP, in Debian's chromium. The bundled default model, tiny settings:
// - "Run the demo" through every step on wasm, with no long task over 300 ms on the main thread,
//   the experiment's recipe downloaded from Compare, then the prompt box on the fine-tuned run;
// - the demo's path on WebGPU (SwiftShader): one training step and one tiny evaluation;
// - a reload during training, then a resume from the checkpoint (the progress in view, emptied
//   fields blocking Start);
// - a reload with the network off, which still opens the app on the default model;
// - the bundled model's files, hashed in the page, against its checksums.json;
// - a malformed data file, a file of the wrong type, whose errors are shown while the rest works,
//   and a ZSTD-compressed Parquet file, which reads;
// - the teacher panel: distilled data made by the loaded model, resumed after a reload and read in
//   the Data step; the model summarizer, whose summary shows beside the extractive one;
// - failures that say what to do next, the evaluation's progress within a batch, and the demo's
//   status once it has stopped;
// - a damaged saved run file, and deleting runs (which asks first);
// - a model bigger than the device reports, which is loaded only after the user agrees.
// The whole demo on its defaults is a benchmark, not a test: npx tsx bench/demo-browser.ts.
// Screenshots go to artifacts/lab-*.png.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_DIR, DEFAULT_MODEL_URL_PATH } from '../../src/lib/default-model';
import { DEMO_DEFAULTS } from '../../src/lib/lab-defaults';
import { writeParquetArrowRs } from '../helpers/arrow-parquet';
import { chromiumRequirement, launchChromium, type LaunchedChromium } from '../helpers/chromium';
import { writeGsm8kSplit, type Gsm8kItem } from '../helpers/gsm8k-hub';
import { startHubServer, type HubServer } from '../helpers/hub-server';
import { skipSuiteUnless } from '../helpers/shared';
import { REPO_ROOT, startPreviewServer } from '../helpers/vite-server';
import { fill, inViewport, openStep, readSynthData, recordedTexts, recordTexts, shot, waitForModel, writeOpfs } from './lab-helpers';

// The demo's longest main-thread task was ~120 ms when the machine was quiet, and 180–200 ms on a
// slow evening, as the Data step showed its inspection and drew its two charts in one task; since
// each chart draws first in a task of its own, 50–90 ms on that evening. In full CI runs on 2 cores,
// where the workers' two wasm threads and the other test files share them with the page, twelve runs
// saw 60–322 ms. A frozen page (the failure this guards against: compute on the main thread) stalls
// for seconds.
const LONG_TASK_LIMIT_MS = 600;
/** In GSM8K's schema: the first two are written as the teacher writes; the third is not (7.5 is not whole). */
const GSM8K_TRAIN_ITEMS: Gsm8kItem[] = [
  { question: 'A baker made 36 rolls in the morning and 27 in the afternoon. How many rolls did the baker make?', answer: 'The baker made 36+27=<<36+27=63>>63 rolls.\n#### 63' },
  { question: 'A rope is 7.5 meters long. How long are 2 ropes?', answer: 'They are 7.5*2=<<7.5*2=15>>15 meters long.\n#### 15' },
  {
    question: 'Tom has 5 boxes with 14 marbles in each box. He gives away 9 marbles. How many marbles does Tom have left?',
    answer: 'Tom has 5*14=<<5*14=70>>70 marbles.\nHe has 70-9=<<70-9=61>>61 marbles left.\n#### 61',
  },
];
const TINY_DEMO = { 'Training records': '48', 'Training steps': '3', 'Eval items': '6', 'Tokens per answer': '12' };
/**
 * Mistral 7B's config grown to about 400B parameters: its estimate (over 1.5 TB) is above what any
 * device reports (navigator.deviceMemory is rounded down to a power of 2, and capped).
 */
const BIG_CONFIG = {
  ...JSON.parse(readFileSync(path.join(REPO_ROOT, 'tests/fixtures/configs/Mistral-7B-v0.1.json'), 'utf8')),
  hidden_size: 16384,
  intermediate_size: 53248,
  num_hidden_layers: 126,
  num_attention_heads: 128,
};

/** Records every main-thread long task (PerformanceObserver 'longtask') from page start. */
const LONG_TASK_RECORDER = `
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longTasks.push(Math.round(e.duration));
  }).observe({ type: 'longtask', buffered: true });
`;

describe('the lab, production build, in chromium', () => {
  const ready = skipSuiteUnless(chromiumRequirement());
  let server: Awaited<ReturnType<typeof startPreviewServer>> | undefined;
  let browser: LaunchedChromium | undefined;
  let hub: HubServer | undefined;
  let hubDir: string | undefined;

  beforeAll(async () => {
    if (ready) await start();
  }, 180_000);
  async function start() {
    // A stand-in hub with a huge model's config.json and no weights.
    hubDir = mkdtempSync(path.join(os.tmpdir(), 'distill-big-model-'));
    writeFileSync(path.join(hubDir, 'config.json'), JSON.stringify(BIG_CONFIG));
    // And openai/gsm8k's train split, three items in its layout, for the Data step's real questions.
    writeGsm8kSplit(path.join(hubDir, 'gsm8k'), 'train', GSM8K_TRAIN_ITEMS);
    hub = await startHubServer({ 'test/big-model': hubDir, 'datasets/openai/gsm8k': path.join(hubDir, 'gsm8k') });
    server = await startPreviewServer();
    browser = await launchChromium({ webgpu: true });
    await browser.context.addInitScript(LONG_TASK_RECORDER);
  }

  /** Console errors since `from`; `failedRequests`: less the browser's lines about requests the test makes fail on purpose. */
  const errorsSince = (from: number, failedRequests = false) =>
    browser!.consoleErrors.slice(from).filter((e) => !(failedRequests && /^Failed to load resource: /.test(e)));

  afterAll(async () => {
    await Promise.allSettled([browser?.close(), server?.close(), hub?.close()]);
    if (hubDir) rmSync(hubDir, { recursive: true, force: true });
  });

  it('runs the demo through every step on wasm, then prompts the fine-tuned run', { timeout: 600_000 }, async () => {
    const { page } = browser!;
    const errorsFrom = browser!.consoleErrors.length;
    await page.goto(`${server!.url}/?backend=wasm`);
    await waitForModel(page);
    expect(await page.getByTestId('backend-name').innerText()).toBe('wasm');
    await shot(page, 'model-wasm');

    // Real questions left in the Data step (from the hub, which this machine cannot reach) stay out
    // of the demo: it runs on its own synthetic records, offline.
    await openStep(page, 'Data');
    await fill(page, { 'Real questions (GSM8K)': 3 });
    await page.getByText('Demo size').click();
    // More records than the demo's Data step inspects: training reads them all, the inspection the first ones.
    const records = DEMO_DEFAULTS.inspectRecords + 60;
    await fill(page.getByRole('banner'), { ...TINY_DEMO, 'Training records': String(records) });
    const started = Date.now();
    await page.evaluate(() => ((window as unknown as { __longTasks: number[] }).__longTasks.length = 0));
    await page.getByRole('button', { name: 'Run the demo' }).click();
    // The demo walks the steps itself: data, base eval, training, eval again, compare. An error
    // stops the wait at once, and the assertion below shows it.
    for (const step of ['Data', 'Evaluate', 'Train', 'Evaluate', 'Compare']) {
      await page.locator(`main[data-step="${step}"]`).or(page.getByRole('alert')).first().waitFor({ timeout: 300_000 });
    }
    await page.getByTestId('demo-status').filter({ hasText: /^Done in \d+ s$/ }).or(page.getByRole('alert')).first().waitFor({ timeout: 300_000 });
    expect(await page.getByRole('alert').allInnerTexts()).toEqual([]);
    console.log(`demo on wasm: ${((Date.now() - started) / 1000).toFixed(0)} s`);

    // Compare: the paper's table with the base model and the answer-only fine-tune, and the paired test.
    const table = page.getByTestId('compare-table');
    await expect(table.locator('tbody th').allInnerTexts()).resolves.toEqual(['base', 'answer']);
    await expect(table.locator('tbody td').first().innerText()).resolves.toMatch(/^\d+\.\d ± \d+\.\d \(n 6\)$/);
    await expect(page.getByTestId('paired-result').innerText()).resolves.toMatch(/on 6 items\. \d+ items flipped to right and \d+ to wrong; McNemar's exact test p = /);
    await shot(page, 'compare-wasm');

    // The experiment's recipe for the engines that scale out: a zip of stored (uncompressed) files.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: "Export the experiment's recipe" }).click()]);
    expect(download.suggestedFilename()).toBe('distill-lab-recipe.zip');
    const zip = readFileSync((await download.path())!).toString('utf8');
    for (const name of ['README.md', 'data/answer.jsonl', 'axolotl/answer.yaml', 'trl/train_answer.py', 'llamafactory/answer.yaml', 'lm_eval/commands.sh']) expect(zip).toContain(name);
    // Two evaluations: the base model's and the fine-tuned run's, each an lm_eval command.
    expect(zip.match(/\nlm_eval --model hf /g)).toHaveLength(2);
    await expect(page.getByTestId('recipe-files').innerText()).resolves.toMatch(/^Downloaded \d+ files: README\.md, /);

    // Every step shows what the demo did.
    await openStep(page, 'Data');
    await expect(page.getByTestId('data-format').innerText()).resolves.toBe(`fields (${DEMO_DEFAULTS.inspectRecords})`);
    await expect(page.getByTestId('data-summary').innerText()).resolves.toContain(`${DEMO_DEFAULTS.inspectRecords} (the first ones; the file has more)`);
    await expect(page.getByTestId('strategy-views').locator('article').count()).resolves.toBe(4);
    await shot(page, 'data-wasm');
    await openStep(page, 'Train');
    await expect(page.getByTestId('train-status').innerText()).resolves.toBe('done');
    // The demo's eval-loss curve has DEMO_DEFAULTS.evalPoints points at most: with 3 steps, one a step.
    await expect(page.getByLabel('Eval loss every').inputValue()).resolves.toBe('1');
    const exported = await page.getByTestId('train-exported').innerText();
    expect(exported).toMatch(/runs\/train-.*-answer\/model\/model\.safetensors/);
    const runId = /runs\/(train-[\w.-]+-answer)\/model\//.exec(exported)![1];
    await shot(page, 'train-wasm');
    await openStep(page, 'Evaluate');
    await expect(page.getByTestId('eval-accuracy').innerText()).resolves.toMatch(/^Exact match \(strict\): \d+\.\d% ± \d+\.\d%/);
    await expect(page.getByTestId('sample-gold').innerText()).resolves.toMatch(/^\d+$/);
    await shot(page, 'evaluate-wasm');

    const longTasks = await page.evaluate(() => (window as unknown as { __longTasks: number[] }).__longTasks);
    console.log(`demo on wasm: main-thread long tasks (ms): ${JSON.stringify(longTasks)}`);
    expect(Math.max(0, ...longTasks)).toBeLessThanOrEqual(LONG_TASK_LIMIT_MS);

    // The prompt box runs the fine-tuned run's exported model, then the base model again.
    await openStep(page, 'Model');
    const target = page.getByLabel('Prompt runs on');
    await target.selectOption(runId);
    await page.getByTestId('prompt-target-status').filter({ hasText: `Loaded run ${runId}: ` }).waitFor({ timeout: 60_000 });
    await expect(page.getByTestId('prompt-target-status').innerText()).resolves.toContain('model.safetensors');
    await page.getByLabel('Prompt', { exact: true }).fill('Tom has 3 pens and buys 4 more. How many pens does he have?');
    await page.getByLabel('Max new tokens').fill('6');
    await page.getByRole('button', { name: 'Generate' }).click();
    await page.getByTestId('stats').or(page.getByRole('alert')).first().waitFor({ timeout: 60_000 });
    expect(await page.getByRole('alert').allInnerTexts()).toEqual([]);
    await expect(page.getByTestId('stats').innerText()).resolves.toMatch(/^\d+ tokens from a \d+-token prompt/);
    await shot(page, 'prompt-fine-tuned');
    await target.selectOption('base');
    expect(await page.getByTestId('prompt-target-status').count()).toBe(0);
    await page.getByRole('button', { name: 'Generate' }).click();
    await page.getByTestId('stats').waitFor({ timeout: 60_000 });
    expect(await page.getByRole('alert').allInnerTexts()).toEqual([]);
    expect(errorsSince(errorsFrom)).toEqual([]);
  });

  it('runs the demo\'s path on WebGPU (SwiftShader): one training step and a tiny evaluation', { timeout: 600_000 }, async () => {
    const { page } = browser!;
    const errorsFrom = browser!.consoleErrors.length;
    await page.goto(`${server!.url}/?backend=webgpu`);
    await waitForModel(page);
    expect(await page.getByTestId('backend-name').innerText()).toBe('webgpu');
    expect(await page.getByTestId('software-adapter-warning').count()).toBe(1);

    await readSynthData(page, 16, 96);
    await openStep(page, 'Train');
    await fill(page, { 'Max steps': 1, 'Batch size': 2, 'Held-out examples': 0, 'Checkpoint every': 0 });
    await page.getByRole('button', { name: 'Start training' }).click();
    await page.getByTestId('train-status').filter({ hasText: /^done$/ }).or(page.getByRole('alert')).first().waitFor({ timeout: 280_000 });
    expect(await page.getByRole('alert').allInnerTexts()).toEqual([]);
    await expect(page.getByTestId('train-log').textContent()).resolves.toMatch(/^backend: webgpu\b/m);
    await expect(page.getByTestId('train-metrics').innerText()).resolves.toMatch(/^Step 1 of 1 · loss \d+\.\d{3}/);

    const runId = /^Run (\S+)$/.exec(await page.locator('#train-progress-heading').innerText())![1];

    // The fine-tuned model, evaluated on the same backend, as the demo's second evaluation does.
    await openStep(page, 'Evaluate');
    await page.getByLabel('Model', { exact: true }).selectOption(runId);
    await fill(page, { Items: 2, Limit: 2, 'Batch size': 2, 'Max new tokens': 4 });
    await page.getByRole('button', { name: 'Evaluate', exact: true }).click();
    await page.getByTestId('eval-accuracy').or(page.getByRole('alert')).first().waitFor({ timeout: 280_000 });
    expect(await page.getByRole('alert').allInnerTexts()).toEqual([]);
    await expect(page.getByTestId('eval-accuracy').innerText()).resolves.toMatch(/^Exact match \(strict\): \d+\.\d% ± \d+\.\d%\s+over 2 items/);
    await expect(page.getByTestId('eval-log').textContent()).resolves.toMatch(/^backend: webgpu\b/m);
    await shot(page, 'evaluate-webgpu');
    expect(errorsSince(errorsFrom)).toEqual([]);
  });

  it('resumes a training run from its checkpoint after a reload', { timeout: 600_000 }, async () => {
    const { page } = browser!;
    const errorsFrom = browser!.consoleErrors.length;
    await page.goto(`${server!.url}/?backend=wasm`);
    await waitForModel(page);
    await readSynthData(page, 64);
    await openStep(page, 'Train');
    await fill(page, { 'Max steps': 40, 'Batch size': 4, 'Checkpoint every': 2, 'Held-out examples': 0 });

    // An emptied number field says so and keeps Start disabled until it is filled again.
    const start = page.getByRole('button', { name: 'Start training' });
    await fill(page, { 'Batch size': '' });
    await expect(page.getByTestId('field-problem').innerText()).resolves.toBe('Enter a number.');
    await expect(page.getByLabel('Batch size', { exact: true }).getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(page.getByText('Fix the fields marked above to go on.').count()).resolves.toBe(1);
    expect(await start.isDisabled()).toBe(true);
    await fill(page, { 'Batch size': 4 });
    expect(await page.getByTestId('field-problem').count()).toBe(0);
    expect(await start.isDisabled()).toBe(false);

    // Started from the bottom of the form, the progress bar and the charts come into view.
    await start.scrollIntoViewIfNeeded();
    await start.click();
    await page.getByTestId('train-metrics').waitFor({ timeout: 120_000 });
    expect(await inViewport(page.getByRole('progressbar', { name: 'Training progress' }))).toBe(true);
    expect(await inViewport(page.getByRole('img', { name: /^Training and eval loss by step/ }))).toBe(true);
    await shot(page, 'train-running');
    await page.getByTestId('checkpoint').filter({ hasText: /step [2-9]/ }).waitFor({ timeout: 300_000 });

    await page.reload();
    await waitForModel(page);
    await openStep(page, 'Train');
    const offer = page.getByTestId('resume-offer');
    await expect(offer.innerText()).resolves.toMatch(/\(the tab was closed\)\. Its checkpoint holds step \d+/);
    const checkpoint = Number(/holds step (\d+)/.exec(await offer.innerText())![1]);
    await shot(page, 'resume-offer');
    await offer.getByRole('button', { name: `Resume from step ${checkpoint}` }).click();
    await page.getByTestId('train-status').filter({ hasText: /^done$/ }).waitFor({ timeout: 300_000 });
    // The worker continued from the checkpoint, not from the start, and finished the run.
    await expect(page.getByTestId('train-log').textContent()).resolves.toContain(`resuming at step ${checkpoint} of 40`);
    await expect(page.getByTestId('runs').innerText()).resolves.toMatch(/train · answer · done · step 40 of 40/);
    expect(await page.getByTestId('resume-offer').count()).toBe(0);
    expect(errorsSince(errorsFrom)).toEqual([]);
  });

  it('opens the app and the default model with the network off', { timeout: 300_000 }, async () => {
    const { page, context } = browser!;
    const errorsFrom = browser!.consoleErrors.length;
    await page.goto(`${server!.url}/?backend=wasm`);
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    await waitForModel(page);
    await context.setOffline(true);
    try {
      await page.reload();
      await waitForModel(page);
      await expect(page.getByTestId('model-summary').innerText()).resolves.toContain('/models/distill-tiny');
      await shot(page, 'offline');
    } finally {
      await context.setOffline(false);
    }
    expect(errorsSince(errorsFrom)).toEqual([]);
  });

  it('serves the bundled model byte for byte as its checksums.json says (SHA-256 computed in the page)', { timeout: 120_000 }, async () => {
    const { page } = browser!;
    const { sha256 } = JSON.parse(readFileSync(path.join(REPO_ROOT, DEFAULT_MODEL_DIR, 'checksums.json'), 'utf8')) as { sha256: Record<string, string> };
    await page.goto(`${server!.url}/?backend=wasm`);
    const inPage = await page.evaluate(
      async ({ base, files }) => {
        const out: Record<string, string> = {};
        for (const f of files) {
          const digest = await crypto.subtle.digest('SHA-256', await (await fetch(`${base}${f}`)).arrayBuffer());
          out[f] = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
        }
        return out;
      },
      { base: DEFAULT_MODEL_URL_PATH, files: Object.keys(sha256) },
    );
    expect(inPage).toEqual(sha256);
  });

  it('shows what is wrong with a malformed data file, or a file of another type, and keeps working', { timeout: 300_000 }, async () => {
    const { page } = browser!;
    const errorsFrom = browser!.consoleErrors.length;
    await page.goto(`${server!.url}/?backend=wasm`);
    await waitForModel(page);
    await openStep(page, 'Data');
    await page.getByRole('form', { name: 'Training data' }).getByLabel('A file').check();
    const dropzone = page.locator('.dropzone input[type="file"]');
    const lines = [
      JSON.stringify({ question: 'What is 2 + 3?', response: '<think>2 + 3 = 5</think>\n\nThe answer is 5.\n#### 5' }),
      '{"question": "broken',
      JSON.stringify({ prompt_text: 'no known fields' }),
      JSON.stringify({ question: 'What is 4 × 2?', response: '<think>4 × 2 = 8</think>\n\n#### 8' }),
    ];
    await dropzone.setInputFiles({ name: 'bad.jsonl', mimeType: 'application/jsonl', buffer: Buffer.from(lines.join('\n')) });
    await page.getByTestId('skipped-lines').waitFor({ timeout: 60_000 });
    const skipped = await page.getByTestId('skipped-lines').innerText();
    expect(skipped).toMatch(/2 lines skipped/);
    expect(skipped).toMatch(/line 2: /);
    expect(skipped).toMatch(/line 3: /);
    await expect(page.getByTestId('data-format').innerText()).resolves.toBe('fields (2)');
    await shot(page, 'malformed-data');

    // A file of a type the picker does not take: named, with the types it takes; the data read stays.
    await dropzone.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('just some notes') });
    await expect(page.getByRole('alert').innerText()).resolves.toBe(
      'Data error: notes.txt is not a file this step reads: choose a .jsonl, .ndjson, .json or .parquet file.',
    );
    await expect(page.getByTestId('data-file').innerText()).resolves.toBe('bad.jsonl');
    await expect(page.getByTestId('data-format').innerText()).resolves.toBe('fields (2)');

    // A file that is not data at all: one clear error, and the page still works.
    await dropzone.setInputFiles({ name: 'notes.parquet', mimeType: 'application/octet-stream', buffer: Buffer.from('not a parquet file') });
    await expect(page.getByRole('alert').innerText()).resolves.toMatch(/notes\.parquet/);

    // A ZSTD-compressed Parquet file, as the hub's datasets often are, read in the data worker.
    const zstd = writeParquetArrowRs(
      {
        question: ['What is 2 + 3?', 'What is 4 × 2?', 'What is 9 - 1?'],
        response: ['<think>2 + 3 = 5</think>\n\n#### 5', '<think>4 × 2 = 8</think>\n\n#### 8', '<think>9 - 1 = 8</think>\n\n#### 8'],
      },
      { codec: 'ZSTD' },
    );
    await dropzone.setInputFiles({ name: 'zstd.parquet', mimeType: 'application/octet-stream', buffer: Buffer.from(zstd) });
    await expect(page.getByTestId('data-summary').filter({ hasText: 'zstd.parquet' }).innerText({ timeout: 60_000 })).resolves.toMatch(/Records read\s+3/);
    await expect(page.getByTestId('data-format').innerText()).resolves.toBe('fields (3)');
    expect(await page.getByRole('alert').count()).toBe(0);
    await page.getByLabel('Synthetic teacher (bundled)').check();
    // An emptied field blocks reading until it is filled.
    await fill(page, { Records: '' });
    await expect(page.getByTestId('field-problem').innerText()).resolves.toBe('Enter a number.');
    expect(await page.getByRole('button', { name: 'Read the data' }).isDisabled()).toBe(true);
    await fill(page, { Records: 8 });
    await page.getByRole('button', { name: 'Read the data' }).click();
    await page.getByTestId('data-summary').waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(errorsSince(errorsFrom)).toEqual([]);
  });

  it('makes distilled data with the teacher, resumes it after a reload, reads it, and shows a model summary beside the extractive one', { timeout: 300_000 }, async () => {
    const { page } = browser!;
    const errorsFrom = browser!.consoleErrors.length;
    await page.goto(`${server!.url}/?backend=wasm`);
    await waitForModel(page);
    await openStep(page, 'Data');
    const panel = page.getByTestId('teacher-panel');
    await panel.locator('summary').click();
    await fill(panel, { Questions: 40, 'Tokens per response': 96, 'Teacher batch': 1 });
    await panel.getByRole('button', { name: 'Start the teacher' }).click();
    // A reload once a batch is saved: what was saved stays, and the panel offers to resume.
    await expect(page.getByTestId('teacher-progress').innerText({ timeout: 60_000 })).resolves.toMatch(/^Teaching: /);
    await page.getByTestId('teacher-progress').filter({ hasText: /Teaching: ([2-9]|[1-3]\d) of 40 responses/ }).waitFor({ timeout: 60_000 });
    await page.reload();
    await waitForModel(page);
    await openStep(page, 'Data');
    await panel.locator('summary').click();
    await panel.getByRole('button', { name: /^Resume the last job/ }).click();
    await expect(panel.getByTestId('teacher-result').innerText({ timeout: 120_000 })).resolves.toMatch(/^Done: 40 responses kept\./);
    await expect(panel.innerText()).resolves.toMatch(/resuming: ([2-9]|[1-3]\d) responses already saved/);
    await panel.getByRole('button', { name: 'Read them in this step' }).click();
    await expect(page.getByTestId('data-summary').filter({ hasText: 'distilled.jsonl' }).innerText({ timeout: 60_000 })).resolves.toMatch(/Records read\s+40/);
    await shot(page, 'teacher');

    // The model summarizer on data with reasoning: the think-summary view shows both summaries.
    await readSynthData(page, 4);
    const summarizer = page.getByTestId('summarizer-panel');
    await summarizer.locator('summary').click();
    await fill(summarizer, { 'Tokens per summary': 16 });
    await summarizer.getByRole('button', { name: 'Summarize with the loaded model' }).click();
    await page.getByTestId('data-summary').filter({ hasText: 'summarized.jsonl' }).waitFor({ timeout: 120_000 });
    const both = page.getByTestId('summaries');
    await expect(both.innerText()).resolves.toMatch(/Model summary \(trained on\)[\s\S]+Extractive summary \(rules\)/);
    await shot(page, 'summaries');
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(errorsSince(errorsFrom)).toEqual([]);
  });

  it('says what to do after a failure, shows evaluation progress within a batch, and the demo\'s status once it stopped', { timeout: 300_000 }, async () => {
    const { page } = browser!;
    const errorsFrom = browser!.consoleErrors.length;
    await page.goto(`${server!.url}/?backend=wasm`);
    await waitForModel(page);

    // An evaluation whose data cannot be downloaded: the error, then what to do.
    await openStep(page, 'Evaluate');
    await page.getByLabel('A URL').check();
    await page.getByLabel('Eval data URL').fill('http://127.0.0.1:9/missing.jsonl');
    await fill(page, { Limit: 2, 'Batch size': 2, 'Max new tokens': 16 });
    const evaluate = page.getByRole('button', { name: 'Evaluate', exact: true });
    await evaluate.click();
    const advice = page.getByTestId('error-advice');
    await advice.waitFor({ timeout: 60_000 });
    await expect(page.getByRole('alert').innerText()).resolves.toMatch(/^Evaluation error: .*127\.0\.0\.1:9\/missing\.jsonl/);
    await expect(advice.innerText()).resolves.toMatch(/^What to do: Check the eval data URL/);

    // Two items in one batch: progress arrives while the batch decodes, with elapsed and left.
    await page.getByLabel('Synthetic held-out problems').check();
    await fill(page, { Items: 2 });
    await recordTexts(page, '__evalProgress', '[data-testid="eval-progress"]');
    await evaluate.click();
    await page.getByTestId('eval-accuracy').or(page.getByRole('alert')).first().waitFor({ timeout: 60_000 });
    expect(await page.getByRole('alert').count()).toBe(0);
    const progress = await recordedTexts(page, '__evalProgress');
    const withinBatch = progress.filter((t) => /^Evaluating: 0 of 2 items done \((\d+)%\) · \d+ s elapsed · (about \d+ s left|time left not known yet)$/.test(t) && !/\((0|100)%\)/.test(t));
    expect(withinBatch, progress.join('\n')).not.toEqual([]);
    expect(progress.some((t) => /about \d+ s left$/.test(t)), progress.join('\n')).toBe(true);

    // Training that diverges: the error names the learning rate, and so does the advice.
    await readSynthData(page, 16, 64);
    await openStep(page, 'Train');
    await fill(page, { 'Learning rate': '1e30', 'Max steps': 6, 'Batch size': 2, 'Held-out examples': 0, 'Checkpoint every': 0, 'Warmup steps': 0 });
    await page.getByRole('button', { name: 'Start training' }).click();
    await page.getByTestId('error-advice').waitFor({ timeout: 120_000 });
    await expect(page.getByRole('alert').innerText()).resolves.toMatch(/^Training error: .*the loss or gradient was not finite for 3 steps in a row/);
    await expect(page.getByTestId('error-advice').innerText()).resolves.toBe('What to do: Lower the Learning rate (e.g. divide it by 10) and start again.');
    await shot(page, 'train-error-advice');

    // The demo, cancelled while it fine-tunes: its status line says where it stopped, not what it was doing.
    await page.getByText('Demo size').click();
    await fill(page.getByRole('banner'), { ...TINY_DEMO, 'Training steps': '500', 'Eval items': '2', 'Tokens per answer': '4' });
    await page.getByRole('button', { name: 'Run the demo' }).click();
    await page.getByTestId('demo-status').filter({ hasText: 'Fine-tuning on answers only…' }).waitFor({ timeout: 120_000 });
    await page.getByTestId('train-metrics').or(page.getByRole('alert')).first().waitFor({ timeout: 120_000 });
    expect(await page.getByRole('alert').allInnerTexts()).toEqual([]);
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByTestId('demo-status').filter({ hasText: /^Stopped in the Train step after \d+ s\.$/ }).waitFor({ timeout: 60_000 });
    await expect(page.getByRole('banner').getByRole('alert').innerText()).resolves.toBe('Demo stopped: Training did not finish: it was paused or cancelled');
    expect(await page.getByText('Fine-tuning on answers only…').count()).toBe(0);
    expect(errorsSince(errorsFrom, true)).toEqual([]);
  });

  it('lists the other saved runs when one run file is damaged, and deletes runs only when confirmed', { timeout: 120_000 }, async () => {
    const { page } = browser!;
    const errorsFrom = browser!.consoleErrors.length;
    await page.goto(`${server!.url}/?backend=wasm`);
    const good = {
      kind: 'eval',
      id: 'eval-20260101-000000-test-base',
      createdAt: '2026-01-01T00:00:00.000Z',
      model: { label: 'base', trainRunId: null, strategy: 'base' },
      task: 'chat',
      dataLabel: 'synthetic n 1 seed 0 difficulty 1',
      metrics: { 'exact_match,strict-match': 1, 'exact_match_stderr,strict-match': 0 },
      seconds: 1,
      samples: [{ id: 0, question: 'What is 1 + 1?', gold: '2', solution: '#### 2', completion: '#### 2', strict: '2', correct: 1, flexible: '2' }],
    };
    await writeOpfs(page, 'lab/runs', { [`${good.id}.json`]: JSON.stringify(good), 'train-20260101-000000-test-answer.json': '{"kind": "train", "id": "tra' });
    await page.reload();
    await waitForModel(page);

    const damaged = page.getByTestId('damaged-run');
    await expect(damaged.innerText()).resolves.toMatch(
      /^browser storage \(OPFS\) lab\/runs\/train-20260101-000000-test-answer\.json is damaged and is left out of the list below; the other runs are fine\..*not valid JSON/s,
    );
    const runs = page.getByTestId('runs');
    await expect(runs.innerText()).resolves.toContain(`eval · base · chat · 100.0% ${good.id}`);
    await shot(page, 'damaged-run');

    // Deleting asks first; "Keep" keeps the run.
    await page.getByRole('button', { name: `Delete run ${good.id}` }).click();
    const confirm = page.getByRole('group', { name: `Confirm: Delete run ${good.id}` });
    await expect(confirm.innerText()).resolves.toMatch(new RegExp(`^Delete run ${good.id} and its files .*\\? This cannot be undone`));
    await confirm.getByRole('button', { name: 'Keep' }).click();
    await expect(runs.innerText()).resolves.toContain(good.id);
    await page.getByRole('button', { name: `Delete run ${good.id}` }).click();
    await confirm.getByRole('button', { name: 'Yes, delete' }).click();
    await page.getByRole('button', { name: 'Delete the damaged file train-20260101-000000-test-answer.json' }).click();
    await page.getByRole('group', { name: /^Confirm: Delete the damaged file/ }).getByRole('button', { name: 'Yes, delete' }).click();
    // The deletions are asynchronous (OPFS): reload once the page shows them done.
    await damaged.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: `Delete run ${good.id}` }).waitFor({ state: 'detached' });

    // Both are gone from storage: a reload shows neither.
    await page.reload();
    await waitForModel(page);
    expect(await page.getByText(good.id).count()).toBe(0);
    expect(await damaged.count()).toBe(0);
    expect(errorsSince(errorsFrom)).toEqual([]);
  });

  it("adds real questions from the hub's openai/gsm8k after the synthetic records", { timeout: 120_000 }, async () => {
    const { page } = browser!;
    const errorsFrom = browser!.consoleErrors.length;
    await page.goto(`${server!.url}/?${new URLSearchParams({ backend: 'wasm', endpoint: hub!.url })}`);
    await waitForModel(page);
    await openStep(page, 'Data');
    await fill(page, { Records: 4, 'Real questions (GSM8K)': 5 });
    await page.getByRole('button', { name: 'Read the data' }).click();
    // Two of the three items are kept (one has a decimal), after the 4 synthetic records.
    await expect(page.getByTestId('data-summary').filter({ hasText: 'gsm8k2.jsonl' }).innerText({ timeout: 60_000 })).resolves.toMatch(/Records read\s+6/);
    await expect(page.getByText(/^GSM8K items: 2 kept of the first 3 of 3; left out: .*1 that one-operation whole-number lines cannot state/).count()).resolves.toBe(1);
    expect(hub!.requests).toContain('/datasets/openai/gsm8k/resolve/main/main/train-00000-of-00001.parquet');
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(errorsSince(errorsFrom)).toEqual([]);
  });

  it('asks before loading a model bigger than the device reports, and loads it only on "Load anyway"', { timeout: 120_000 }, async () => {
    const { page } = browser!;
    const errorsFrom = browser!.consoleErrors.length;
    const query = new URLSearchParams({ model: 'test/big-model', endpoint: hub!.url, backend: 'wasm' });
    await page.goto(`${server!.url}/?${query}`);
    const consent = page.getByRole('alertdialog');
    await consent.waitFor({ timeout: 60_000 });
    await expect(consent.innerText()).resolves.toMatch(/^This model may not fit in memory\.\s+MistralForCausalLM from hub model test\/big-model@main .*memory estimate: [\d.]+B parameters .* more than the [\d.]+ GB this device reports/);
    await expect(consent.getByRole('button', { name: 'Load anyway' }).count()).resolves.toBe(1);
    await shot(page, 'load-consent');
    await consent.getByRole('button', { name: 'Cancel' }).click();
    await expect(page.getByTestId('load-notice').innerText()).resolves.toMatch(/^Not loaded: nothing was allocated\./);
    expect(await page.getByTestId('model-summary').count()).toBe(0);
    // Only config.json was asked for: no weights were downloaded.
    expect(hub!.requests.filter((p) => p.includes('safetensors'))).toEqual([]);

    // Load again and agree: the same request goes on (here to the missing weights, a clear error).
    await page.getByRole('button', { name: 'Load', exact: true }).click();
    await consent.waitFor({ timeout: 60_000 });
    await consent.getByRole('button', { name: 'Load anyway' }).click();
    await page.getByRole('alert').waitFor({ timeout: 60_000 });
    await expect(page.getByRole('alert').innerText()).resolves.toMatch(/model\.safetensors/);
    await expect(page.getByTestId('error-advice').innerText()).resolves.toMatch(/^What to do: Check the model id or URL in step 1/);
    expect(hub!.requests.some((p) => p.endsWith('/model.safetensors'))).toBe(true);
    expect(errorsSince(errorsFrom, true)).toEqual([]);
  });
});
