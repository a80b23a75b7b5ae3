// Small random checkpoints in Hugging Face layout, written by tests: any dtype, single or sharded.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { writeSafetensors, type SafetensorsDtype } from '../../models/safetensors';
import { randomWeights, weightShapes, type NaiveConfig } from './naive-llama';

/** A Hugging Face config.json for a tiny model of the given family. */
export function tinyConfig(family: 'llama' | 'qwen2' | 'llama3', overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const base = {
    hidden_size: 32,
    intermediate_size: 48,
    num_hidden_layers: 2,
    num_attention_heads: 4,
    num_key_value_heads: 2,
    vocab_size: 96,
    max_position_embeddings: 128,
    rms_norm_eps: 1e-6,
    rope_theta: 10000,
    hidden_act: 'silu',
    bos_token_id: 1,
    eos_token_id: 2,
  };
  const byFamily = {
    llama: { architectures: ['LlamaForCausalLM'], model_type: 'llama', tie_word_embeddings: false },
    qwen2: { architectures: ['Qwen2ForCausalLM'], model_type: 'qwen2', tie_word_embeddings: true, rope_theta: 1000000 },
    llama3: {
      architectures: ['LlamaForCausalLM'],
      model_type: 'llama',
      tie_word_embeddings: true,
      head_dim: 12,
      rope_theta: 500000,
      rope_scaling: { rope_type: 'llama3', factor: 32, low_freq_factor: 1, high_freq_factor: 4, original_max_position_embeddings: 16 },
    },
  }[family];
  return { ...base, ...byFamily, ...overrides };
}

/** The naive reference's view of a raw config. */
export function naiveConfigOf(raw: Record<string, any>): NaiveConfig {
  return {
    hidden_size: raw.hidden_size,
    intermediate_size: raw.intermediate_size,
    num_hidden_layers: raw.num_hidden_layers,
    num_attention_heads: raw.num_attention_heads,
    num_key_value_heads: raw.num_key_value_heads,
    head_dim: raw.head_dim ?? raw.hidden_size / raw.num_attention_heads,
    vocab_size: raw.vocab_size,
    rms_norm_eps: raw.rms_norm_eps,
    rope_theta: raw.rope_theta,
    tie_word_embeddings: raw.tie_word_embeddings,
    attention_bias: raw.attention_bias ?? raw.model_type === 'qwen2',
    rope_scaling: raw.rope_scaling ?? null,
  };
}

export interface WriteOptions {
  dtype?: SafetensorsDtype;
  /** Split the tensors over this many shards with a model.safetensors.index.json. */
  shards?: number;
  seed?: number;
}

/** Writes config.json and safetensors weights into `dir`; returns the float32 weights written. */
export function writeRandomModel(dir: string, raw: Record<string, any>, opts: WriteOptions = {}): Map<string, Float32Array> {
  const cfg = naiveConfigOf(raw);
  const weights = randomWeights(cfg, opts.seed ?? 1);
  const shapes = weightShapes(cfg);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify(raw, null, 2));
  const names = [...weights.keys()];
  const shards = opts.shards ?? 1;
  const write = (file: string, part: string[]) =>
    writeFileSync(
      path.join(dir, file),
      writeSafetensors(part.map((name) => ({ name, shape: shapes.get(name)!, data: weights.get(name)!, dtype: opts.dtype ?? 'F32' }))),
    );
  if (shards === 1) {
    write('model.safetensors', names);
    return weights;
  }
  const weightMap: Record<string, string> = {};
  const per = Math.ceil(names.length / shards);
  for (let s = 0; s < shards; s++) {
    const file = `model-${String(s + 1).padStart(5, '0')}-of-${String(shards).padStart(5, '0')}.safetensors`;
    const part = names.slice(s * per, (s + 1) * per);
    part.forEach((n) => (weightMap[n] = file));
    write(file, part);
  }
  writeFileSync(path.join(dir, 'model.safetensors.index.json'), JSON.stringify({ metadata: {}, weight_map: weightMap }));
  return weights;
}
