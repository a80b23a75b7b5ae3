// Exports: a merged float32 checkpoint that reloads through fromPretrained with the same logits
// (LoRA merged in), a PEFT adapter in PEFT's names and shapes that reads back exactly, tokenizer
// files copied, and the FileStore contract for the Node folder and memory stores.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromPretrained } from '../models/from-pretrained';
import { nodeDirFiles } from '../models/files';
import type { LlamaModel } from '../models/llama';
import { LORA_TARGETS, LoraAdapters } from '../models/lora';
import { parseSafetensorsHeader, readSafetensors, writeSafetensors } from '../models/safetensors';
import { Rng } from '../models/random';
import type { FileStore } from '../src/lib/storage/file-store';
import { memoryStore } from '../src/lib/storage/memory-store';
import { nodeFolderStore } from '../src/lib/storage/node-store';
import { exportMergedModel, exportPeftAdapter, loadPeftAdapter, peftTensorName } from '../src/lib/train/export';
import { exerciseStore, STORE_CONTRACT } from './helpers/store-contract';
import { tinyConfig, writeRandomModel } from './helpers/random-model';
import { maxAbsDiff, useBackend } from './helpers/tf';

const IDS = [1, 12, 40, 7, 88, 3, 21, 5];
const tmp = mkdtempSync(path.join(tmpdir(), 'distill-export-'));
let dirCount = 0;
const freshDir = () => path.join(tmp, `d${dirCount++}`);

