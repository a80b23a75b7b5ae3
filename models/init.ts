// Fresh weights for a config, as Hugging Face initializes a Llama: normal(0, initializer_range)
// for matrices, ones for norms, zeros for biases. Seeded, so a from-scratch run is reproducible.
import { expectedWeightShapes, type LlamaConfig } from './config';
import { LlamaModel } from './llama';
import { Rng } from './random';

export interface InitOptions {
  seed?: number;
  /** Standard deviation of matrix entries; default config.initializer_range or 0.02. */
  std?: number;
}

function normal(rng: Rng): number {
  // Box–Muller; 1 - u keeps the log argument in (0, 1].
  return Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
}

export function initWeights(config: LlamaConfig, opts: InitOptions = {}): Map<string, { shape: number[]; data: Float32Array }> {
  const rng = new Rng(opts.seed ?? 0);
  const range = config.raw.initializer_range;
  const std = opts.std ?? (typeof range === 'number' ? range : 0.02);
  const arrays = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const [name, shape] of expectedWeightShapes(config)) {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    if (name.endsWith('norm.weight')) data.fill(1);
    else if (!name.endsWith('.bias')) for (let i = 0; i < data.length; i++) data[i] = normal(rng) * std;
    arrays.set(name, { shape, data });
  }
  return arrays;
}

export function initModel(config: LlamaConfig, opts: InitOptions = {}): LlamaModel {
  return LlamaModel.fromArrays(config, initWeights(config, opts), 'fresh initialization');
}
