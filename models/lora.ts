// LoRA: low-rank adapters beside frozen Linear weights, y = x·Wᵀ + (α/r)·dropout(x)·Aᵀ·Bᵀ,
// named and shaped as PEFT names them (lora_A [r, in], lora_B [out, r]), so that an adapter
// exports to PEFT and merges into W exactly as PEFT's merge does.
import * as tf from '@tensorflow/tfjs-core';
import type { LlamaConfig } from './config';
import { LORA_TARGETS, moduleName, type LoraConfig } from './lora-config';
import { Rng } from './random';

export * from './lora-config';

export interface LoraLayer {
  /** [rank, in] */
  a: tf.Variable;
  /** [out, rank] */
  b: tf.Variable;
}

export class LoraAdapters {
  readonly scale: number;

  constructor(
    readonly config: LoraConfig,
    readonly layers: Map<string, LoraLayer>,
  ) {
    this.scale = config.alpha / config.rank;
  }

  /**
   * Fresh adapters for every target module of the model. A as PEFT initializes it
   * (kaiming-uniform with a = √5, i.e. uniform ±1/√in), B zero: training starts at the base model.
   */
  static create(model: { config: LlamaConfig; weights: Map<string, tf.Tensor> }, config: LoraConfig, seed: number): LoraAdapters {
    if (!Number.isInteger(config.rank) || config.rank < 1) throw new Error(`LoRA rank must be a positive integer, got ${config.rank}`);
    if (!(config.dropout >= 0 && config.dropout < 1)) throw new Error(`LoRA dropout must be in [0, 1), got ${config.dropout}`);
    const unknown = config.targets.filter((t) => !(LORA_TARGETS as readonly string[]).includes(t));
    if (unknown.length || config.targets.length === 0) {
      throw new Error(`LoRA target modules must be some of ${LORA_TARGETS.join(', ')}; got ${config.targets.join(', ') || 'none'}`);
    }
    const rng = new Rng(seed);
    const layers = new Map<string, LoraLayer>();
    for (let i = 0; i < model.config.numLayers; i++) {
      for (const target of config.targets) {
        const name = moduleName(i, target);
        const [out, inp] = model.weights.get(`${name}.weight`)!.shape;
        const bound = 1 / Math.sqrt(inp);
        const a = Float32Array.from({ length: config.rank * inp }, () => (2 * rng.next() - 1) * bound);
        // Inside tidy: the initial tensors go, the variables (which tidy never disposes) stay.
        layers.set(
          name,
          tf.tidy(() => ({ a: tf.variable(tf.tensor2d(a, [config.rank, inp]), true), b: tf.variable(tf.zeros([out, config.rank]), true) })),
        );
      }
    }
    return new LoraAdapters(config, layers);
  }

  variables(): tf.Variable[] {
    return [...this.layers.values()].flatMap((l) => [l.a, l.b]);
  }

  /** W + (α/r)·B·A for one module: the merged weight. */
  mergedWeight(name: string, weight: tf.Tensor): tf.Tensor2D {
    const layer = this.layers.get(name);
    if (!layer) return weight.clone() as tf.Tensor2D;
    return tf.tidy(() => weight.add(tf.matMul(layer.b, layer.a).mul(this.scale)) as tf.Tensor2D);
  }

  dispose(): void {
    tf.dispose(this.variables());
  }
}
