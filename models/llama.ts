// The Llama-family causal LM (Llama, SmolLM, Mistral, Qwen2) in plain TensorFlow.js ops.
// Weights are explicit tf.Variables named as in Hugging Face checkpoints, so the same forward
// pass serves inference (with a KV cache) and training (tf.variableGrads over it).
import * as tf from '@tensorflow/tfjs-core';
import { attentionBias } from './attention-bias';
import { expectedWeightShapes, type LlamaConfig } from './config';
import { add, dropout, maskedAttention, rmsNorm, rotary, swiGlu, view, type AttentionMask } from './fused';
import { gatherRows, matMulNT, matMulNTFrozen } from './ops';
import type { LoraAdapters } from './lora';

/** Keys and values of every layer, after rotary embedding: [batch, kvHeads, length, headDim]. */
export interface KVCache {
  keys: tf.Tensor4D[];
  values: tf.Tensor4D[];
  length: number;
}

export interface ForwardOptions {
  /**
   * Rotary positions, [batch, time] int32, each at most pastLength + time - 1 (left padding and
   * packing only lower them). Default: pastLength + 0..time-1 for every row.
   */
  positions?: tf.Tensor2D;
  /** 1 where a key is a real token, 0 for padding: [batch, pastLength + time]. Default: all real. */
  keyMask?: tf.Tensor2D;
  /**
   * Packed sequences: tokens attend only within their own segment id, [batch, time].
   * Only without a cache (packing is a training-time layout).
   */
  segmentIds?: tf.Tensor2D;
  /**
   * Padding-free training: `ids` is one row holding sequences of these lengths end to end (their
   * positions restarting in `positions`), each attending only within itself. No cache.
   */
  sequenceLengths?: readonly number[];
  /** Past keys and values. When given, the result carries the extended cache. */
  cache?: KVCache;
  /** Training: seeds LoRA dropout (none without it, as in inference). */
  dropoutSeed?: number;
  /** Training: keep only each layer's input, and recompute the layer in the backward pass. */
  gradientCheckpointing?: boolean;
}

export interface ForwardResult {
  /** Final-norm hidden states, [batch, time, hidden]. */
  hidden: tf.Tensor3D;
  cache?: KVCache;
}

export class WeightError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WeightError';
  }
}

/** Rotary inverse frequencies, with Llama 3's frequency-dependent scaling when configured. */
export function ropeInverseFrequencies(c: LlamaConfig): Float32Array {
  const half = c.headDim / 2;
  const inv = new Float32Array(half);
  for (let i = 0; i < half; i++) inv[i] = 1 / Math.pow(c.ropeTheta, (2 * i) / c.headDim);
  const s = c.ropeScaling;
  if (!s) return inv;
  const lowWavelen = s.original_max_position_embeddings / s.low_freq_factor;
  const highWavelen = s.original_max_position_embeddings / s.high_freq_factor;
  for (let i = 0; i < half; i++) {
    const wavelen = (2 * Math.PI) / inv[i];
    if (wavelen > lowWavelen) inv[i] = inv[i] / s.factor;
    else if (wavelen >= highWavelen) {
      const smooth = (s.original_max_position_embeddings / wavelen - s.low_freq_factor) / (s.high_freq_factor - s.low_freq_factor);
      inv[i] = (1 - smooth) * (inv[i] / s.factor) + smooth * inv[i];
    }
  }
  return inv;
}

export class LlamaModel {
  private readonly invFreq: Float32Array;
  private rotaryCache: [tf.Tensor2D, tf.Tensor2D] | null = null;
  /** LoRA adapters beside the frozen weights, when attached. */
  adapters: LoraAdapters | null = null;
  /** Set for one training forward pass: LoRA dropout, a distinct seed for every adapter call. */
  private dropout: { seed: number; calls: number } | null = null;

  constructor(
    readonly config: LlamaConfig,
    readonly weights: Map<string, tf.Variable>,
  ) {
    this.invFreq = ropeInverseFrequencies(config);
  }

