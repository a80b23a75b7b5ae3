// Hugging Face config.json → the one small config type our Llama-family model runs on.
// Llama, SmolLM (a Llama), Mistral and Qwen2 share one architecture; they differ only in
// q/k/v biases (Qwen2), head_dim, tied embeddings, and rope scaling (Llama 3.x).

export interface RopeScalingLlama3 {
  rope_type: 'llama3';
  factor: number;
  low_freq_factor: number;
  high_freq_factor: number;
  original_max_position_embeddings: number;
}

export interface LlamaConfig {
  architecture: SupportedArchitecture;
  modelType: string;
  hiddenSize: number;
  intermediateSize: number;
  numLayers: number;
  numHeads: number;
  numKvHeads: number;
  headDim: number;
  vocabSize: number;
  maxPositions: number;
  rmsNormEps: number;
  ropeTheta: number;
  ropeScaling: RopeScalingLlama3 | null;
  tieWordEmbeddings: boolean;
  /** q/k/v projections carry a bias (Qwen2). */
  attentionBias: boolean;
  bosTokenId: number | null;
  eosTokenIds: number[];
  padTokenId: number | null;
  /** The config.json as read, kept so that an export writes back what it did not change. */
  raw: Record<string, unknown>;
}

export const SUPPORTED_ARCHITECTURES = ['LlamaForCausalLM', 'MistralForCausalLM', 'Qwen2ForCausalLM'] as const;
export type SupportedArchitecture = (typeof SUPPORTED_ARCHITECTURES)[number];

const MODEL_TYPE_TO_ARCHITECTURE: Record<string, SupportedArchitecture> = {
  llama: 'LlamaForCausalLM',
  mistral: 'MistralForCausalLM',
  qwen2: 'Qwen2ForCausalLM',
};

export class ConfigError extends Error {
  constructor(file: string, message: string) {
    super(`${file}: ${message}`);
    this.name = 'ConfigError';
  }
}

function supportedList(): string {
  return `supported architectures: ${SUPPORTED_ARCHITECTURES.join(', ')} (model_type ${Object.keys(MODEL_TYPE_TO_ARCHITECTURE).join(', ')}; SmolLM and TinyLlama are Llama)`;
}

function resolveArchitecture(raw: Record<string, unknown>, file: string): SupportedArchitecture {
  const archs = raw.architectures;
  if (Array.isArray(archs) && archs.length > 0) {
    const known = archs.find((a): a is SupportedArchitecture => (SUPPORTED_ARCHITECTURES as readonly string[]).includes(a));
    if (!known) throw new ConfigError(file, `unsupported architectures ${JSON.stringify(archs)}; ${supportedList()}`);
    return known;
  }
  const type = raw.model_type;
  if (typeof type === 'string' && MODEL_TYPE_TO_ARCHITECTURE[type]) return MODEL_TYPE_TO_ARCHITECTURE[type];
  throw new ConfigError(file, `unsupported model_type ${JSON.stringify(type ?? null)}; ${supportedList()}`);
}

function positiveInt(raw: Record<string, unknown>, key: string, file: string, fallback?: number): number {
  const v = raw[key] ?? fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
    throw new ConfigError(file, `field "${key}" must be a positive integer, got ${JSON.stringify(v ?? null)}`);
  }
  return v;
}

function positiveNumber(raw: Record<string, unknown>, key: string, file: string, fallback: number): number {
  const v = raw[key] ?? fallback;
  if (typeof v !== 'number' || !(v > 0)) throw new ConfigError(file, `field "${key}" must be a positive number, got ${JSON.stringify(v)}`);
  return v;
}

function tokenIds(v: unknown): number[] {
  if (typeof v === 'number') return [v];
  if (Array.isArray(v)) return v.filter((x): x is number => typeof x === 'number');
  return [];
}

function parseRopeScaling(v: unknown, file: string): RopeScalingLlama3 | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'object') throw new ConfigError(file, `field "rope_scaling" must be an object or null`);
  const rs = v as Record<string, unknown>;
  const type = rs.rope_type ?? rs.type;
  if (type === 'default') return null;
  if (type !== 'llama3') {
    throw new ConfigError(file, `rope_scaling type ${JSON.stringify(type)} is not supported; supported: "llama3" (Llama 3.x) or none`);
  }
  return {
    rope_type: 'llama3',
    factor: positiveNumber(rs, 'factor', file, 8),
    low_freq_factor: positiveNumber(rs, 'low_freq_factor', file, 1),
    high_freq_factor: positiveNumber(rs, 'high_freq_factor', file, 4),
    original_max_position_embeddings: positiveInt(rs, 'original_max_position_embeddings', file, 8192),
  };
}

