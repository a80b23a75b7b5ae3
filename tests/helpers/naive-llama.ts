// A naive, float64 reference of Hugging Face's LlamaForCausalLM / Qwen2ForCausalLM forward pass.
// Plain loops, no libraries: slow, but easy to check line by line against transformers' modeling code.
// Tests use it as ground truth for the TensorFlow.js implementation.

export interface NaiveConfig {
  hidden_size: number;
  intermediate_size: number;
  num_hidden_layers: number;
  num_attention_heads: number;
  num_key_value_heads: number;
  /** May differ from hidden_size / num_attention_heads. */
  head_dim: number;
  vocab_size: number;
  rms_norm_eps: number;
  rope_theta: number;
  tie_word_embeddings: boolean;
  /** q/k/v biases (Qwen2). o_proj never has one. */
  attention_bias: boolean;
  rope_scaling?: {
    rope_type: 'llama3';
    factor: number;
    low_freq_factor: number;
    high_freq_factor: number;
    original_max_position_embeddings: number;
  } | null;
}

/** Hugging Face tensor names and layouts (Linear weight is [out, in], row-major). */
export type NaiveWeights = Map<string, Float32Array | Float64Array>;

type Vec = Float64Array;

function get(w: NaiveWeights, name: string): Float32Array | Float64Array {
  const t = w.get(name);
  if (!t) throw new Error(`naive-llama: missing weight ${name}`);
  return t;
}

/** y = W x (+ b), W is [out, in] row-major. */
function linear(x: Vec, W: Float32Array | Float64Array, out: number, b?: Float32Array | Float64Array): Vec {
  const n = x.length;
  if (W.length !== out * n) throw new Error(`naive-llama: linear weight size ${W.length} != ${out}x${n}`);
  const y = new Float64Array(out);
  for (let o = 0; o < out; o++) {
    let s = b ? b[o] : 0;
    for (let i = 0; i < n; i++) s += W[o * n + i] * x[i];
    y[o] = s;
  }
  return y;
}

function rmsNorm(x: Vec, w: Float32Array | Float64Array, eps: number): Vec {
  let ss = 0;
  for (let i = 0; i < x.length; i++) ss += x[i] * x[i];
  const inv = 1 / Math.sqrt(ss / x.length + eps);
  const y = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) y[i] = w[i] * x[i] * inv;
  return y;
}

const silu = (v: number): number => v / (1 + Math.exp(-v));

/** inv_freq per HF, including `_compute_llama3_parameters` when rope_scaling is llama3. */
export function invFreq(cfg: NaiveConfig): Float64Array {
  const half = cfg.head_dim / 2;
  const inv = new Float64Array(half);
  for (let i = 0; i < half; i++) inv[i] = 1 / Math.pow(cfg.rope_theta, (2 * i) / cfg.head_dim);
  const rs = cfg.rope_scaling;
  if (rs) {
    if (rs.rope_type !== 'llama3') throw new Error(`naive-llama: unsupported rope_type ${String(rs.rope_type)}`);
    const orig = rs.original_max_position_embeddings;
    const lowFreqWavelen = orig / rs.low_freq_factor;
    const highFreqWavelen = orig / rs.high_freq_factor;
    for (let i = 0; i < half; i++) {
      const f = inv[i];
      const wavelen = (2 * Math.PI) / f;
      if (wavelen > lowFreqWavelen) inv[i] = f / rs.factor;
      else if (wavelen < highFreqWavelen) inv[i] = f;
      else {
        const smooth = (orig / wavelen - rs.low_freq_factor) / (rs.high_freq_factor - rs.low_freq_factor);
        inv[i] = ((1 - smooth) * f) / rs.factor + smooth * f;
      }
    }
  }
  return inv;
}

/** Rotate-half rotary embedding of one head vector at position `pos` (in place on a copy). */
function rope(x: Vec, pos: number, inv: Float64Array): Vec {
  const half = inv.length;
  const y = new Float64Array(x.length);
  for (let i = 0; i < half; i++) {
    const c = Math.cos(pos * inv[i]);
    const s = Math.sin(pos * inv[i]);
    const x1 = x[i];
    const x2 = x[i + half];
    // q*cos + rotate_half(q)*sin, rotate_half(x) = [-x2, x1]
    y[i] = x1 * c - x2 * s;
    y[i + half] = x2 * c + x1 * s;
  }
  return y;
}