  /** Build a model from float32 arrays by Hugging Face name; checks every name and shape first. */
  static fromArrays(config: LlamaConfig, arrays: Map<string, { shape: number[]; data: Float32Array }>, source = 'checkpoint'): LlamaModel {
    const expected = expectedWeightShapes(config);
    for (const [name, shape] of expected) {
      const t = arrays.get(name);
      if (!t) {
        throw new WeightError(
          `${source}: tensor "${name}" is missing, but config.json (${config.numLayers} layers, ${config.architecture}) needs it. ` +
            'The checkpoint does not match its config; check that both come from the same model.',
        );
      }
      if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
        throw new WeightError(
          `${source}: tensor "${name}" has shape [${t.shape}] but config.json implies [${shape}]. ` +
            'The checkpoint does not match its config; check hidden_size, head_dim, num_key_value_heads and vocab_size.',
        );
      }
    }
    const weights = new Map<string, tf.Variable>();
    for (const [name, shape] of expected) {
      // Unnamed: tfjs variable names are global, and two models (base and fine-tune) share HF names.
      const initial = tf.tensor(arrays.get(name)!.data, shape, 'float32');
      weights.set(name, tf.variable(initial, true));
      initial.dispose();
    }
    return new LlamaModel(config, weights);
  }

  private w(name: string): tf.Tensor {
    const t = this.weights.get(name);
    if (!t) throw new WeightError(`weight "${name}" is not loaded`);
    return t;
  }

  /** x [.., in] times W^T (Hugging Face Linear layout [out, in]), plus the bias when there is one. */
  private linear(x: tf.Tensor, name: string): tf.Tensor {
    const w = this.w(`${name}.weight`);
    const lead = x.shape.slice(0, -1);
    const rows = x.reshape([-1, x.shape[x.shape.length - 1]]) as tf.Tensor2D;
    // With adapters attached the base weights are frozen: skip their (unused) gradients.
    let y: tf.Tensor = (this.adapters ? matMulNTFrozen : matMulNT)(rows, w as tf.Tensor2D);
    const bias = this.weights.get(`${name}.bias`);
    if (bias) y = y.add(bias);
    const lora = this.adapters?.layers.get(name);
    if (lora) {
      const rate = this.adapters!.config.dropout;
      const input = this.dropout && rate > 0 ? dropout(rows, rate, this.dropout.seed + this.dropout.calls++) : rows;
      y = add(y, matMulNT(matMulNT(input as tf.Tensor2D, lora.a as tf.Tensor2D), lora.b as tf.Tensor2D), this.adapters!.scale);
    }
    return view(y, [...lead, w.shape[0]]);
  }

  private rmsNorm(x: tf.Tensor, name: string): tf.Tensor {
    return rmsNorm(x, this.w(name), this.config.rmsNormEps);
  }

  /**
   * cos and sin tables [positions, headDim], computed in float64 on the CPU: GPU sin/cos lose
   * accuracy for large angles (SwiftShader's WebGPU was off by 1.6e-3 in logits at position 5).
   * Grown by doubling as longer sequences arrive.
   */
  private rotaryTables(length: number): [tf.Tensor2D, tf.Tensor2D] {
    if (!this.rotaryCache || this.rotaryCache[0].shape[0] < length) {
      if (this.rotaryCache) tf.dispose(this.rotaryCache);
      const rows = Math.max(64, 2 ** Math.ceil(Math.log2(length)));
      const hd = this.config.headDim;
      const cos = new Float32Array(rows * hd);
      const sin = new Float32Array(rows * hd);
      for (let p = 0; p < rows; p++) {
        for (let i = 0; i < hd / 2; i++) {
          const angle = p * this.invFreq[i];
          cos[p * hd + i] = cos[p * hd + i + hd / 2] = Math.cos(angle);
          sin[p * hd + i] = sin[p * hd + i + hd / 2] = Math.sin(angle);
        }
      }
      // Kept: built inside a forward pass's tidy, but owned by the model.
      this.rotaryCache = [tf.keep(tf.tensor2d(cos, [rows, hd])), tf.keep(tf.tensor2d(sin, [rows, hd]))];
    }
    return this.rotaryCache;
  }

  /** cos and sin for the given positions, [batch, 1, time, headDim]. */
  private rotary(positions: tf.Tensor2D, maxPosition: number): [tf.Tensor, tf.Tensor] {
    const [cos, sin] = this.rotaryTables(maxPosition + 1);
    return [tf.gather(cos, positions).expandDims(1), tf.gather(sin, positions).expandDims(1)];
  }

  /** [B, T, heads*hd] → [B, heads, T, hd] */
  private splitHeads(x: tf.Tensor, heads: number): tf.Tensor4D {
    const [b, t] = x.shape;
    return view(x, [b, t, heads, this.config.headDim]).transpose([0, 2, 1, 3]);
  }

  private attention(x: tf.Tensor, layer: number, cos: tf.Tensor, sin: tf.Tensor, mask: AttentionMask, past?: [tf.Tensor4D, tf.Tensor4D]) {
    const c = this.config;
    const p = `model.layers.${layer}.self_attn.`;
    const q = rotary(this.splitHeads(this.linear(x, `${p}q_proj`), c.numHeads), cos, sin) as tf.Tensor4D;
    let k = rotary(this.splitHeads(this.linear(x, `${p}k_proj`), c.numKvHeads), cos, sin) as tf.Tensor4D;
    let v = this.splitHeads(this.linear(x, `${p}v_proj`), c.numKvHeads);
    if (past) {
      k = tf.concat([past[0], k], 2);
      v = tf.concat([past[1], v], 2);
    }
    const [b, , t] = q.shape;
    const context = maskedAttention(q, k, v, mask);
    const merged = view(context.transpose([0, 2, 1, 3]), [b, t, c.numHeads * c.headDim]);
    return { out: this.linear(merged, `${p}o_proj`), k, v };
  }

  private mlp(x: tf.Tensor, layer: number): tf.Tensor {
    const p = `model.layers.${layer}.mlp.`;
    const gate = this.linear(x, `${p}gate_proj`);
    return this.linear(swiGlu(gate, this.linear(x, `${p}up_proj`)), `${p}down_proj`);
  }

  /** One decoder layer: attention, then the MLP, each around a residual. */
  private block(h: tf.Tensor, i: number, cos: tf.Tensor, sin: tf.Tensor, mask: AttentionMask, past?: [tf.Tensor4D, tf.Tensor4D]) {
    const attn = this.attention(this.rmsNorm(h, `model.layers.${i}.input_layernorm.weight`), i, cos, sin, mask, past);
    const mid = add(h, attn.out);
    return { h: add(mid, this.mlp(this.rmsNorm(mid, `model.layers.${i}.post_attention_layernorm.weight`), i)), k: attn.k, v: attn.v };
  }

  /** LoRA dropout seeds per layer, so a recomputed layer draws the same masks. */
  private startDropout(seed: number | undefined, layer: number): void {
    this.dropout = seed === undefined ? null : { seed: (seed + layer * 7919) >>> 0, calls: 0 };
  }

  /** What training updates in one layer: its LoRA matrices when adapters are attached, else its weights. */
  private layerTrainables(layer: number): tf.Variable[] {
    const prefix = `model.layers.${layer}.`;
    if (this.adapters) return [...this.adapters.layers].filter(([name]) => name.startsWith(prefix)).flatMap(([, l]) => [l.a, l.b]);
    return [...this.weights].filter(([name]) => name.startsWith(prefix)).map(([, v]) => v);
  }

  /**
   * Gradient checkpointing: the layer keeps only its input for the backward pass, which runs the
   * layer again to get the activations it needs. The layer's trainable tensors are explicit inputs
   * so that their gradients flow out of the custom gradient.
   */
  private checkpointedBlock(h: tf.Tensor, layer: number, cos: tf.Tensor, sin: tf.Tensor, mask: AttentionMask, dropoutSeed?: number): tf.Tensor {
    const params = this.layerTrainables(layer);
    // Tensors the recomputation needs are saved with the input: the forward pass's scope frees them.
    const constants = 'bias' in mask ? [cos, sin, mask.bias] : [cos, sin];
    const run = (x: tf.Tensor, [c, s, bias]: tf.Tensor[]) => {
      this.startDropout(dropoutSeed, layer);
      return this.block(x, layer, c, s, bias ? { bias: bias as tf.Tensor4D } : mask).h;
    };
    const op = tf.customGrad(((...args: unknown[]) => {
      const save = args.pop() as tf.GradSaveFunc;
      const x = args[0] as tf.Tensor;
      save([x, ...constants]);
      return {
        value: tf.tidy(() => run(x, constants)),
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const [x0, ...kept] = saved;
          // tf.grads inside a backward pass replaces the engine's tape and then clears it, which
          // the outer backward pass still needs for its clean-up: keep it aside and put it back.
          const state = (tf.engine() as unknown as { state: { activeTape: unknown } }).state;
          const outerTape = state.activeTape;
          try {
            return tf.grads((xx: tf.Tensor) => run(xx, kept))([x0, ...params], dy);
          } finally {
            state.activeTape = outerTape;
          }
        },
      };
    }) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (...inputs: tf.Tensor[]) => tf.Tensor;
    return op(h, ...params);
  }

  /** Token embeddings, [batch, time, hidden]. */
  embed(ids: tf.Tensor2D): tf.Tensor3D {
    const [b, t] = ids.shape;
    return gatherRows(this.w('model.embed_tokens.weight') as tf.Tensor2D, ids.reshape([-1]) as tf.Tensor1D).reshape([b, t, this.config.hiddenSize]);
  }

  /**
   * One pass over `ids` [batch, time]. Returns final-norm hidden states; call `logits` on the
   * positions you need (training takes only the masked ones, to avoid a [B, T, vocab] tensor).
   */
  forward(ids: tf.Tensor2D, opts: ForwardOptions = {}): ForwardResult {
    const [batch, time] = ids.shape;
    const pastLength = opts.cache?.length ?? 0;
    const lengths = opts.sequenceLengths;
    if (lengths && (batch !== 1 || opts.cache || !opts.positions || opts.keyMask || opts.segmentIds)) {
      throw new Error('sequenceLengths: one row of sequences with their positions, and no cache, key mask or segment ids');
    }
    const newKeys: tf.Tensor4D[] = [];
    const newValues: tf.Tensor4D[] = [];
    const hidden = tf.tidy(() => {
      const positions = opts.positions ?? tf.range(pastLength, pastLength + time, 1, 'int32').expandDims(0).tile([batch, 1]);
      // Padding-free rows restart positions in each sequence: the longest one bounds them.
      const [cos, sin] = this.rotary(positions as tf.Tensor2D, lengths ? lengths.reduce((m, l) => Math.max(m, l), 1) - 1 : pastLength + time - 1);
      const mask: AttentionMask = lengths ? { lengths } : { bias: attentionBias(batch, time, pastLength, opts.keyMask, opts.segmentIds) };
      let h: tf.Tensor = this.embed(ids);
      for (let i = 0; i < this.config.numLayers; i++) {
        if (opts.gradientCheckpointing && !opts.cache) {
          h = this.checkpointedBlock(h, i, cos, sin, mask, opts.dropoutSeed);
          continue;
        }
        this.startDropout(opts.dropoutSeed, i);
        const past = opts.cache ? ([opts.cache.keys[i], opts.cache.values[i]] as [tf.Tensor4D, tf.Tensor4D]) : undefined;
        // A tidy per layer: its attention scores ([B, heads, T, T]) go before the next layer's come.
        const out = tf.tidy(() => this.block(h, i, cos, sin, mask, past));
        if (opts.cache) {
          newKeys.push(tf.keep(out.k));
          newValues.push(tf.keep(out.v));
        }
        h = out.h;
      }
      return this.rmsNorm(h, 'model.norm.weight') as tf.Tensor3D;
    });
    this.dropout = null;
    if (!opts.cache) return { hidden };
    return { hidden, cache: { keys: newKeys, values: newValues, length: pastLength + time } };
  }

  /** Vocabulary logits for hidden states [.., hidden] → [.., vocab]. */
  logits(hidden: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const head = this.weights.get('lm_head.weight') ?? this.w('model.embed_tokens.weight');
      const lead = hidden.shape.slice(0, -1);
      return matMulNT(hidden.reshape([-1, this.config.hiddenSize]), head as tf.Tensor2D).reshape([...lead, this.config.vocabSize]);
    });
  }

  /** An empty cache for `batch` rows. */
  emptyCache(batch: number): KVCache {
    const c = this.config;
    const empty = () => tf.zeros([batch, c.numKvHeads, 0, c.headDim]) as tf.Tensor4D;
    return {
      keys: Array.from({ length: c.numLayers }, empty),
      values: Array.from({ length: c.numLayers }, empty),
      length: 0,
    };
  }

  dispose(): void {
    for (const v of this.weights.values()) v.dispose();
    if (this.rotaryCache) tf.dispose(this.rotaryCache);
  }
}

export function disposeCache(cache: KVCache): void {
  tf.dispose([...cache.keys, ...cache.values]);
}
