import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sharedPath, skipUnlessShared } from './helpers/shared';
import { naiveLogits, randomWeights, weightShapes, type NaiveConfig } from './helpers/naive-llama';

/** Minimal F32-only safetensors parser: 8-byte LE header length, JSON header, raw data. */
function readSafetensorsF32(file: string): Map<string, Float32Array> {
  const buf = readFileSync(file);
  const n = Number(buf.readBigUInt64LE(0));
  const header = JSON.parse(buf.subarray(8, 8 + n).toString('utf8')) as Record<
    string,
    { dtype: string; shape: number[]; data_offsets: [number, number] }
  >;
  const data = buf.subarray(8 + n);
  const out = new Map<string, Float32Array>();
  for (const [name, t] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    if (t.dtype !== 'F32') throw new Error(`${name}: dtype ${t.dtype} not supported`);
    const [a, b] = t.data_offsets;
    const bytes = data.subarray(a, b);
    // copy into an aligned buffer
    out.set(name, new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)));
  }
  return out;
}

const small: NaiveConfig = {
  hidden_size: 24,
  intermediate_size: 40,
  num_hidden_layers: 2,
  num_attention_heads: 4,
  num_key_value_heads: 2,
  head_dim: 8, // != 24 / 4
  vocab_size: 50,
  rms_norm_eps: 1e-6,
  rope_theta: 10000,
  tie_word_embeddings: false,
  attention_bias: true,
  rope_scaling: { rope_type: 'llama3', factor: 8, low_freq_factor: 1, high_freq_factor: 4, original_max_position_embeddings: 16 },
};

describe('naive llama reference', () => {
  it('matches the tiny-llama-ref golden logits (llama2.c)', (ctx) => {
    skipUnlessShared(ctx, 'fixtures', 'tiny-llama-ref');
    const dir = (f: string) => sharedPath('fixtures', 'tiny-llama-ref', f);
    const c = JSON.parse(readFileSync(dir('config.json'), 'utf8'));
    const golden = JSON.parse(readFileSync(dir('golden.json'), 'utf8')) as {
      prompt_ids: number[];
      logits: { positions: number[]; values: number[][] };
    };
    const cfg: NaiveConfig = {
      hidden_size: c.hidden_size,
      intermediate_size: c.intermediate_size,
      num_hidden_layers: c.num_hidden_layers,
      num_attention_heads: c.num_attention_heads,
      num_key_value_heads: c.num_key_value_heads,
      head_dim: c.head_dim ?? c.hidden_size / c.num_attention_heads,
      vocab_size: c.vocab_size,
      rms_norm_eps: c.rms_norm_eps,
      rope_theta: c.rope_theta,
      tie_word_embeddings: c.tie_word_embeddings,
      attention_bias: false,
    };
    const w = readSafetensorsF32(dir('model.safetensors'));
    const ids = golden.prompt_ids.slice(0, 16);
    const logits = naiveLogits(cfg, w, ids);
    let maxErr = 0;
    for (let p = 0; p < ids.length; p++) {
      const want = golden.logits.values[golden.logits.positions.indexOf(p)];
      expect(want).toBeDefined();
      for (let v = 0; v < cfg.vocab_size; v++) maxErr = Math.max(maxErr, Math.abs(logits[p][v] - want[v]));
    }
    expect(maxErr).toBeLessThan(1e-3);
  });

  it('is causal: a prefix gives the same rows as the longer sequence', () => {
    const w = randomWeights(small, 7);
    const ids = [3, 17, 42, 0, 49, 8, 8, 21, 5, 30, 11, 2, 44, 19, 27, 33, 6, 1, 9, 40];
    const full = naiveLogits(small, w, ids);
    for (const n of [1, 5, 12]) {
      const pre = naiveLogits(small, w, ids.slice(0, n));
      for (let p = 0; p < n; p++) for (let v = 0; v < small.vocab_size; v++) expect(pre[p][v]).toBeCloseTo(full[p][v], 10);
    }
    // logits are O(1), finite, and distinct across positions
    const flat = full.flatMap((r) => Array.from(r));
    expect(flat.every(Number.isFinite)).toBe(true);
    const maxAbs = Math.max(...flat.map(Math.abs));
    expect(maxAbs).toBeGreaterThan(0.1);
    expect(maxAbs).toBeLessThan(50);
    expect(full[1][0]).not.toBeCloseTo(full[2][0], 6);
  });

  it('randomWeights is deterministic per seed and covers weightShapes', () => {
    const a = randomWeights(small, 123);
    const b = randomWeights(small, 123);
    const c = randomWeights(small, 124);
    const shapes = weightShapes(small);
    expect([...a.keys()]).toEqual([...shapes.keys()]);
    expect(shapes.has('lm_head.weight')).toBe(true);
    expect(shapes.get('model.layers.0.self_attn.q_proj.weight')).toEqual([32, 24]);
    expect(shapes.get('model.layers.1.self_attn.o_proj.weight')).toEqual([24, 32]);
    expect(shapes.get('model.layers.0.self_attn.k_proj.bias')).toEqual([16]);
    for (const [name, t] of a) {
      expect(t.length).toBe(shapes.get(name)!.reduce((x, y) => x * y, 1));
      expect(Array.from(t)).toEqual(Array.from(b.get(name)!));
    }
    expect(Array.from(a.get('model.embed_tokens.weight')!)).not.toEqual(Array.from(c.get('model.embed_tokens.weight')!));
    const norm = a.get('model.norm.weight')!;
    expect(Array.from(norm).every((x) => x > 0.85 && x < 1.15)).toBe(true);
  });
});