/** Parse a config.json object. `file` names the source in error messages. */
export function parseConfig(raw: unknown, file = 'config.json'): LlamaConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ConfigError(file, 'expected a JSON object');
  const r = raw as Record<string, unknown>;
  const architecture = resolveArchitecture(r, file);
  const hiddenSize = positiveInt(r, 'hidden_size', file);
  const numHeads = positiveInt(r, 'num_attention_heads', file);
  const numKvHeads = positiveInt(r, 'num_key_value_heads', file, numHeads);
  if (numHeads % numKvHeads !== 0) {
    throw new ConfigError(file, `num_attention_heads (${numHeads}) must be a multiple of num_key_value_heads (${numKvHeads})`);
  }
  const headDim = positiveInt(r, 'head_dim', file, hiddenSize / numHeads);
  if (headDim % 2 !== 0) throw new ConfigError(file, `head_dim (${headDim}) must be even for rotary embeddings`);
  if (r.hidden_act !== undefined && r.hidden_act !== 'silu') {
    throw new ConfigError(file, `hidden_act ${JSON.stringify(r.hidden_act)} is not supported; Llama-family models use "silu"`);
  }
  const qwen = architecture === 'Qwen2ForCausalLM';
  return {
    architecture,
    modelType: typeof r.model_type === 'string' ? r.model_type : architecture,
    hiddenSize,
    intermediateSize: positiveInt(r, 'intermediate_size', file),
    numLayers: positiveInt(r, 'num_hidden_layers', file),
    numHeads,
    numKvHeads,
    headDim,
    vocabSize: positiveInt(r, 'vocab_size', file),
    maxPositions: positiveInt(r, 'max_position_embeddings', file, 2048),
    rmsNormEps: positiveNumber(r, 'rms_norm_eps', file, 1e-6),
    ropeTheta: positiveNumber(r, 'rope_theta', file, 10000),
    ropeScaling: parseRopeScaling(r.rope_scaling, file),
    tieWordEmbeddings: r.tie_word_embeddings === true,
    attentionBias: typeof r.attention_bias === 'boolean' ? r.attention_bias : qwen,
    bosTokenId: typeof r.bos_token_id === 'number' ? r.bos_token_id : null,
    eosTokenIds: tokenIds(r.eos_token_id),
    padTokenId: typeof r.pad_token_id === 'number' ? r.pad_token_id : null,
    raw: r,
  };
}

/** Every tensor the model needs, with its Hugging Face name and shape. */
export function expectedWeightShapes(c: LlamaConfig): Map<string, number[]> {
  const s = new Map<string, number[]>();
  const q = c.numHeads * c.headDim;
  const kv = c.numKvHeads * c.headDim;
  s.set('model.embed_tokens.weight', [c.vocabSize, c.hiddenSize]);
  for (let i = 0; i < c.numLayers; i++) {
    const p = `model.layers.${i}.`;
    s.set(`${p}input_layernorm.weight`, [c.hiddenSize]);
    s.set(`${p}self_attn.q_proj.weight`, [q, c.hiddenSize]);
    s.set(`${p}self_attn.k_proj.weight`, [kv, c.hiddenSize]);
    s.set(`${p}self_attn.v_proj.weight`, [kv, c.hiddenSize]);
    if (c.attentionBias) {
      s.set(`${p}self_attn.q_proj.bias`, [q]);
      s.set(`${p}self_attn.k_proj.bias`, [kv]);
      s.set(`${p}self_attn.v_proj.bias`, [kv]);
    }
    s.set(`${p}self_attn.o_proj.weight`, [c.hiddenSize, q]);
    s.set(`${p}post_attention_layernorm.weight`, [c.hiddenSize]);
    s.set(`${p}mlp.gate_proj.weight`, [c.intermediateSize, c.hiddenSize]);
    s.set(`${p}mlp.up_proj.weight`, [c.intermediateSize, c.hiddenSize]);
    s.set(`${p}mlp.down_proj.weight`, [c.hiddenSize, c.intermediateSize]);
  }
  s.set('model.norm.weight', [c.hiddenSize]);
  if (!c.tieWordEmbeddings) s.set('lm_head.weight', [c.vocabSize, c.hiddenSize]);
  return s;
}

export function parameterCount(c: LlamaConfig): number {
  let n = 0;
  for (const shape of expectedWeightShapes(c).values()) n += shape.reduce((a, b) => a * b, 1);
  return n;
}
