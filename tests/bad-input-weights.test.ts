// Model loading refuses what it should not touch: shard names in model.safetensors.index.json that
// are not plain file names, and a model bigger than the device reports, unless the user consents
// (refused before any weight is read or allocated). And a load waiting on its backend allocates nothing.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeDirFiles, type ModelFiles } from '../models/files';
import { fromPretrained } from '../models/from-pretrained';
import { deviceMemory, MemoryConsentError } from '../models/memory';
import { parseShardIndex } from '../models/safetensors';
import { tinyConfig, writeRandomModel } from './helpers/random-model';
import { useBackend } from './helpers/tf';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'distill-bad-weights-'));
beforeAll(() => useBackend('cpu'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('shard names in model.safetensors.index.json', () => {
  const index = (shard: string) => JSON.stringify({ weight_map: { 'model.norm.weight': 'model-00001-of-00002.safetensors', 'model.embed_tokens.weight': shard } });

  it.each(['../config.json', 'sub/model.safetensors', '..\\model.safetensors', '', '..', '.', '%2e%2e', 'model.safetensors?x=1'])('refuses %j', (shard) => {
    expect(() => parseShardIndex(index(shard), '/m/model.safetensors.index.json')).toThrow(
      `/m/model.safetensors.index.json: tensor "model.embed_tokens.weight" maps to shard ${JSON.stringify(shard)}, which is not a plain file name. ` +
        'Shards must be files beside the index, named like "model-00001-of-00002.safetensors": not empty or ".", and without "/", "\\", "..", "%", "?" or "#". ' +
        'Fix the index or download it again.',
    );
  });

  it('accepts plain names', () => {
    expect(parseShardIndex(index('model-00002-of-00002.safetensors'), 'index.json').weight_map['model.embed_tokens.weight']).toBe('model-00002-of-00002.safetensors');
  });

  it('fromPretrained stops at the index, before reading any file it names', async () => {
    const dir = path.join(tmp, 'escape');
    writeRandomModel(dir, tinyConfig('llama'), { shards: 2 });
    writeFileSync(path.join(dir, 'model.safetensors.index.json'), JSON.stringify({ weight_map: { 'model.norm.weight': '../../etc/passwd' } }));
    await expect(fromPretrained(dir, { log: () => {} })).rejects.toThrow(
      `${dir}/model.safetensors.index.json: tensor "model.norm.weight" maps to shard "../../etc/passwd", which is not a plain file name.`,
    );
  });
});

describe('a model over what the device reports', () => {
  const dir = path.join(tmp, 'model');
  beforeAll(() => writeRandomModel(dir, tinyConfig('llama')));

  /** The folder, recording which files were asked for. */
  function recorded(): { files: ModelFiles; asked: string[] } {
    const inner = nodeDirFiles(dir);
    const asked: string[] = [];
    const get: ModelFiles['get'] = (name, onProgress) => {
      asked.push(name);
      return inner.get(name, onProgress);
    };
    return { asked, files: { ...inner, get } };
  }

  it('is refused with MemoryConsentError before any weight is read or allocated', async () => {
    const { files, asked } = recorded();
    const tensors = tf.memory().numTensors;
    const error = await fromPretrained(files, { log: () => {}, memory: { availableBytes: 1000, source: 'test device' } }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MemoryConsentError);
    const consent = error as MemoryConsentError;
    expect(consent.availableBytes).toBe(1000);
    expect(consent.estimateBytes).toBeGreaterThan(1000);
    expect(consent.message).toMatch(/^LlamaForCausalLM from folder .*: memory estimate: .* parameters → .* of float32 weights, \+ .* KV cache for 1 × 128 tokens = .*, more than the 1000 B this device reports \(test device\)\./);
    expect(consent.message).toContain('Loading it could crash the page or the process. Confirm to load it anyway (CLI: --force), or choose a smaller model.');
    expect(asked).toEqual(['config.json']);
    expect(tf.memory().numTensors).toBe(tensors);
  });

  it('loads with consent (force), or when the device does not say', async () => {
    for (const memory of [{ availableBytes: 1000, force: true }, { availableBytes: null }]) {
      const { model } = await fromPretrained(dir, { log: () => {}, memory });
      expect(model.config.numLayers).toBe(2);
      model.dispose();
    }
  });

  // The model worker passes its backend's start as allocateAfter, so the files download meanwhile.
  it('with allocateAfter, reads every file first and makes tensors only once it settles', async () => {
    const { files, asked } = recorded();
    let settle!: () => void;
    const backendStarted = new Promise<void>((resolve) => (settle = resolve));
    const tensors = tf.memory().numTensors;
    const logged: string[] = [];
    const loading = fromPretrained(files, { log: (line) => logged.push(line), allocateAfter: backendStarted });
    // This folder has no tokenizer: the load says so once every file has been read.
    await expect.poll(() => logged.some((line) => line.startsWith('no tokenizer.json'))).toBe(true);
    expect(asked).toEqual(['config.json', 'model.safetensors', 'tokenizer.json']);
    await new Promise((r) => setTimeout(r, 50));
    expect(tf.memory().numTensors).toBe(tensors);
    settle();
    const { model } = await loading;
    expect(tf.memory().numTensors).toBeGreaterThan(tensors);
    model.dispose();
  });

  it("with allocateAfter, its rejection is the load's error, and nothing is allocated", async () => {
    const tensors = tf.memory().numTensors;
    const failed = Promise.reject(new Error('Backend "webgpu" could not start'));
    await expect(fromPretrained(dir, { log: () => {}, allocateAfter: failed })).rejects.toThrow('Backend "webgpu" could not start');
    expect(tf.memory().numTensors).toBe(tensors);
  });

  it('without availableBytes, asks the device: in Node, free system memory', async () => {
    const device = await deviceMemory();
    expect(device.availableBytes).toBeGreaterThan(0);
    expect(device.source).toMatch(/^os\.freemem\(\): .* free of .*/);
    const { model } = await fromPretrained(dir, { log: () => {}, memory: {} });
    model.dispose();
  });
});