/** Logits (one row of vocab_size per position) for a causal forward pass over ids at positions 0..T-1. */
export function naiveLogits(cfg: NaiveConfig, w: NaiveWeights, ids: number[]): Float64Array[] {
  const H = cfg.hidden_size;
  const D = cfg.head_dim;
  const nH = cfg.num_attention_heads;
  const nKV = cfg.num_key_value_heads;
  const groups = nH / nKV;
  const T = ids.length;
  const inv = invFreq(cfg);
  const scale = 1 / Math.sqrt(D);

  const emb = get(w, 'model.embed_tokens.weight');
  let h: Vec[] = ids.map((id) => {
    if (id < 0 || id >= cfg.vocab_size) throw new Error(`naive-llama: id ${id} out of range`);
    return Float64Array.from(emb.subarray(id * H, (id + 1) * H));
  });

  for (let l = 0; l < cfg.num_hidden_layers; l++) {
    const p = `model.layers.${l}.`;
    const bias = (n: string) => (cfg.attention_bias ? get(w, `${p}self_attn.${n}_proj.bias`) : undefined);

    // --- attention ---
    const xs = h.map((x) => rmsNorm(x, get(w, `${p}input_layernorm.weight`), cfg.rms_norm_eps));
    const q = xs.map((x) => linear(x, get(w, `${p}self_attn.q_proj.weight`), nH * D, bias('q')));
    const k = xs.map((x) => linear(x, get(w, `${p}self_attn.k_proj.weight`), nKV * D, bias('k')));
    const v = xs.map((x) => linear(x, get(w, `${p}self_attn.v_proj.weight`), nKV * D, bias('v')));
    // qh[t][head], kh[t][kvHead]: rotated head vectors
    const qh = q.map((row, t) => Array.from({ length: nH }, (_, j) => rope(row.subarray(j * D, (j + 1) * D), t, inv)));
    const kh = k.map((row, t) => Array.from({ length: nKV }, (_, j) => rope(row.subarray(j * D, (j + 1) * D), t, inv)));

    const attnOut: Vec[] = [];
    for (let t = 0; t < T; t++) {
      const o = new Float64Array(nH * D);
      for (let hd = 0; hd < nH; hd++) {
        const kv = Math.floor(hd / groups);
        const scores = new Float64Array(t + 1);
        let max = -Infinity;
        for (let s = 0; s <= t; s++) {
          let dot = 0;
          for (let d = 0; d < D; d++) dot += qh[t][hd][d] * kh[s][kv][d];
          scores[s] = dot * scale;
          if (scores[s] > max) max = scores[s];
        }
        let sum = 0;
        for (let s = 0; s <= t; s++) sum += (scores[s] = Math.exp(scores[s] - max));
        for (let s = 0; s <= t; s++) {
          const a = scores[s] / sum;
          for (let d = 0; d < D; d++) o[hd * D + d] += a * v[s][kv * D + d];
        }
      }
      attnOut.push(linear(o, get(w, `${p}self_attn.o_proj.weight`), H));
    }
    h = h.map((x, t) => x.map((val, i) => val + attnOut[t][i]));

    // --- MLP ---
    h = h.map((x) => {
      const y = rmsNorm(x, get(w, `${p}post_attention_layernorm.weight`), cfg.rms_norm_eps);
      const g = linear(y, get(w, `${p}mlp.gate_proj.weight`), cfg.intermediate_size);
      const u = linear(y, get(w, `${p}mlp.up_proj.weight`), cfg.intermediate_size);
      for (let i = 0; i < g.length; i++) g[i] = silu(g[i]) * u[i];
      const d = linear(g, get(w, `${p}mlp.down_proj.weight`), H);
      return x.map((val, i) => val + d[i]);
    });
  }

  const head = cfg.tie_word_embeddings ? emb : get(w, 'lm_head.weight');
  return h.map((x) => linear(rmsNorm(x, get(w, 'model.norm.weight'), cfg.rms_norm_eps), head, cfg.vocab_size));
}

/** Every tensor HF has for this config, with its shape. */
export function weightShapes(cfg: NaiveConfig): Map<string, number[]> {
  const H = cfg.hidden_size;
  const I = cfg.intermediate_size;
  const qDim = cfg.num_attention_heads * cfg.head_dim;
  const kvDim = cfg.num_key_value_heads * cfg.head_dim;
  const m = new Map<string, number[]>();
  m.set('model.embed_tokens.weight', [cfg.vocab_size, H]);
  for (let l = 0; l < cfg.num_hidden_layers; l++) {
    const p = `model.layers.${l}.`;
    m.set(`${p}input_layernorm.weight`, [H]);
    m.set(`${p}self_attn.q_proj.weight`, [qDim, H]);
    m.set(`${p}self_attn.k_proj.weight`, [kvDim, H]);
    m.set(`${p}self_attn.v_proj.weight`, [kvDim, H]);
    if (cfg.attention_bias) {
      m.set(`${p}self_attn.q_proj.bias`, [qDim]);
      m.set(`${p}self_attn.k_proj.bias`, [kvDim]);
      m.set(`${p}self_attn.v_proj.bias`, [kvDim]);
    }
    m.set(`${p}self_attn.o_proj.weight`, [H, qDim]);
    m.set(`${p}post_attention_layernorm.weight`, [H]);
    m.set(`${p}mlp.gate_proj.weight`, [I, H]);
    m.set(`${p}mlp.up_proj.weight`, [I, H]);
    m.set(`${p}mlp.down_proj.weight`, [H, I]);
  }
  m.set('model.norm.weight', [H]);
  if (!cfg.tie_word_embeddings) m.set('lm_head.weight', [cfg.vocab_size, H]);
  return m;
}

/** mulberry32: a small deterministic PRNG returning floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Deterministic random weights for every tensor in weightShapes(cfg): norm weights 1 + uniform(-0.1, 0.1),
 * everything else uniform(-scale, scale). Generated in weightShapes order from one stream.
 */
export function randomWeights(cfg: NaiveConfig, seed: number, scale = 0.2): Map<string, Float32Array> {
  const rand = mulberry32(seed);
  const out = new Map<string, Float32Array>();
  for (const [name, shape] of weightShapes(cfg)) {
    const a = new Float32Array(shape.reduce((x, y) => x * y, 1));
    const isNorm = name.endsWith('norm.weight');
    for (let i = 0; i < a.length; i++) {
      const u = 2 * rand() - 1;
      a[i] = isNorm ? 1 + 0.1 * u : scale * u;
    }
    out.set(name, a);
  }
  return out;
}
