// LoRA's settings and PEFT's module names, apart from the adapters themselves (models/lora.ts), so
// that the page can show and check them without loading TensorFlow.js.

export const LORA_TARGETS = ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'] as const;
export type LoraTarget = (typeof LORA_TARGETS)[number];

export interface LoraConfig {
  rank: number;
  alpha: number;
  dropout: number;
  targets: LoraTarget[];
}

export const LORA_DEFAULTS: LoraConfig = { rank: 8, alpha: 16, dropout: 0.05, targets: ['q_proj', 'k_proj', 'v_proj', 'o_proj'] };

/** The Hugging Face module name of a target in a layer, e.g. model.layers.3.self_attn.q_proj. */
export function moduleName(layer: number, target: LoraTarget): string {
  const block = target.endsWith('proj') && ['gate_proj', 'up_proj', 'down_proj'].includes(target) ? 'mlp' : 'self_attn';
  return `model.layers.${layer}.${block}.${target}`;
}
