// Loaded by memory.html: trains and generates with a tiny random model directly in the page, on the
// backend asked for, and reads tf.memory() after every optimizer step and every generation, for
// tests/browser/train-webgl.test.ts. What leaks per step shows here as a count or byte total that
// grows; on webgl and webgpu, numBytesInGPU also counts what the GPU holds for live tensors.
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, type BackendInfo, type BackendName } from '../../models/backend';
import { wasmPaths } from '../../models/backend-wasm-paths.browser';
import { parseConfig } from '../../models/config';
import { generate } from '../../models/generate';
import { initModel } from '../../models/init';
import { Rng } from '../../models/random';
import type { TokenizedExample } from '../../src/lib/data/tokenize';
import type { TrainConfig } from '../../src/lib/train/config';
import { Trainer } from '../../src/lib/train/trainer';

export interface MemorySnapshot {
  numTensors: number;
  numBytes: number;
  /** webgl and webgpu only. */
  numBytesInGPU?: number;
}

export interface TrainMemoryRun {
  backend: BackendName;
  steps: number;
  config?: Partial<TrainConfig>;
}

export interface TrainMemoryResult {
  backend: BackendInfo;
  losses: number[];
  /** After each optimizer step. */
  perStep: MemorySnapshot[];
  /** Before the model was built, and after the model and trainer were disposed. */
  before: MemorySnapshot;
  after: MemorySnapshot;
}

export interface GenerateMemoryRun {
  backend: BackendName;
  /** One generate() call per entry: its prompts (token ids). */
  calls: number[][][];
  maxNewTokens: number;
}

export interface GenerateMemoryResult {
  backend: BackendInfo;
  ids: number[][][];
  /** After each generate() call. */
  perCall: MemorySnapshot[];
  before: MemorySnapshot;
  after: MemorySnapshot;
}

declare global {
  interface Window {
    memoryTest?: {
      train(r: TrainMemoryRun): Promise<TrainMemoryResult>;
      generate(r: GenerateMemoryRun): Promise<GenerateMemoryResult>;
    };
  }
}

/** The bundled model's shape, shrunk: tied embeddings, grouped-query attention. */
const CONFIG = {
  architectures: ['LlamaForCausalLM'],
  model_type: 'llama',
  hidden_size: 64,
  intermediate_size: 128,
  num_hidden_layers: 2,
  num_attention_heads: 4,
  num_key_value_heads: 2,
  vocab_size: 256,
  max_position_embeddings: 128,
  rms_norm_eps: 1e-6,
  rope_theta: 10000,
  hidden_act: 'silu',
  tie_word_embeddings: true,
  bos_token_id: 1,
  eos_token_id: 2,
};

function snapshot(): MemorySnapshot {
  const m = tf.memory() as tf.MemoryInfo & { numBytesInGPU?: number };
  return { numTensors: m.numTensors, numBytes: m.numBytes, ...(m.numBytesInGPU !== undefined && { numBytesInGPU: m.numBytesInGPU }) };
}

/** 24 examples of 16–48 random tokens, the last two thirds trained: every batch pads to its own length. */
function examples(): TokenizedExample[] {
  const rng = new Rng(7);
  return Array.from({ length: 24 }, (_, line) => {
    const length = 16 + Math.floor(rng.next() * 33);
    const promptTokens = Math.floor(length / 3);
    const ids = Array.from({ length }, () => 3 + Math.floor(rng.next() * (CONFIG.vocab_size - 3)));
    const mask = ids.map((_, i) => (i < promptTokens ? 0 : 1));
    return { line, ids, mask, promptTokens, completionTokens: length - promptTokens, truncated: false };
  });
}

const model = () => initModel(parseConfig(CONFIG), { seed: 1, std: 0.1 });

async function train(r: TrainMemoryRun): Promise<TrainMemoryResult> {
  const backend = await initBackend(r.backend, { wasmPaths });
  const before = snapshot();
  const m = model();
  const trainer = new Trainer(m, { train: examples() }, { batchSize: 4, maxLength: 64, learningRate: 1e-3, warmupSteps: 1, seed: 1, maxSteps: r.steps, ...r.config });
  const perStep: MemorySnapshot[] = [];
  const result = await trainer.run({ onStep: () => void perStep.push(snapshot()) });
  trainer.dispose();
  m.adapters?.dispose();
  m.dispose();
  return { backend, losses: result.history.map((s) => s.loss), perStep, before, after: snapshot() };
}

async function gen(r: GenerateMemoryRun): Promise<GenerateMemoryResult> {
  const backend = await initBackend(r.backend, { wasmPaths });
  const before = snapshot();
  const m = model();
  const ids: number[][][] = [];
  const perCall: MemorySnapshot[] = [];
  for (const prompts of r.calls) {
    ids.push((await generate(m, prompts, { maxNewTokens: r.maxNewTokens, greedy: true, stopTokenIds: [] })).ids);
    perCall.push(snapshot());
  }
  m.dispose();
  return { backend, ids, perCall, before, after: snapshot() };
}

window.memoryTest = { train, generate: gen };
