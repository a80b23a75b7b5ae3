// Config parsing on the config.json of real checkpoints, checked against their published sizes.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parameterCount, parseConfig } from '../models/config';
import { ropeInverseFrequencies } from '../models/llama';
import { invFreq } from './helpers/naive-llama';
import { naiveConfigOf } from './helpers/random-model';

const load = (name: string) => JSON.parse(readFileSync(new URL(`./fixtures/configs/${name}.json`, import.meta.url), 'utf8'));

describe('parseConfig on real checkpoints', () => {
  // Parameter counts as reported by transformers' num_parameters() for each checkpoint.
  it.each([
    ['SmolLM2-135M', 134_515_008, { headDim: 64, numKvHeads: 3, tieWordEmbeddings: true, attentionBias: false }],
    ['Qwen2.5-0.5B-Instruct', 494_032_768, { headDim: 64, numKvHeads: 2, tieWordEmbeddings: true, attentionBias: true }],
    ['Llama-3.2-1B', 1_235_814_400, { headDim: 64, numKvHeads: 8, tieWordEmbeddings: true, attentionBias: false }],
    ['TinyLlama-1.1B-Chat-v1.0', 1_100_048_384, { headDim: 64, numKvHeads: 4, tieWordEmbeddings: false, attentionBias: false }],
    ['Mistral-7B-v0.1', 7_241_732_096, { headDim: 128, numKvHeads: 8, tieWordEmbeddings: false, attentionBias: false }],
  ])('%s', (name, params, fields) => {
    const c = parseConfig(load(name));
    expect(c).toMatchObject(fields);
    expect(parameterCount(c)).toBe(params);
  });

  it('reads llama3 rope scaling and scales the inverse frequencies as Hugging Face does', () => {
    const raw = load('Llama-3.2-1B');
    const c = parseConfig(raw);
    expect(c.ropeScaling).toEqual({ rope_type: 'llama3', factor: 32, low_freq_factor: 1, high_freq_factor: 4, original_max_position_embeddings: 8192 });
    const ours = ropeInverseFrequencies(c);
    const reference = invFreq(naiveConfigOf(raw));
    // float32 against float64: equal to float32 precision.
    ours.forEach((v, i) => expect(Math.abs(v - reference[i]) / reference[i]).toBeLessThan(1e-6));
    // High frequencies are untouched, low ones divided by the factor.
    expect(ours[0]).toBe(1);
    expect(ours[31] / (1 / Math.pow(500000, 62 / 64))).toBeCloseTo(1 / 32, 6);
  });

  it('reads eos lists and multiple architectures', () => {
    const c = parseConfig({ ...load('Llama-3.2-1B'), eos_token_id: [128001, 128008, 128009] });
    expect(c.eosTokenIds).toEqual([128001, 128008, 128009]);
  });

  it('names the supported architectures for an unknown one', () => {
    expect(() => parseConfig({ architectures: ['GPTNeoXForCausalLM'] }, 'x/config.json')).toThrow(
      /x\/config\.json: unsupported architectures \["GPTNeoXForCausalLM"\]; supported architectures: LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM/,
    );
    expect(() => parseConfig({ model_type: 'phi3' })).toThrow(/unsupported model_type "phi3"/);
  });

  it('rejects broken fields with the field name', () => {
    const good = load('SmolLM2-135M');
    expect(() => parseConfig({ ...good, hidden_size: -1 })).toThrow(/"hidden_size" must be a positive integer/);
    expect(() => parseConfig({ ...good, num_key_value_heads: 4 })).toThrow(/multiple of num_key_value_heads/);
    expect(() => parseConfig({ ...good, rope_scaling: { rope_type: 'yarn', factor: 4 } })).toThrow(/rope_scaling type "yarn" is not supported/);
    expect(() => parseConfig({ ...good, hidden_act: 'gelu' })).toThrow(/hidden_act "gelu"/);
    expect(() => parseConfig([1, 2])).toThrow(/expected a JSON object/);
  });
});
