// Training speed in headless Chromium, per backend: the training worker fine-tunes the bundled
// default model (or --model) for a few steps, as the page runs it. Prints, asserts nothing; run
// by hand:
//
//   npx tsx bench/train-browser.ts [--backend webgpu|webgl|wasm] [--steps N] [--batch N]
//                                  [--max-length N] [--model SOURCE] [--gpu]
//
// Without --backend it runs webgpu, webgl and wasm in turn, each in a fresh browser. By default
// WebGPU and WebGL run on SwiftShader (software, as on a machine without a GPU); --gpu leaves the
// SwiftShader flags out and asks Chromium for the hardware GPU (Vulkan through ANGLE). --model
// takes what the page's model box takes (a site path, an http(s) URL of a model folder, a hub id);
// the default is the bundled model. Batch and length default to the bundled model's preset, on
// synthetic records (answer strategy). It prints, per backend: the backend that ran (with the
// WebGPU adapter), the first step's seconds (shader compilation included), the training tokens/s
// and ms per step of the steps after it (median), the peak tfjs tensor memory, and any warning the
// run logged (such as tfjs's "High memory usage in GPU").
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import type { BackendName } from '../models/backend';
import { formatBytes } from '../models/memory';
import { synthDataset } from '../src/lib/data/synth';
import { DEFAULT_MODEL_URL_PATH } from '../src/lib/default-model';
import { BUNDLED_PRESET } from '../src/lib/pipeline/defaults';
import type { TrainRun, TrainRunResult } from '../tests/browser/train-page';
import { CHROMIUM_PATH, chromiumRequirement, withTimeout } from '../tests/helpers/chromium';
import { startHubServer } from '../tests/helpers/hub-server';
import { startViteServer } from '../tests/helpers/vite-server';
import { median } from './timing';

const BACKENDS = ['webgpu', 'webgl', 'wasm'] as const satisfies readonly BackendName[];
type Backend = (typeof BACKENDS)[number];

