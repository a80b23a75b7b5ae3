// The one pipeline (src/lib/pipeline) that the workers, the CLI and the experiment call: a run's
// folder and run.json, eval progress inside a batch, and gsm8k's few-shot pool from the hub's
// train split whichever door the eval comes through.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synthDataset, toJsonl } from '../src/lib/data/synth';
import { runEvaluation, type EvalEvent } from '../src/lib/pipeline/evaluate';
import { resumeTraining, startTraining, type TrainEvent, type TrainHost } from '../src/lib/pipeline/train';
import { nodeFolderStore } from '../src/lib/storage/node-store';
import { cli, lastJson } from './helpers/cli';
import { startHubServer, type HubServer } from './helpers/hub-server';
import { sharedPath, sharedRequirement, skipUnless } from './helpers/shared';
import { useBackend } from './helpers/tf';
import { writeTinyModelFolder } from './helpers/tiny-tokenizer';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'distill-pipeline-'));
const needs = [sharedRequirement('fixtures', 'tiny-llama-ref'), sharedRequirement('data', 'gsm8k', 'test.jsonl')];
const modelDir = path.join(tmp, 'model');
let hub: HubServer | undefined;

/** openai/gsm8k's test and train splits as the hub serves them (Parquet), 12 rows each. */
async function gsm8kHub(): Promise<HubServer> {
  const rows = readFileSync(sharedPath('data', 'gsm8k', 'test.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const dir = path.join(tmp, 'hub', 'main');
  mkdirSync(dir, { recursive: true });
  const write = (name: string, part: { question: string; answer: string }[]) =>
    writeFileSync(
      path.join(dir, name),
      new Uint8Array(parquetWriteBuffer({ columnData: [{ name: 'question', data: part.map((r) => r.question) }, { name: 'answer', data: part.map((r) => r.answer) }] })),
    );
  write('test-00000-of-00001.parquet', rows.slice(0, 12));
  write('train-00000-of-00001.parquet', rows.slice(100, 112));
  return startHubServer({ 'datasets/openai/gsm8k': path.join(tmp, 'hub') });
}

beforeAll(async () => {
  await useBackend('wasm');
  if (needs.every((n) => n.available)) {
    writeTinyModelFolder(modelDir, { withTokenizer: true });
    hub = await gsm8kHub();
  }
});
afterAll(async () => {
  await hub?.close();
  rmSync(tmp, { recursive: true, force: true });
});

function folderHost(runDir: string, events: TrainEvent[]): TrainHost {
  return {
    post: (e) => events.push(e),
    control: () => 'continue',
    store: (part) => Promise.resolve(nodeFolderStore(path.join(runDir, part))),
    runFolder: runDir,
  };
}

describe('the pipeline', () => {
  it('a run folder holds one run: a second start is refused, a resume without run.json says what to do', { timeout: 60_000 }, async (ctx) => {
    skipUnless(ctx, ...needs);
    const data = path.join(tmp, 'train.jsonl');
    writeFileSync(data, toJsonl(synthDataset({ n: 16, seed: 4, difficulty: 1 })));
    const runDir = path.join(tmp, 'run-once');
    const events: TrainEvent[] = [];
    const done = await startTraining({ model: modelDir, data }, { maxSteps: 1, batchSize: 8 }, folderHost(runDir, events));
    expect(done).toMatchObject({ type: 'train-done', status: 'done', steps: 1 });
    expect(done.exported).toContain(`${runDir}/model/model.safetensors`);
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['train-backend', 'train-data', 'train-estimate', 'train-step', 'train-checkpoint', 'train-done']));
    await expect(startTraining({ model: modelDir, data }, { maxSteps: 1 }, folderHost(runDir, []))).rejects.toThrow(/already holds a run \(started .*\); resume it, or start in another folder/);
    await expect(resumeTraining(folderHost(path.join(tmp, 'empty'), []))).rejects.toThrow(/there is no run to resume in folder .*empty \(run.json is missing\); start a run there first/);
  });

  it('evaluation reports progress inside a batch, with the elapsed time and the time left', { timeout: 60_000 }, async (ctx) => {
    skipUnless(ctx, ...needs);
    const events: EvalEvent[] = [];
    const out = path.join(tmp, 'eval-progress');
    const done = await runEvaluation(
      { model: modelDir, data: { kind: 'synth', n: 6, seed: 1 }, task: 'chat', batchSize: 6, maxNewTokens: 48 },
      { post: (e) => events.push(e), cancelled: () => false, store: () => Promise.resolve(nodeFolderStore(out)), outFolder: out },
    );
    const progress = events.flatMap((e) => (e.type === 'eval-progress' ? [e] : []));
    // One batch of all six: before it ends, progress comes from its decode steps.
    const inside = progress.filter((p) => p.done === 0);
    expect(inside.length).toBeGreaterThan(0);
    expect(inside[0].fraction).toBeGreaterThan(0);
    expect(inside[0].fraction).toBeLessThan(1);
    expect(progress.at(-1)).toMatchObject({ done: 6, total: 6, fraction: 1, etaSeconds: 0 });
    for (const [a, b] of progress.slice(1).map((p, i) => [progress[i], p])) expect(b.elapsedSeconds).toBeGreaterThanOrEqual(a.elapsedSeconds);
    expect(done.stored).toEqual([`${out}/results.json`, `${out}/samples.jsonl`]);
  });

  it('gsm8k on hub:test draws its few-shot examples from the hub\'s train split, in the CLI as in the worker', { timeout: 120_000 }, async (ctx) => {
    skipUnless(ctx, ...needs);
    const before = hub!.requests.length;
    const out = path.join(tmp, 'eval-hub');
    const run = await cli('eval', '--model', modelDir, '--data', 'hub:test', '--task', 'gsm8k', '--endpoint', hub!.url, '--limit', '1', '--max-new-tokens', '1', '--out', out, '--json');
    expect(run.code, run.stderr).toBe(0);
    expect(lastJson(run.stdout).n).toBe(1);
    const requested = hub!.requests.slice(before);
    expect(requested).toContain('/datasets/openai/gsm8k/resolve/main/main/train-00000-of-00001.parquet');
    const samples = readFileSync(path.join(out, 'samples.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const trainQuestions = readFileSync(sharedPath('data', 'gsm8k', 'test.jsonl'), 'utf8').trim().split('\n').slice(100, 112).map((l) => JSON.parse(l).question as string);
    // The prompt's five exemplars are train questions.
    expect(trainQuestions.filter((q) => samples[0].prompt.includes(q))).toHaveLength(5);
  });

  it('a training run the backend cannot hold stops before it allocates, with the estimate and what to change', { timeout: 60_000 }, async (ctx) => {
    skipUnless(ctx, ...needs);
    const data = path.join(tmp, 'train-big.jsonl');
    writeFileSync(data, toJsonl(synthDataset({ n: 16, seed: 4, difficulty: 1 })));
    const runDir = path.join(tmp, 'run-too-big');
    const r = await cli('train', '--model', modelDir, '--data', data, '--out', runDir, '--batch-size', '20000', '--packing', '--max-length', '256', '--backend', 'wasm');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error: Training needs about [\d.]+ GB .*more than the wasm backend can hold: about [\d.]+ GB of estimate .*Stopped before allocating\. Change the configuration: batch size 1 .*would need/);
    expect(existsSync(path.join(runDir, 'run.json'))).toBe(false);
    expect(existsSync(path.join(runDir, 'checkpoint'))).toBe(false);
  });

  it('a model over what the machine has is not loaded without --force', { timeout: 60_000 }, async () => {
    // A 70B-shaped config and no weights: the estimate (280 GB of float32) comes from config.json alone.
    const dir = path.join(tmp, 'huge');
    mkdirSync(dir, { recursive: true });
    const config = { architectures: ['LlamaForCausalLM'], model_type: 'llama', hidden_size: 8192, intermediate_size: 28672, num_hidden_layers: 80, num_attention_heads: 64, num_key_value_heads: 8, vocab_size: 128256, max_position_embeddings: 8192, rms_norm_eps: 1e-5 };
    writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config));
    const refused = await cli('generate', '--model', dir, '--ids', '1', '--max-new-tokens', '1');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/error: LlamaForCausalLM from folder .*huge: memory estimate: .* GB, more than the .* this device reports \(os\.freemem\(\): .*\)\. Loading it could crash the page or the process\. Confirm to load it anyway \(CLI: --force\), or choose a smaller model\./);
    const forced = await cli('generate', '--model', dir, '--ids', '1', '--max-new-tokens', '1', '--force');
    expect(forced.code).toBe(1);
    expect(forced.stderr).not.toMatch(/Confirm to load it anyway/);
    expect(forced.stderr).toMatch(/model\.safetensors/);
  });
});
