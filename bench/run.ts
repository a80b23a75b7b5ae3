// npm run bench: throughput figures on every backend Node offers. Prints, asserts nothing.
//   npm run bench -- --only inference|training|eval   one part only
//   npm run bench -- --steps N                    timed training steps on wasm (or BENCH_STEPS=N)
import * as tf from '@tensorflow/tfjs';
import { parameterCount } from '../models/config';
import { initBackend, type BackendName } from '../models/backend';
import { formatBytes, formatCount } from '../models/memory';
import { BENCH_10M } from './configs';
import { benchEval, EVAL_BENCH_DEFAULTS } from './eval';
import { benchInference, INFERENCE_DEFAULTS } from './inference';
import { benchTraining, torchReference, type TrainingBenchOptions } from './training';

const NODE_BACKENDS: BackendName[] = ['wasm', 'cpu'];

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function inference() {
  const o = INFERENCE_DEFAULTS;
  console.log(`inference: prompt ${o.promptLength} tokens, ${o.decodeTokens} new tokens, batch ${o.batch}, median of ${o.repeats}\n`);
  console.log('backend | prefill tok/s | prefill ms | decode tok/s | ms/token');
  console.log('--------|---------------|------------|--------------|---------');
  for (const name of NODE_BACKENDS) {
    const info = await initBackend(name);
    const f = await benchInference();
    console.log(`${info.name.padEnd(7)} | ${f.prefillTokensPerS.toFixed(0).padStart(13)} | ${f.prefillMs.toFixed(0).padStart(10)} | ` +
      `${f.decodeTokensPerS.toFixed(1).padStart(12)} | ${f.msPerDecodedToken.toFixed(1).padStart(8)}`);
  }
}

async function training(steps: number) {
  const seqLength = 256;
  // cpu trains some 20× slower than wasm: one row and fewer steps keep the whole bench to minutes.
  const plans: (Omit<TrainingBenchOptions, 'mode'> & { backend: BackendName })[] = [
    { backend: 'wasm', batch: 8, seqLength, warmupSteps: 2, steps },
    { backend: 'cpu', batch: 1, seqLength, warmupSteps: 1, steps: Math.max(1, Math.round(steps / 3)) },
  ];
  console.log(`training: seq ${seqLength}, random tokens, every position but the first trained; AdamW; LoRA r 8, alpha 16, q/k/v/o, dropout 0`);
  for (const p of plans) console.log(`  ${p.backend}: batch ${p.batch}, median of ${p.steps} step${p.steps === 1 ? '' : 's'} after ${p.warmupSteps} warm-up`);
  console.log('  peak: largest tfjs tensor memory in the run; estimate: estimateTrainingMemory\n');
  console.log('backend | mode | batch | tokens/s | ms/step |      peak |  estimate');
  console.log('--------|------|-------|----------|---------|-----------|----------');
  let wasmFullTokensPerS = 0;
  for (const p of plans) {
    await initBackend(p.backend);
    for (const mode of ['full', 'lora'] as const) {
      const f = await benchTraining({ ...p, mode });
      if (p.backend === 'wasm' && mode === 'full') wasmFullTokensPerS = f.tokensPerS;
      console.log(`${p.backend.padEnd(7)} | ${mode.padEnd(4)} | ${String(p.batch).padStart(5)} | ${f.tokensPerS.toFixed(1).padStart(8)} | ` +
        `${f.msPerStep.toFixed(0).padStart(7)} | ${formatBytes(f.peakBytes).padStart(9)} | ${formatBytes(f.estimatedBytes).padStart(9)}`);
    }
  }
  // Its steps take about a second: a few more of them steady the median on a busy machine.
  const torch = torchReference({ batch: plans[0].batch, seqLength, steps: Math.max(5, steps) });
  if (typeof torch === 'string') {
    console.log(`\nPyTorch reference skipped: ${torch}`);
    return;
  }
  console.log(`\nPyTorch reference (torch_llama_reference.py, full FT, batch ${plans[0].batch} × ${seqLength}, ${torch.threads} thread, ${torch.blas}): ` +
    `${torch.tokens_per_s.toFixed(1)} tokens/s, ${torch.ms_per_step.toFixed(0)} ms/step`);
  console.log(`wasm full FT ÷ PyTorch: ${(wasmFullTokensPerS / torch.tokens_per_s).toFixed(2)}`);
}

async function evaluation() {
  const o = EVAL_BENCH_DEFAULTS;
  console.log(`eval (wasm): ${o.items} GSM8K-shaped items, prompts ${o.promptTokens[0]}–${o.promptTokens[1]} tokens, ${o.maxNewTokens} new tokens each, ` +
    'greedy, longest first; generate() only (no tokenizer: no stop strings, no scoring)\n');
  console.log('batch | items/s | generated tok/s | seconds');
  console.log('------|---------|-----------------|--------');
  await initBackend('wasm');
  for (const batch of o.batches) {
    const f = await benchEval({ ...o, batch });
    console.log(`${String(batch).padStart(5)} | ${f.itemsPerS.toFixed(2).padStart(7)} | ${f.generatedTokensPerS.toFixed(1).padStart(15)} | ${f.seconds.toFixed(1).padStart(7)}`);
  }
}

async function main() {
  tf.enableProdMode();
  const steps = Number(option('steps') ?? process.env.BENCH_STEPS ?? 3);
  if (!(Number.isInteger(steps) && steps > 0)) throw new Error(`--steps (or BENCH_STEPS) must be a positive integer, got ${steps}`);
  const parts: Record<string, () => Promise<void>> = { inference, training: () => training(steps), eval: evaluation };
  const only = option('only');
  if (only !== undefined && !(only in parts)) throw new Error(`--only takes ${Object.keys(parts).join(', ')}, got ${only}`);
  console.log(`Distill Lab bench — model: Llama ${formatCount(parameterCount(BENCH_10M))} params ` +
    `(hidden ${BENCH_10M.hiddenSize}, ${BENCH_10M.numLayers} layers, vocab ${BENCH_10M.vocabSize}); node ${process.version}`);
  for (const [i, name] of (only === undefined ? Object.keys(parts) : [only]).entries()) {
    if (i > 0) console.log('');
    await parts[name]();
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