const BASE_ARGS = ['--headless', '--no-sandbox', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/** No GPU: WebGPU through SwiftShader's Vulkan, WebGL through SwiftShader (tests/helpers/chromium.ts). */
const SWIFTSHADER_ARGS = ['--enable-unsafe-webgpu', '--enable-unsafe-swiftshader'];
/** A hardware GPU in headless Chromium on Linux: ANGLE on Vulkan for WebGL, Vulkan for WebGPU. */
const GPU_ARGS = ['--enable-unsafe-webgpu', '--ignore-gpu-blocklist', '--use-angle=vulkan', '--enable-features=Vulkan', '--disable-vulkan-surface'];

/** How long one backend's run may take before the bench gives up on it. */
const RUN_TIMEOUT_MS = 30 * 60_000;

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function intOption(name: string, fallback: number): number {
  const text = option(name);
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, not ${text}`);
  return n;
}

interface Row {
  asked: Backend;
  ran: string;
  steps: number;
  firstStepS: number;
  tokensPerS: number;
  msPerStep: number;
  peak: string;
  loss: string;
  notes: string[];
}

async function runOne(backend: Backend, run: Omit<TrainRun, 'source'> & { source: Omit<TrainRun['source'], 'backend' | 'runId'> }, baseUrl: string, gpu: boolean): Promise<Row> {
  const userDataDir = mkdtempSync(path.join(os.tmpdir(), 'distill-bench-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    args: [...BASE_ARGS, ...(gpu ? GPU_ARGS : SWIFTSHADER_ARGS)],
    timeout: 60_000,
  });
  const notes: string[] = [];
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    // The training worker's console comes through its page.
    page.on('console', (m) => {
      if (m.type() === 'warning' || m.type() === 'error') notes.push(`${m.type()}: ${m.text().split('\n')[0]}`);
    });
    page.on('pageerror', (e) => notes.push(`pageerror: ${e.message}`));
    await page.goto(`${baseUrl}/tests/browser/train.html`, { timeout: 120_000 });
    await page.waitForFunction(() => typeof window.trainTest === 'object', undefined, { timeout: 120_000 });
    const request: TrainRun = { ...run, source: { ...run.source, runId: `bench-${backend}`, backend } };
    const r: TrainRunResult = await withTimeout(page.evaluate((x) => window.trainTest!.run(x), request), RUN_TIMEOUT_MS, `training on ${backend}`);
    if (r.error) notes.push(`error: ${r.error}`);
    const ms = r.steps.map((m, i) => (m.elapsedSeconds - (i ? r.steps[i - 1].elapsedSeconds : 0)) * 1000);
    const later = r.steps.slice(1);
    const adapter = r.backend?.adapter;
    const threads = r.backend?.wasmThreads;
    const details = adapter
      ? `${[adapter.vendor, adapter.architecture, adapter.description].filter(Boolean).join(' ')}, ${adapter.isSoftware ? 'software' : 'hardware'}`
      : threads !== undefined ? `${threads} thread${threads === 1 ? '' : 's'}` : '';
    return {
      asked: backend,
      ran: r.backend ? `${r.backend.name}${details && ` (${details})`}` : 'none',
      steps: r.steps.length,
      firstStepS: ms.length ? ms[0] / 1000 : NaN,
      tokensPerS: median(later.map((m) => m.tokensPerSecond)),
      msPerStep: median(ms.slice(1)),
      peak: r.done ? formatBytes(r.done.peakBytes) : '–',
      loss: r.steps.length ? `${r.steps[0].loss.toFixed(3)} → ${r.steps.at(-1)!.loss.toFixed(3)}` : '–',
      notes,
    };
  } catch (e) {
    notes.push(`failed: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
    return { asked: backend, ran: 'none', steps: 0, firstStepS: NaN, tokensPerS: NaN, msPerStep: NaN, peak: '–', loss: '–', notes };
  } finally {
    await context.close().catch(() => undefined);
    rmSync(userDataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const asked = option('backend');
  if (asked !== undefined && !(BACKENDS as readonly string[]).includes(asked)) throw new Error(`--backend must be one of ${BACKENDS.join(', ')}, not ${asked}`);
  const backends: Backend[] = asked ? [asked as Backend] : [...BACKENDS];
  const steps = intOption('steps', 5);
  const batchSize = intOption('batch', BUNDLED_PRESET.train.batchSize);
  const maxLength = intOption('max-length', BUNDLED_PRESET.train.maxLength);
  const model = option('model') ?? DEFAULT_MODEL_URL_PATH;
  const gpu = process.argv.includes('--gpu');
  const need = chromiumRequirement();
  if (!need.available) throw new Error(need.reason);

  // The training data, served as a hub file: enough synthetic records for every step.
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'distill-bench-data-'));
  const records = synthDataset({ n: batchSize * steps, seed: BUNDLED_PRESET.synth.seed, difficulty: [1, 4] });
  writeFileSync(path.join(dataDir, 'train.jsonl'), `${records.map((r) => JSON.stringify(r)).join('\n')}\n`);
  const hub = await startHubServer({ 'bench/data': dataDir });
  const server = await startViteServer();
  const rows: Row[] = [];
  try {
    const run = {
      source: { model, data: `${hub.url}/bench/data/resolve/main/train.jsonl`, strategy: 'answer' as const },
      config: { mode: 'full' as const, batchSize, maxLength, maxSteps: steps, learningRate: BUNDLED_PRESET.train.learningRate, warmupSteps: 1, seed: BUNDLED_PRESET.train.seed },
    };
    console.log(`model ${model}; full fine-tuning, batch ${batchSize}, max length ${maxLength}, ${steps} steps; ${gpu ? 'hardware GPU flags' : 'SwiftShader (no GPU)'}`);
    for (const backend of backends) {
      console.log(`training on ${backend}…`);
      rows.push(await runOne(backend, run, server.url, gpu));
    }
  } finally {
    await Promise.allSettled([server.close(), hub.close()]);
    rmSync(dataDir, { recursive: true, force: true });
  }

  const fmt = (n: number, digits: number) => (Number.isFinite(n) ? n.toFixed(digits) : '–');
  console.log('\n| backend | ran on | steps | first step s | tokens/s | ms/step | peak tensor memory | loss |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(`| ${r.asked} | ${r.ran} | ${r.steps} | ${fmt(r.firstStepS, 1)} | ${fmt(r.tokensPerS, 1)} | ${fmt(r.msPerStep, 0)} | ${r.peak} | ${r.loss} |`);
  }
  console.log('\ntokens/s and ms/step: median of the steps after the first (which compiles the shaders on webgpu and webgl).');
  for (const r of rows) for (const note of r.notes) console.log(`${r.asked}: ${note}`);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
