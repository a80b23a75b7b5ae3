// The command line, run as a user runs it (tsx cli/main.ts) on the tiny fixture model.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeDirFiles } from '../models/files';
import { loadTokenizer } from '../models/tokenizer';
import { cli, lastJson } from './helpers/cli';
import { sharedPath, skipUnlessShared } from './helpers/shared';
import { writeTinyModelFolder } from './helpers/tiny-tokenizer';

const FIXTURE = sharedPath('fixtures', 'tiny-llama-ref');

function golden() {
  return JSON.parse(readFileSync(path.join(FIXTURE, 'golden.json'), 'utf8')) as {
    prompt_ids: number[];
    greedy_continuation_ids: number[];
    logits: { values: number[][] };
  };
}

const tmp = mkdtempSync(path.join(os.tmpdir(), 'distill-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('cli on the tiny-llama-ref fixture', () => {
  it('logits --json matches the reference at every prompt position', async (ctx) => {
    skipUnlessShared(ctx, 'fixtures', 'tiny-llama-ref');
    const g = golden();
    const run = await cli('logits', '--model', FIXTURE, '--ids', g.prompt_ids.join(','), '--json');
    expect(run.code, run.stderr).toBe(0);
    const rows = lastJson(run.stdout).logits as number[][];
    expect(rows).toHaveLength(g.prompt_ids.length);
    rows.forEach((row, p) => {
      const worst = Math.max(...row.map((x, i) => Math.abs(x - g.logits.values[p][i])));
      expect(worst, `position ${p}`).toBeLessThan(1e-3);
    });
  });

  it.for(['cpu', 'wasm'])('generate --greedy --json reproduces the reference continuation on %s', async (backend, ctx) => {
    skipUnlessShared(ctx, 'fixtures', 'tiny-llama-ref');
    const g = golden();
    const args = ['--ids', g.prompt_ids.join(','), '--max-new-tokens', '49', '--greedy', '--backend', backend, '--json'];
    const run = await cli('generate', '--model', FIXTURE, ...args);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`backend: ${backend}`);
    expect(lastJson(run.stdout)).toEqual({ ids: g.greedy_continuation_ids.slice(0, 49) });
  });

  it('generate --prompt gives text that is the decoded ids, and streams the same text', async (ctx) => {
    skipUnlessShared(ctx, 'fixtures', 'tiny-llama-ref');
    const dir = writeTinyModelFolder(path.join(tmp, 'with-tokenizer'), { withTokenizer: true });
    const args = ['generate', '--model', dir, '--prompt', 'Janet has 3 ducks.', '--max-new-tokens', '12', '--seed', '7'];
    const json = await cli(...args, '--json');
    expect(json.code, json.stderr).toBe(0);
    const { ids, text } = lastJson(json.stdout) as { ids: number[]; text: string };
    expect(ids).toHaveLength(12);
    const tok = (await loadTokenizer(nodeDirFiles(dir)))!;
    expect(text).toBe(tok.decode(ids, { skipSpecialTokens: true }));
    const streamed = await cli(...args);
    expect(streamed.code, streamed.stderr).toBe(0);
    expect(streamed.stdout).toBe(`${text}\n`);
  });
});

describe('cli usage and errors', () => {
  it('prints help for the tool and for each command', async () => {
    const tool = await cli('--help');
    expect(tool.code).toBe(0);
    expect(tool.stdout).toMatch(/generate .*\n.*logits /);
    for (const command of ['generate', 'logits']) {
      const run = await cli(command, '--help');
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(new RegExp(`^Usage: ${command} --model SRC`));
    }
  });

  it.each([
    { name: 'missing --model', args: ['generate', '--ids', '1', '--max-new-tokens', '2'], code: 2, message: /missing --model SRC/ },
    { name: 'unknown command', args: ['train-everything'], code: 2, message: /unknown command "train-everything"; commands: generate, logits/ },
    { name: '--backend bogus', args: ['logits', '--model', 'x', '--ids', '1', '--backend', 'bogus'], code: 2, message: /--backend must be one of wasm, cpu, got "bogus"/ },
    { name: 'nonexistent folder', args: ['logits', '--model', '/nonexistent/model', '--ids', '1'], code: 1, message: /model folder \/nonexistent\/model does not exist/ },
  ])('$name → exit $code', async ({ args, code, message }) => {
    const run = await cli(...args);
    expect(run.code).toBe(code);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1); // one line, no stack trace
  });
});
