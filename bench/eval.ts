// Evaluation throughput of the ~11M-parameter bench model: batched greedy decoding of GSM8K-shaped
// prompts, batched as runEval batches them (longest first). The model has random weights and no
// tokenizer, so this times generate() alone on synthetic ids, with stop tokens off so that every
// item makes all its tokens: no stop-string decoding and no scoring (both small beside the model).
import * as tf from '@tensorflow/tfjs-core';
import { generate } from '../models/generate';
import { initModel } from '../models/init';
import { BENCH_10M } from './configs';

export interface EvalBenchOptions {
  items: number;
  batch: number;
  /** Prompt lengths spread evenly over [min, max] tokens, like a GSM8K question in a template. */
  promptTokens: [number, number];
  maxNewTokens: number;
}

export const EVAL_BENCH_DEFAULTS = { items: 16, promptTokens: [100, 140] as [number, number], maxNewTokens: 64, batches: [1, 8] };

export interface EvalFigures {
  seconds: number;
  itemsPerS: number;
  generatedTokensPerS: number;
}

/** Deterministic prompts, longest first as runEval orders them (so each batch pads little). */
function prompts({ items, promptTokens: [min, max] }: EvalBenchOptions): number[][] {
  return Array.from({ length: items }, (_, r) => {
    const length = max - Math.round(((max - min) * r) / Math.max(1, items - 1));
    return Array.from({ length }, (_, i) => (i * 31 + r * 7 + 5) % BENCH_10M.vocabSize);
  });
}

export async function benchEval(opts: EvalBenchOptions): Promise<EvalFigures> {
  const model = initModel(BENCH_10M, { seed: 1 });
  const all = prompts(opts);
  const settings = { maxNewTokens: opts.maxNewTokens, greedy: true, stopTokenIds: [] };
  await generate(model, all.slice(0, opts.batch), { ...settings, maxNewTokens: 2 }); // warm-up: kernels at this batch size
  const started = performance.now();
  let generated = 0;
  for (let i = 0; i < all.length; i += opts.batch) generated += (await generate(model, all.slice(i, i + opts.batch), settings)).generatedTokens;
  const seconds = (performance.now() - started) / 1000;
  model.dispose();
  tf.disposeVariables();
  return { seconds, itemsPerS: all.length / seconds, generatedTokensPerS: generated / seconds };
}
