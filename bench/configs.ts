// Benchmark model shapes. BENCH_10M matches the default of ../shared/bench/torch_llama_reference.py
// (about 11M parameters), so our figures and PyTorch's describe the same network.
import { parseConfig } from '../models/config';

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
