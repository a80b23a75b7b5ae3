// Benchmark model shapes and the training bench's plan. BENCH_10M matches the default of
// ../shared/bench/torch_llama_reference.py (about 11M parameters), so our figures and PyTorch's
// describe the same network; DISTILL_TINY is the bundled default model's shape; SMOLLM2_135M_SHAPE
// is SmolLM2-135M's (random weights), the largest shape the lab trains on wasm.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseConfig, type LlamaConfig } from '../models/config';

export const BENCH_10M = parseConfig({
  architectures: ['LlamaForCausalLM'],
  hidden_size: 384,
  intermediate_size: 1024,
  num_hidden_layers: 6,
  num_attention_heads: 6,
  num_key_value_heads: 2,
  vocab_size: 4096,
  max_position_embeddings: 1024,
  rms_norm_eps: 1e-5,
  rope_theta: 10000,
  tie_word_embeddings: true,
});

export const DISTILL_TINY_CONFIG = path.join(path.dirname(fileURLToPath(import.meta.url)), '../public/models/distill-tiny/config.json');
export const DISTILL_TINY = parseConfig(JSON.parse(readFileSync(DISTILL_TINY_CONFIG, 'utf8')));

export const SMOLLM2_135M_SHAPE = parseConfig({
  architectures: ['LlamaForCausalLM'],
  hidden_size: 576,
  intermediate_size: 1536,
  num_hidden_layers: 30,
  num_attention_heads: 9,
  num_key_value_heads: 3,
  vocab_size: 49152,
  max_position_embeddings: 8192,
  rms_norm_eps: 1e-5,
  rope_theta: 100000,
  tie_word_embeddings: true,
});

export interface TrainingPlan {
  label: string;
  model: LlamaConfig;
  /** The same shape for the PyTorch reference: a config.json path, or its built-in default (BENCH_10M). */
  torchConfig?: string | 'default';
  mode: 'full' | 'lora';
  batch: number;
  seqLength: number;
  /** Untimed steps first (kernel set-up; AdamW allocates its moments on the first); peak memory is read on them. */
  warmupSteps: number;
  /** Timed steps: null takes the bench's --steps. */
  steps: number | null;
}

/**
 * The training bench, all on wasm, from the smallest memory to the largest: the wasm heap only
 * grows, so its size after each plan is that plan's high-water mark. The SmolLM2-shaped step takes
 * about a minute: one timed step.
 */
export const TRAINING_PLANS: TrainingPlan[] = [
  { label: 'distill-tiny', model: DISTILL_TINY, torchConfig: DISTILL_TINY_CONFIG, mode: 'full', batch: 16, seqLength: 256, warmupSteps: 2, steps: null },
  { label: '11M', model: BENCH_10M, mode: 'lora', batch: 8, seqLength: 256, warmupSteps: 1, steps: null },
  { label: '11M', model: BENCH_10M, torchConfig: 'default', mode: 'full', batch: 8, seqLength: 256, warmupSteps: 2, steps: null },
  { label: 'SmolLM2-135M', model: SMOLLM2_135M_SHAPE, mode: 'lora', batch: 4, seqLength: 256, warmupSteps: 1, steps: 1 },
];

/** The PyTorch reference runs at these thread counts (0: every core), with at least this many steps. */
export const TORCH_REFERENCE = { threads: [1, 0], minSteps: 5 };

/** Rows of each plan's op table. */
export const TRAINING_OP_ROWS = 12;
