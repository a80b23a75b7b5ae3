// Prefill and decode throughput of the ~10M-parameter bench model on one backend.
import * as tf from '@tensorflow/tfjs-core';
import { generate } from '../models/generate';
import { initModel } from '../models/init';
import { BENCH_10M } from './configs';
import { median } from './timing';

export interface InferenceBenchOptions {
  promptLength: number;
  decodeTokens: number;
  batch: number;
  repeats: number;
}

export const INFERENCE_DEFAULTS: InferenceBenchOptions = { promptLength: 128, decodeTokens: 32, batch: 1, repeats: 3 };

export interface InferenceFigures {
  prefillTokensPerS: number;
  decodeTokensPerS: number;
  prefillMs: number;
  msPerDecodedToken: number;
}

export async function benchInference(opts: InferenceBenchOptions = INFERENCE_DEFAULTS): Promise<InferenceFigures> {
  const model = initModel(BENCH_10M, { seed: 1 });
  const prompts = Array.from({ length: opts.batch }, (_, r) =>
    Array.from({ length: opts.promptLength }, (_, i) => (i * 31 + r * 7 + 5) % BENCH_10M.vocabSize),
  );
  const run = () => generate(model, prompts, { maxNewTokens: opts.decodeTokens, greedy: true, stopTokenIds: [] });
  await generate(model, prompts, { maxNewTokens: 2, greedy: true, stopTokenIds: [] }); // warm-up: kernels, caches
  const prefill: number[] = [];
  const decode: number[] = [];
  for (let i = 0; i < opts.repeats; i++) {
    const r = await run();
    prefill.push(r.prefillMs);
    // The first token comes from the prefill; the decode phase makes the remaining ones.
    decode.push(r.decodeMs / (opts.decodeTokens - 1));
  }
  model.dispose();
  tf.disposeVariables();
  const prefillMs = median(prefill);
  const msPerDecodedToken = median(decode);
  return {
    prefillMs,
    msPerDecodedToken,
    prefillTokensPerS: (opts.batch * opts.promptLength) / (prefillMs / 1000),
    decodeTokensPerS: opts.batch / (msPerDecodedToken / 1000),
  };
}
