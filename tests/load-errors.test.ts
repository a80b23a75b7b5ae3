// Bad input gets one clear error each (what, where, what to do), never a crash or a hang.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromPretrained } from '../models/from-pretrained';
import { writeSafetensors } from '../models/safetensors';
import { startHubServer, type HubServer } from './helpers/hub-server';
import { tinyConfig, writeRandomModel } from './helpers/random-model';
import { useBackend } from './helpers/tf';

const tmp = mkdtempSync(path.join(tmpdir(), 'distill-errors-'));
const raw = tinyConfig('llama');
let n = 0;

/** A fresh valid model folder, then `spoil` breaks it. */
function brokenModel(spoil: (dir: string) => void): string {
  const dir = path.join(tmp, `m${n++}`);
  writeRandomModel(dir, raw);
  spoil(dir);
  return dir;
}

const weightsFile = (dir: string) => path.join(dir, 'model.safetensors');
const load = (source: string, endpoint?: string) => fromPretrained(source, { log: () => {}, endpoint });

let hub: HubServer;
beforeAll(async () => {
  await useBackend('cpu');
  hub = await startHubServer({});
});
afterAll(async () => {
  await hub.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('clear errors for bad checkpoints', () => {
  it('a truncated safetensors file', async () => {
    const dir = brokenModel((d) => writeFileSync(weightsFile(d), readFileSync(weightsFile(d)).subarray(0, 5000)));
    await expect(load(dir)).rejects.toThrow(/model\.safetensors.*truncated/);
  });

  it('a header length past the end of the file', async () => {
    const dir = brokenModel((d) => {
      const bytes = readFileSync(weightsFile(d));
      new DataView(bytes.buffer, bytes.byteOffset).setBigUint64(0, BigInt(bytes.length * 2), true);
      writeFileSync(weightsFile(d), bytes);
    });
    await expect(load(dir)).rejects.toThrow(/model\.safetensors: header length \d+ runs past the end of the file/);
  });

  it('an unknown dtype', async () => {
    const dir = brokenModel((d) => {
      const text = readFileSync(weightsFile(d)).toString('latin1').replace('"dtype":"F32"', '"dtype":"F64"');
      writeFileSync(weightsFile(d), Buffer.from(text, 'latin1'));
    });
    await expect(load(dir)).rejects.toThrow(/model\.safetensors: tensor "model\.embed_tokens\.weight": dtype "F64" is not supported \(supported: F32, F16, BF16/);
  });

  it('a tensor the config needs is missing', async () => {
    const dir = brokenModel((d) => {
      const shape = [raw.hidden_size as number];
      writeFileSync(weightsFile(d), writeSafetensors([{ name: 'model.norm.weight', shape, data: new Float32Array(shape[0]) }]));
    });
    await expect(load(dir)).rejects.toThrow(/tensor "model\.embed_tokens\.weight" is missing.*needs it/);
  });

  it('a shape that does not match the config', async () => {
    const dir = brokenModel((d) => writeFileSync(path.join(d, 'config.json'), JSON.stringify({ ...raw, intermediate_size: 40 })));
    await expect(load(dir)).rejects.toThrow(/"model\.layers\.0\.mlp\.gate_proj\.weight" has shape \[48,32\] but config\.json implies \[40,32\]/);
  });

  it('an unknown architecture lists the supported ones', async () => {
    const dir = brokenModel((d) =>
      writeFileSync(path.join(d, 'config.json'), JSON.stringify({ ...raw, architectures: ['GemmaForCausalLM'], model_type: 'gemma' })),
    );
    await expect(load(dir)).rejects.toThrow(/unsupported architectures \["GemmaForCausalLM"\].*LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM/);
  });

  it('a 404 from the hub', async () => {
    await expect(load('nobody/nothing', hub.url)).rejects.toThrow(/config\.json was not found in hub model nobody\/nothing@main/);
  });

  it('a folder without weights', async () => {
    const dir = brokenModel((d) => rmSync(weightsFile(d)));
    await expect(load(dir)).rejects.toThrow(/neither model\.safetensors nor model\.safetensors\.index\.json was found.*Only safetensors checkpoints/);
  });

  it('a source that is neither folder, URL nor hub id', async () => {
    await expect(load('/no/such/folder')).rejects.toThrow(/is not a model source/);
  });

  it('an unreachable server', async () => {
    await expect(load('http://127.0.0.1:9/model')).rejects.toThrow(/Could not reach http:\/\/127\.0\.0\.1:9\/model\/config\.json/);
  });
});
