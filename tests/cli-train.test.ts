// `cli train`, run as a user runs it on the tiny fixture with a tokenizer: a short LoRA run and its
// exports, `--resume RUN_DIR` alone, Ctrl-C with a checkpoint and the command that resumes, data
// that changed under a run, and flags that a resume does not take.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fromPretrained } from '../models/from-pretrained';
import { synthDataset, toJsonl } from '../src/lib/data/synth';
import { parseCommand, UsageError } from '../cli/args';
import { train } from '../cli/commands/train';
import { cli, lastJson, spawnCli } from './helpers/cli';
import { skipUnlessShared } from './helpers/shared';
import { useBackend } from './helpers/tf';
import { writeTinyModelFolder } from './helpers/tiny-tokenizer';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'distill-cli-train-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The tiny fixture with a tokenizer, and 40 synthetic records, in a fresh folder. */
function setup(name: string) {
  const dir = path.join(tmp, name);
  const model = writeTinyModelFolder(path.join(dir, 'model'), { withTokenizer: true });
  const data = path.join(dir, 'synth.jsonl');
  writeFileSync(data, toJsonl(synthDataset({ n: 40, seed: 2, difficulty: 1 })));
  return { model, data, run: path.join(dir, 'run') };
}

const metricSteps = (run: string) =>
  readFileSync(path.join(run, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => (JSON.parse(l) as { step: number }).step);

describe('cli train', () => {
  it('trains, writes run.json, metrics, checkpoint, merged model and PEFT adapter; --resume RUN_DIR alone continues', { timeout: 120_000 }, async (ctx) => {
    skipUnlessShared(ctx, 'fixtures', 'tiny-llama-ref');
    const { model, data, run } = setup('lora');
    const first = await cli('train', '--model', model, '--data', data, '--strategy', 'answer', '--lora-rank', '4', '--batch-size', '8', '--seed', '3', '--steps', '3', '--out', run, '--json');
    expect(first.code, first.stderr).toBe(0);
    const summary = lastJson(first.stdout);
    expect(summary).toMatchObject({ status: 'done', steps: 3 });
    expect(Object.keys(summary).sort()).toEqual(['loss_first', 'loss_last', 'peak_bytes', 'status', 'steps', 'tokens_per_s']);
    expect(first.stderr).toMatch(/training memory estimate: /);
    expect(metricSteps(run)).toEqual([1, 2, 3]);
    const metrics = readFileSync(path.join(run, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    for (const key of ['loss', 'learningRate', 'gradNorm', 'tokensPerSecond', 'accuracy', 'elapsedSeconds', 'etaSeconds']) {
      expect(typeof metrics[0][key], key).toBe('number');
    }
    for (const f of ['run.json', 'checkpoint/state.json', 'model/config.json', 'model/model.safetensors', 'model/tokenizer.json', 'adapter/adapter_config.json', 'adapter/adapter_model.safetensors']) {
      expect(existsSync(path.join(run, f)), f).toBe(true);
    }
    const runFile = JSON.parse(readFileSync(path.join(run, 'run.json'), 'utf8'));
    expect(runFile).toMatchObject({ model, data, strategy: 'answer', promptStyle: 'auto', config: { mode: 'lora', maxSteps: 3, seed: 3, lora: { rank: 4 } } });
    expect(runFile.dataFingerprint).toMatch(/^\d+:[0-9a-f]+$/);
    const adapterConfig = JSON.parse(readFileSync(path.join(run, 'adapter/adapter_config.json'), 'utf8'));
    expect(adapterConfig).toMatchObject({ peft_type: 'LORA', r: 4, lora_alpha: 8, base_model_name_or_path: model });

    await useBackend('cpu');
    const reloaded = await fromPretrained(path.join(run, 'model'), { log: () => {} });
    expect(reloaded.tokenizer).not.toBeNull();
    reloaded.model.dispose();

    // --resume RUN_DIR alone: run.json supplies the model, the data and the settings.
    const again = await cli('train', '--resume', run, '--json');
    expect(again.code, again.stderr).toBe(0);
    expect(lastJson(again.stdout)).toMatchObject({ status: 'done', steps: 3 });
    expect(again.stderr).toMatch(/resuming at step 3 of 3/);
  });

  it('Ctrl-C saves a checkpoint and prints the command that resumes; the resumed run ends where a straight run ends', { timeout: 120_000 }, async (ctx) => {
    skipUnlessShared(ctx, 'fixtures', 'tiny-llama-ref');
    const { model, data, run } = setup('sigint');
    // One wasm thread, as the other Node tests: the tiny model's products lose to a second thread.
    // Length-grouped batches: the order a resume rebuilds must be the one the paused run had.
    const args = ['--model', model, '--data', data, '--batch-size', '4', '--seed', '1', '--steps', '30', '--lr', '1e-3', '--threads', '1', '--group-by-length'];
    const proc = spawnCli('train', ...args, '--out', run);
    await proc.waitFor(/step 2\/30 /);
    proc.child.kill('SIGINT');
    const stopped = await proc.done;
    expect(stopped.code, stopped.stderr).toBe(130);
    const paused = /paused at step (\d+); the checkpoint is in (.*)\. Resume with:\n {2}npm run -s cli -- train --resume (.*)\n/.exec(stopped.stderr);
    expect(paused, stopped.stderr).not.toBeNull();
    const step = Number(paused![1]);
    expect(step).toBeGreaterThanOrEqual(2);
    expect(step).toBeLessThan(30);
    expect(paused![3]).toBe(run);
    expect(JSON.parse(readFileSync(path.join(run, 'checkpoint', 'state.json'), 'utf8')).step).toBe(step);

    const resumed = await cli('train', '--resume', run, '--threads', '1', '--json');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(`resuming at step ${step} of 30`);
    expect(metricSteps(run)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));

    const straight = await cli('train', ...args, '--out', path.join(tmp, 'sigint', 'straight'), '--json');
    expect(straight.code, straight.stderr).toBe(0);
    expect(lastJson(resumed.stdout).loss_last as number).toBeCloseTo(lastJson(straight.stdout).loss_last as number, 4);
  });

  it('refuses to resume on data that changed, naming the file and what to do', { timeout: 120_000 }, async (ctx) => {
    skipUnlessShared(ctx, 'fixtures', 'tiny-llama-ref');
    const { model, data, run } = setup('changed');
    const first = await cli('train', '--model', model, '--data', data, '--steps', '2', '--batch-size', '8', '--out', run);
    expect(first.code, first.stderr).toBe(0);
    writeFileSync(data, toJsonl(synthDataset({ n: 40, seed: 99, difficulty: 1 })));
    const r = await cli('train', '--resume', run);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`the training data changed since the run started: ${data} now gives \\d+ examples .*; restore that data, or start a new run`));
  });

  it('rejects bad flags with one clear line', async () => {
    const out = path.join(tmp, 'r');
    /** The UsageError a train command line gives, in-process (each check runs before any loading). */
    const usageError = async (argv: string[]) => {
      try {
        const { values, args } = parseCommand('train', train, argv);
        await train.run(values, args);
      } catch (e) {
        if (e instanceof UsageError) return e.message;
        throw e;
      }
      throw new Error(`no usage error for ${argv.join(' ')}`);
    };
    const cases: [string[], RegExp][] = [
      [['--steps', '3', '--epochs', '1'], /^give --steps N or --epochs E, not both$/],
      [['--lora-rank', '4', '--lora-targets', 'q_proj,wq'], /--lora-targets: "wq" is not a target module/],
      [['--prompt-style', 'foo'], /^--prompt-style must be one of auto, chat, plain, got "foo"$/],
      [['--strategy', 'summary'], /^--strategy must be one of original, answer, think-summary, full, got "summary"$/],
      [['--schedule', 'step'], /^--schedule must be one of cosine, linear, constant, got "step"$/],
      [['--backend', 'webgpu'], /^--backend must be one of wasm, cpu, got "webgpu"$/],
      [['--lora-alpha', '8'], /^--lora-alpha needs --lora-rank R$/],
    ];
    for (const [flags, message] of cases) expect(await usageError(['--model', 'x', '--data', 'y', '--out', out, ...flags]), flags.join(' ')).toMatch(message);
    expect(await usageError(['--resume', out, '--lr', '1e-3'])).toBe("--resume continues with the run's own settings (RUN_DIR/run.json); drop --lr");
    expect(await usageError(['--resume', path.join(tmp, 'no-such-run')])).toMatch(/--resume .*no-such-run: no run.json there; give the folder a "train --out" run wrote/);
    expect(await usageError(['--data', 'y'])).toBe('missing --model, --out (or --resume RUN_DIR; see "train --help")');

    // As the user sees one: exit code 2, one line on stderr, nothing on stdout.
    const r = await cli('train', '--model', 'x', '--data', 'y', '--out', out, '--prompt-style', 'foo');
    expect(r).toEqual({ code: 2, stdout: '', stderr: 'error: --prompt-style must be one of auto, chat, plain, got "foo"\n' });
  });
});
