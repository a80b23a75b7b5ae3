// Loading through the Hugging Face hub's URL layout, against a local server: the shared fixture,
// a sharded checkpoint and half-precision checkpoints written by the test, with byte progress.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromPretrained } from '../models/from-pretrained';
import type { FileProgress } from '../models/files';
import { naiveLogits } from './helpers/naive-llama';
import { startHubServer, type HubServer } from './helpers/hub-server';
import { naiveConfigOf, tinyConfig, writeRandomModel } from './helpers/random-model';
import { sharedPath, sharedRequirement, skipUnlessShared } from './helpers/shared';
import { maxAbsDiff, useBackend } from './helpers/tf';

const IDS = [1, 12, 40, 7, 88, 3, 21];
const tmp = mkdtempSync(path.join(tmpdir(), 'distill-hub-'));
const raw = tinyConfig('llama');
const dirs = {
  sharded: path.join(tmp, 'sharded'),
  bf16: path.join(tmp, 'bf16'),
  f16: path.join(tmp, 'f16'),
};
const weights = {
  sharded: writeRandomModel(dirs.sharded, raw, { shards: 3, seed: 5 }),
  bf16: writeRandomModel(dirs.bf16, raw, { dtype: 'BF16', seed: 5 }),
  f16: writeRandomModel(dirs.f16, raw, { dtype: 'F16', seed: 5 }),
};
let hub: HubServer;

beforeAll(async () => {
  await useBackend('cpu');
  const repos: Record<string, string> = { 'test/sharded': dirs.sharded, 'test/bf16': dirs.bf16, 'test/f16': dirs.f16 };
  if (sharedRequirement('fixtures', 'tiny-llama-ref').available) repos['test/tiny-llama-ref'] = sharedPath('fixtures', 'tiny-llama-ref');
  hub = await startHubServer(repos);
});
afterAll(async () => {
  await hub?.close();
  rmSync(tmp, { recursive: true, force: true });
});

async function logitsOf(source: string) {
  const progress: FileProgress[] = [];
  const loaded = await fromPretrained(source, { endpoint: hub.url, log: () => {}, onProgress: (p) => progress.push(p) });
  const { hidden } = loaded.model.forward(tf.tensor2d([IDS], [1, IDS.length], 'int32'));
  const rows = ((await loaded.model.logits(hidden).array()) as number[][][])[0];
  hidden.dispose();
  loaded.model.dispose();
  return { rows, progress, loaded };
}

describe('hub layout', () => {
  it('loads the shared fixture from /{org}/{name}/resolve/main/, with byte progress', async (ctx) => {
    skipUnlessShared(ctx, 'fixtures', 'tiny-llama-ref');
    const { progress, loaded } = await logitsOf('test/tiny-llama-ref');
    expect(hub.requests).toContain('/test/tiny-llama-ref/resolve/main/config.json');
    expect(hub.requests).toContain('/test/tiny-llama-ref/resolve/main/model.safetensors');
    const size = statSync(sharedPath('fixtures', 'tiny-llama-ref', 'model.safetensors')).size;
    const last = progress.filter((p) => p.file === 'model.safetensors').at(-1)!;
    expect(last).toMatchObject({ loaded: size, total: size });
    expect(loaded.tokenizer).toBeNull();
  });

  it('loads a sharded checkpoint through model.safetensors.index.json', async () => {
    const { rows, loaded } = await logitsOf('test/sharded');
    expect(loaded.weightFiles.map((f) => f.name)).toEqual([
      'model-00001-of-00003.safetensors',
      'model-00002-of-00003.safetensors',
      'model-00003-of-00003.safetensors',
    ]);
    const expected = naiveLogits(naiveConfigOf(raw), weights.sharded, IDS);
    expected.forEach((row, p) => expect(maxAbsDiff(rows[p], row)).toBeLessThan(1e-4));
  });

  it.each(['bf16', 'f16'] as const)('loads a %s checkpoint', async (kind) => {
    const { rows } = await logitsOf(`test/${kind}`);
    // The reference runs on the float32 originals; half precision rounds the weights, so the
    // logits agree to the precision of the format (bf16 keeps 8 bits of mantissa, f16 11).
    const expected = naiveLogits(naiveConfigOf(raw), weights[kind], IDS);
    const diff = Math.max(...expected.map((row, p) => maxAbsDiff(rows[p], row)));
    expect(diff).toBeLessThan(kind === 'bf16' ? 0.1 : 0.01);
    expect(diff).toBeGreaterThan(0); // the weights really were rounded
  });

  it('a missing model gives a clear 404 error', async () => {
    await expect(fromPretrained('test/does-not-exist', { endpoint: hub.url, log: () => {} })).rejects.toThrow(
      /config\.json was not found in hub model test\/does-not-exist@main.*Check the model id/,
    );
  });

  it('a missing revision gives a clear 404 error', async () => {
    await expect(fromPretrained('test/sharded', { endpoint: hub.url, revision: 'v9', log: () => {} })).rejects.toThrow(
      /hub model test\/sharded@v9/,
    );
  });
});