beforeAll(() => useBackend('cpu'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** As a plain Uint8Array: readSafetensors copies with slice(), which on a Node Buffer is a view. */
const readBytes = (...parts: string[]) => new Uint8Array(readFileSync(path.join(...parts)));
const load = (dir: string) => fromPretrained(dir, { log: () => {}, tokenizer: false });

/** A tiny random checkpoint of the family, written to disk and loaded. */
async function randomModel(family: 'llama' | 'qwen2' | 'llama3', overrides: Record<string, unknown> = {}) {
  const dir = freshDir();
  writeRandomModel(dir, tinyConfig(family, overrides), { seed: 3 });
  return { dir, ...(await load(dir)) };
}

async function logits(model: LlamaModel): Promise<Float32Array> {
  const ids = tf.tensor2d([IDS], [1, IDS.length], 'int32');
  const { hidden } = model.forward(ids);
  const out = model.logits(hidden);
  const data = (await out.data()) as Float32Array;
  tf.dispose([ids, hidden, out]);
  return data;
}

async function snapshot(model: LlamaModel): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  for (const [name, w] of model.weights) out.set(name, new Uint8Array(((await w.data()) as Float32Array).buffer));
  return out;
}

/** LoRA on all seven modules with every B random, so that the adapter changes the output. */
function attachRandomAdapters(model: LlamaModel, seed = 11): LoraAdapters {
  const adapters = LoraAdapters.create(model, { rank: 4, alpha: 8, dropout: 0, targets: [...LORA_TARGETS] }, seed);
  const rng = new Rng(seed + 1);
  for (const { b } of adapters.layers.values()) {
    const values = Float32Array.from({ length: b.size }, () => (2 * rng.next() - 1) * 0.2);
    tf.tidy(() => b.assign(tf.tensor2d(values, b.shape as [number, number])));
  }
  model.adapters = adapters;
  return adapters;
}

describe('exportMergedModel', () => {
  it.each([
    ['llama', {}],
    ['qwen2', { torch_dtype: 'bfloat16' }],
    ['llama3', { dtype: 'bfloat16', transformers_version: '4.57.0' }],
  ] as const)('a plain %s model reloads with identical logits and config', async (family, dtypes) => {
    const { model, config } = await randomModel(family, dtypes);
    const outDir = freshDir();
    const written = await exportMergedModel(model, nodeFolderStore(outDir));
    expect(written).toEqual(['config.json', 'model.safetensors']);

    const reloaded = await load(outDir);
    expect(maxAbsDiff(await logits(reloaded.model), await logits(model))).toBeLessThanOrEqual(1e-6);
    expect({ ...reloaded.config, raw: null }).toEqual({ ...config, raw: null });
    const float32 = 'dtype' in dtypes ? { torch_dtype: 'float32', dtype: 'float32' } : { torch_dtype: 'float32' };
    expect(reloaded.config.raw).toEqual({ ...config.raw, ...float32 });

    const header = parseSafetensorsHeader(readBytes(outDir, 'model.safetensors'), 'model.safetensors');
    expect(header.metadata).toEqual({ format: 'pt' });
    expect([...header.tensors.keys()]).toEqual([...model.weights.keys()]);
    expect([...header.tensors.values()].every((t) => t.dtype === 'F32')).toBe(true);
    expect(header.tensors.has('lm_head.weight')).toBe(!config.tieWordEmbeddings);
    model.dispose();
    reloaded.model.dispose();
  });

  it('merges LoRA: the export computes base + adapter, and the base weights stay as they were', async () => {
    const { model } = await randomModel('llama');
    const base = await logits(model);
    const adapters = attachRandomAdapters(model);
    const adapted = await logits(model);
    expect(maxAbsDiff(adapted, base)).toBeGreaterThan(1e-2);
    const before = await snapshot(model);

    const outDir = freshDir();
    await exportMergedModel(model, nodeFolderStore(outDir));
    expect(await snapshot(model)).toEqual(before);

    const merged = await load(outDir);
    const diff = maxAbsDiff(await logits(merged.model), adapted);
    console.log(`merged vs adapted logits: ${diff.toExponential(2)}`);
    expect(diff).toBeLessThanOrEqual(1e-4);
    expect(maxAbsDiff(await logits(merged.model), base)).toBeGreaterThan(1e-2);
    adapters.dispose();
    model.dispose();
    merged.model.dispose();
  });

  it('copies the tokenizer files the source has, byte for byte', async () => {
    const { dir, model, files } = await randomModel('llama');
    const tokenizer = new Uint8Array([123, 34, 120, 34, 58, 49, 125, 10, 0, 255]); // not even valid UTF-8
    writeFileSync(path.join(dir, 'tokenizer.json'), tokenizer);
    writeFileSync(path.join(dir, 'chat_template.jinja'), '{{ messages }}');
    const outDir = freshDir();
    const written = await exportMergedModel(model, nodeFolderStore(outDir), { source: files });
    expect(written).toEqual(['config.json', 'model.safetensors', 'tokenizer.json', 'chat_template.jinja']);
    expect(readBytes(outDir, 'tokenizer.json')).toEqual(tokenizer);
    expect(readFileSync(path.join(outDir, 'chat_template.jinja'), 'utf8')).toBe('{{ messages }}');
    expect(existsSync(path.join(outDir, 'tokenizer_config.json'))).toBe(false);
    model.dispose();
  });
});

describe('PEFT adapter', () => {
  let model: LlamaModel;
  let adapters: LoraAdapters;
  const outDir = freshDir();

  beforeAll(async () => {
    ({ model } = await randomModel('llama'));
    adapters = attachRandomAdapters(model);
    await exportPeftAdapter(adapters, nodeFolderStore(outDir), { baseModel: 'HuggingFaceTB/SmolLM2-135M' });
  });
  afterAll(() => {
    adapters.dispose();
    model.dispose();
  });

  it("writes PEFT's names, shapes and config", () => {
    expect(peftTensorName('model.layers.0.self_attn.q_proj', 'A')).toBe('base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight');
    const { header, tensors } = readSafetensors(readBytes(outDir, 'adapter_model.safetensors'), 'adapter');
    expect(header.metadata).toEqual({ format: 'pt' });
    expect(tensors.size).toBe(2 * 7 * 2);
    // hidden 32, 4 heads of 8 (q 32), 2 kv heads (k/v 16), intermediate 48, rank 4
    const expected: Record<string, number[]> = {
      'self_attn.q_proj': [32, 32],
      'self_attn.k_proj': [16, 32],
      'self_attn.v_proj': [16, 32],
      'self_attn.o_proj': [32, 32],
      'mlp.gate_proj': [48, 32],
      'mlp.up_proj': [48, 32],
      'mlp.down_proj': [32, 48],
    };
    for (const layer of [0, 1]) {
      for (const [module, [out, inp]] of Object.entries(expected)) {
        const prefix = `base_model.model.model.layers.${layer}.${module}`;
        expect(tensors.get(`${prefix}.lora_A.weight`), prefix).toMatchObject({ dtype: 'F32', shape: [4, inp] });
        expect(tensors.get(`${prefix}.lora_B.weight`), prefix).toMatchObject({ dtype: 'F32', shape: [out, 4] });
      }
    }
    expect(JSON.parse(readFileSync(path.join(outDir, 'adapter_config.json'), 'utf8'))).toEqual({
      peft_type: 'LORA',
      task_type: 'CAUSAL_LM',
      r: 4,
      lora_alpha: 8,
      lora_dropout: 0,
      target_modules: ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'],
      base_model_name_or_path: 'HuggingFaceTB/SmolLM2-135M',
      bias: 'none',
      fan_in_fan_out: false,
      inference_mode: true,
      init_lora_weights: true,
      modules_to_save: null,
      use_rslora: false,
      use_dora: false,
      layers_to_transform: null,
      revision: null,
    });
  });

  it.each([
    ['a FileStore', () => nodeFolderStore(outDir)],
    ['ModelFiles', () => nodeDirFiles(outDir)],
  ])('reads back identical A and B through %s', async (_, source) => {
    const loaded = await loadPeftAdapter(model, source());
    expect(loaded.config).toEqual(adapters.config);
    expect(loaded.scale).toBe(2);
    expect([...loaded.layers.keys()]).toEqual([...adapters.layers.keys()]);
    for (const [module, { a, b }] of adapters.layers) {
      const got = loaded.layers.get(module)!;
      expect(await got.a.data(), module).toEqual(await a.data());
      expect(await got.b.data(), module).toEqual(await b.data());
      expect(got.b.shape).toEqual(b.shape);
    }
    loaded.dispose();
  });

  /** The exported adapter in memory, with `edit` applied to its tensors. */
  async function tampered(edit: (tensors: Map<string, { shape: number[]; data: Float32Array }>) => void): Promise<FileStore> {
    const store = memoryStore('tampered adapter');
    await store.write('adapter_config.json', readBytes(outDir, 'adapter_config.json'));
    const { tensors } = readSafetensors(readBytes(outDir, 'adapter_model.safetensors'), 'adapter');
    const map = new Map([...tensors].map(([name, t]) => [name, { shape: t.shape, data: t.data as Float32Array }]));
    edit(map);
    await store.write('adapter_model.safetensors', writeSafetensors([...map].map(([name, t]) => ({ name, ...t }))));
    return store;
  }

  it('rejects a tensor of the wrong shape, a missing one and an extra one, naming it', async () => {
    const qA = 'base_model.model.model.layers.1.self_attn.q_proj.lora_A.weight';
    const wrongShape = await tampered((m) => m.set(qA, { shape: [3, 32], data: new Float32Array(96) }));
    await expect(loadPeftAdapter(model, wrongShape)).rejects.toThrow(`tensor "${qA}" has shape [3,32] but r=4 and the model's model.layers.1.self_attn.q_proj need [4,32]`);

    const downB = 'base_model.model.model.layers.0.mlp.down_proj.lora_B.weight';
    const missing = await tampered((m) => m.delete(downB));
    await expect(loadPeftAdapter(model, missing)).rejects.toThrow(`tensor "${downB}" is missing`);

    const extra = await tampered((m) => m.set('base_model.model.lm_head.lora_A.weight', { shape: [4, 32], data: new Float32Array(128) }));
    await expect(loadPeftAdapter(model, extra)).rejects.toThrow(/tensors that neither target_modules nor the model use: base_model\.model\.lm_head\.lora_A\.weight/);
  });

  it('rejects a folder without an adapter and options it cannot honour', async () => {
    await expect(loadPeftAdapter(model, memoryStore('empty'))).rejects.toThrow('empty: no adapter_config.json; is this a PEFT LoRA adapter folder?');
    const store = await tampered(() => {});
    const config = JSON.parse(readFileSync(path.join(outDir, 'adapter_config.json'), 'utf8'));
    await store.write('adapter_config.json', new TextEncoder().encode(JSON.stringify({ ...config, use_dora: true })));
    await expect(loadPeftAdapter(model, store)).rejects.toThrow('use_dora is true: DoRA is not supported');
    await store.write('adapter_config.json', new TextEncoder().encode(JSON.stringify({ ...config, target_modules: ['q_proj', 'lm_head'] })));
    await expect(loadPeftAdapter(model, store)).rejects.toThrow(/target_modules is \["q_proj","lm_head"\]/);
  });
});

describe.each([
  ['nodeFolderStore', () => nodeFolderStore(path.join(freshDir(), 'nested', 'run'))],
  ['memoryStore', () => memoryStore()],
])('%s', (_, make) => {
  it('keeps the FileStore contract', async () => {
    expect(await exerciseStore(make())).toEqual(STORE_CONTRACT);
  });
});

describe('nodeFolderStore on disk', () => {
  it('writes through a temporary file and leaves none behind', async () => {
    const dir = freshDir();
    const store = nodeFolderStore(dir);
    expect(existsSync(dir)).toBe(false); // made on the first write, not before
    await store.write('a.bin', new Uint8Array([1]));
    await store.write('a.bin', new Uint8Array([2, 3]));
    await store.write('b.json', new Uint8Array([4]));
    expect(readdirSync(dir).sort()).toEqual(['a.bin', 'b.json']);
  });

  it('ignores what a crashed write left: the old file stays whole, the temporary file unlisted', async () => {
    const dir = freshDir();
    const store = nodeFolderStore(dir);
    await store.write('state.json', new TextEncoder().encode('{"step":1}'));
    writeFileSync(path.join(dir, 'state.json.tmp-99999'), '{"st'); // as a crash mid-write leaves it
    expect(await store.list()).toEqual(['state.json']);
    expect(new TextDecoder().decode((await store.read('state.json'))!)).toBe('{"step":1}');
  });

  it('refuses names that are not plain file names', async () => {
    const store = nodeFolderStore(freshDir());
    for (const name of ['../escape', 'a/b', '', '..', 'x.tmp-12']) {
      await expect(store.write(name, new Uint8Array([1])), name).rejects.toThrow('is not a plain file name');
    }
  });
});
