// `cli train`: a short LoRA run on the tiny fixture with a tokenizer, then a resumed run, and the
// exported folders reload.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fromPretrained } from '../models/from-pretrained';
import { synthDataset } from '../src/lib/data/synth';
import { cli, lastJson } from './helpers/cli';
import { hasShared } from './helpers/shared';
import { useBackend } from './helpers/tf';
import { writeTinyModelFolder } from './helpers/tiny-tokenizer';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'distill-cli-train-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('cli train', () => {
  it('trains, writes metrics, checkpoint, merged model and PEFT adapter, and resumes', { timeout: 120_000 }, async () => {
    if (!hasShared('fixtures', 'tiny-llama-ref')) return;
    const model = writeTinyModelFolder(path.join(tmp, 'model'), { withTokenizer: true });
    const data = path.join(tmp, 'synth.jsonl');
    writeFileSync(data, synthDataset({ n: 40, seed: 2, difficulty: 1 }).map((r) => JSON.stringify(r)).join('\n'));
    const run = path.join(tmp, 'run');
    const common = ['--model', model, '--data', data, '--strategy', 'answer', '--lora-rank', '4', '--batch-size', '8', '--seed', '3', '--json'];

    const first = await cli('train', ...common, '--steps', '3', '--out', run);
    expect(first.code, first.stderr).toBe(0);
    const summary = lastJson(first.stdout);
    expect(summary).toMatchObject({ steps: 3 });
    expect(Object.keys(summary).sort()).toEqual(['loss_first', 'loss_last', 'peak_bytes', 'steps', 'tokens_per_s']);
    expect(first.stderr).toMatch(/training memory estimate: /);
    const metrics = readFileSync(path.join(run, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(metrics.map((m) => m.step)).toEqual([1, 2, 3]);
    for (const key of ['loss', 'learningRate', 'gradNorm', 'tokensPerSecond', 'accuracy', 'elapsedSeconds', 'etaSeconds']) {
      expect(typeof metrics[0][key], key).toBe('number');
    }
    for (const f of ['checkpoint/state.json', 'model/config.json', 'model/model.safetensors', 'model/tokenizer.json', 'adapter/adapter_config.json', 'adapter/adapter_model.safetensors']) {
      expect(existsSync(path.join(run, f)), f).toBe(true);
    }
    const adapterConfig = JSON.parse(readFileSync(path.join(run, 'adapter/adapter_config.json'), 'utf8'));
    expect(adapterConfig).toMatchObject({ peft_type: 'LORA', r: 4, lora_alpha: 8, base_model_name_or_path: model });

    // The merged model reloads, with its tokenizer.
    await useBackend('cpu');
    const reloaded = await fromPretrained(path.join(run, 'model'), { log: () => {} });
    expect(reloaded.tokenizer).not.toBeNull();
    reloaded.model.dispose();

    // Resume: the checkpoint says 3 of 3 steps are done, so nothing more is trained…
    const again = await cli('train', ...common, '--resume', run);
    expect(again.code, again.stderr).toBe(0);
    expect(lastJson(again.stdout).steps).toBe(3);
    expect(again.stderr).toMatch(/resuming at step 3 of 3/);
  });

  it('rejects bad flags with one clear line', async () => {
    const r = await cli('train', '--model', 'x', '--data', 'y', '--out', path.join(tmp, 'r'), '--steps', '3', '--epochs', '1');
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('error: give --steps N or --epochs E, not both');
    const t = await cli('train', '--model', 'x', '--data', 'y', '--out', path.join(tmp, 'r'), '--lora-rank', '4', '--lora-targets', 'q_proj,wq');
    expect(t.stderr.trim()).toMatch(/--lora-targets: "wq" is not a target module/);
  });
});
