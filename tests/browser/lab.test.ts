// End-to-end: the lab as users get it, the production build (service worker included) served
// with COOP/COEP, in Debian's chromium. The bundled default model, tiny settings:
// - "Run the demo" through every step, on wasm and on WebGPU (SwiftShader), with no long task
//   over 200 ms on the main thread while it runs;
// - a reload during training, then a resume from the checkpoint;
// - a reload with the network off, which still opens the app on the default model;
// - a malformed data file, whose errors are shown while the rest keeps working.
// Screenshots go to artifacts/lab-*.png.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium, type LaunchedChromium } from '../helpers/chromium';
import { REPO_ROOT, startPreviewServer } from '../helpers/vite-server';

const ARTIFACTS = path.join(REPO_ROOT, 'artifacts');
const LONG_TASK_LIMIT_MS = 200;
const TINY_DEMO = { 'Training records': '48', 'Training steps': '3', 'Eval items': '6', 'Tokens per answer': '12' };

/** Records every main-thread long task (PerformanceObserver 'longtask') from page start. */
const LONG_TASK_RECORDER = `
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longTasks.push(Math.round(e.duration));
  }).observe({ type: 'longtask', buffered: true });
`;

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `lab-${name}.png`), fullPage: true });
}

async function openStep(page: Page, step: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Steps' }).getByRole('button', { name: step }).click();
  await page.waitForSelector(`main[data-step="${step}"]`);
}

async function waitForModel(page: Page): Promise<void> {
  await page.locator('[data-testid="model-summary"], [role="alert"]').first().waitFor({ timeout: 120_000 });
  expect(await page.getByRole('alert').count()).toBe(0);
}

const available = chromiumAvailable();

describe.skipIf(!available)('the lab, production build, in chromium', () => {
  let server: Awaited<ReturnType<typeof startPreviewServer>> | undefined;
  let browser: LaunchedChromium | undefined;

  beforeAll(async () => {
    server = await startPreviewServer();
    browser = await launchChromium({ webgpu: true });
    await browser.context.addInitScript(LONG_TASK_RECORDER);
  }, 180_000);

  afterAll(async () => {
    await Promise.allSettled([browser?.close(), server?.close()]);
  });

  async function runDemo(backend: 'wasm' | 'webgpu'): Promise<void> {
    const { page, consoleErrors } = browser!;
    await page.goto(`${server!.url}/?backend=${backend}`);
    await waitForModel(page);
    expect(await page.getByTestId('backend-name').innerText()).toBe(backend);
    if (backend === 'webgpu') await expect(page.getByTestId('software-adapter-warning').count()).resolves.toBe(1);
    await shot(page, `model-${backend}`);

    await page.getByText('Demo size').click();
    for (const [label, value] of Object.entries(TINY_DEMO)) await page.getByRole('banner').getByLabel(label).fill(value);
    const started = Date.now();
    await page.evaluate(() => ((window as unknown as { __longTasks: number[] }).__longTasks.length = 0));
    await page.getByRole('button', { name: 'Run the demo' }).click();
    // The demo walks the steps itself: data, base eval, training, eval again, compare.
    for (const step of ['Data', 'Evaluate', 'Train', 'Evaluate', 'Compare']) await page.waitForSelector(`main[data-step="${step}"]`, { timeout: 300_000 });
    await page.getByTestId('demo-status').filter({ hasText: /^Done in \d+/ }).or(page.getByRole('alert')).first().waitFor({ timeout: 300_000 });
    expect(await page.getByRole('alert').allInnerTexts()).toEqual([]);
    const seconds = (Date.now() - started) / 1000;
    console.log(`demo on ${backend}: ${seconds.toFixed(0)} s`);

    // Compare: the paper's table with the base model and the answer-only fine-tune, and the paired test.
    const table = page.getByTestId('compare-table');
    await expect(table.locator('tbody th').allInnerTexts()).resolves.toEqual(['base', 'answer']);
    await expect(table.locator('tbody td').first().innerText()).resolves.toMatch(/^\d+\.\d ± \d+\.\d \(n 6\)$/);
    await expect(page.getByTestId('paired-result').innerText()).resolves.toMatch(/on 6 items\. \d+ items flipped to right and \d+ to wrong; McNemar's exact test p = /);
    await shot(page, `compare-${backend}`);

    // Every step shows what the demo did.
    await openStep(page, 'Data');
    await expect(page.getByTestId('data-format').innerText()).resolves.toBe('fields (48)');
    await expect(page.getByTestId('strategy-views').locator('article').count()).resolves.toBe(4);
    await shot(page, `data-${backend}`);
    await openStep(page, 'Train');
    await expect(page.getByTestId('train-status').innerText()).resolves.toBe('done');
    await expect(page.getByTestId('train-exported').innerText()).resolves.toMatch(/runs\/train-.*-answer\/model\/model\.safetensors/);
    await shot(page, `train-${backend}`);
    await openStep(page, 'Evaluate');
    await expect(page.getByTestId('eval-accuracy').innerText()).resolves.toMatch(/^Exact match \(strict\): \d+\.\d% ± \d+\.\d%/);
    await expect(page.getByTestId('sample-gold').innerText()).resolves.toMatch(/^\d+$/);
    await shot(page, `evaluate-${backend}`);

    const longTasks = await page.evaluate(() => (window as unknown as { __longTasks: number[] }).__longTasks);
    console.log(`demo on ${backend}: main-thread long tasks (ms): ${JSON.stringify(longTasks)}`);
    expect(Math.max(0, ...longTasks)).toBeLessThanOrEqual(LONG_TASK_LIMIT_MS);
    expect(consoleErrors).toEqual([]);
  }

  it('runs the demo through every step on wasm', { timeout: 600_000 }, () => runDemo('wasm'));

  it('runs the demo through every step on WebGPU (SwiftShader)', { timeout: 600_000 }, () => runDemo('webgpu'));

  it('resumes a training run from its checkpoint after a reload', { timeout: 600_000 }, async () => {
    const { page, consoleErrors } = browser!;
    await page.goto(`${server!.url}/?backend=wasm`);
    await waitForModel(page);
    await openStep(page, 'Data');
    await page.getByLabel('Records', { exact: true }).fill('64');
    await page.getByRole('button', { name: 'Read the data' }).click();
    await page.getByTestId('data-summary').waitFor();
    await openStep(page, 'Train');
    for (const [label, value] of [['Max steps', '40'], ['Batch size', '4'], ['Checkpoint every', '2'], ['Held-out examples', '0']]) {
      await page.getByLabel(label, { exact: true }).fill(value);
    }
    await page.getByRole('button', { name: 'Start training' }).click();
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
    expect(consoleErrors).toEqual([]);
  });

  it('opens the app and the default model with the network off', { timeout: 300_000 }, async () => {
    const { page, context, consoleErrors } = browser!;
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
    expect(consoleErrors).toEqual([]);
  });

  it('shows what is wrong with a malformed data file and keeps working', { timeout: 300_000 }, async () => {
    const { page, consoleErrors } = browser!;
    await page.goto(`${server!.url}/?backend=wasm`);
    await waitForModel(page);
    await openStep(page, 'Data');
    await page.getByLabel('A file').check();
    const lines = [
      JSON.stringify({ question: 'What is 2 + 3?', response: '<think>2 + 3 = 5</think>\n\nThe answer is 5.\n#### 5' }),
      '{"question": "broken',
      JSON.stringify({ prompt_text: 'no known fields' }),
      JSON.stringify({ question: 'What is 4 × 2?', response: '<think>4 × 2 = 8</think>\n\n#### 8' }),
    ];
    await page.locator('.dropzone input[type="file"]').setInputFiles({ name: 'bad.jsonl', mimeType: 'application/jsonl', buffer: Buffer.from(lines.join('\n')) });
    await page.getByTestId('skipped-lines').waitFor({ timeout: 60_000 });
    const skipped = await page.getByTestId('skipped-lines').innerText();
    expect(skipped).toMatch(/2 lines skipped/);
    expect(skipped).toMatch(/line 2: /);
    expect(skipped).toMatch(/line 3: /);
    await expect(page.getByTestId('data-format').innerText()).resolves.toBe('fields (2)');
    await shot(page, 'malformed-data');

    // A file that is not data at all: one clear error, and the page still works.
    await page.locator('.dropzone input[type="file"]').setInputFiles({ name: 'notes.parquet', mimeType: 'application/octet-stream', buffer: Buffer.from('not a parquet file') });
    await expect(page.getByRole('alert').innerText()).resolves.toMatch(/notes\.parquet/);
    await page.getByLabel('Synthetic teacher (bundled)').check();
    await page.getByLabel('Records', { exact: true }).fill('8');
    await page.getByRole('button', { name: 'Read the data' }).click();
    await page.getByTestId('data-summary').waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(consoleErrors).toEqual([]);
  });
});
