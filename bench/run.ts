// npm run bench: throughput figures on every backend Node offers. Prints, asserts nothing.
//   npm run bench -- --only inference|training|eval   one part only
//   npm run bench -- --steps N                    timed training steps (or BENCH_STEPS=N)
import * as tf from '@tensorflow/tfjs-core';
import { parameterCount } from '../models/config';
import { initBackend, type BackendName } from '../models/backend';
import { LORA_DEFAULTS } from '../models/lora';
import { formatBytes, formatCount } from '../models/memory';
import os from 'node:os';
import { BENCH_10M, TORCH_REFERENCE, TRAINING_OP_ROWS, TRAINING_PLANS, type TrainingPlan } from './configs';
import { benchEval, EVAL_BENCH_DEFAULTS } from './eval';
import { benchInference, INFERENCE_DEFAULTS } from './inference';
import { benchTraining, torchReference, type TrainingFigures } from './training';

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

function trainingTable(plan: TrainingPlan, f: TrainingFigures): void {
  console.log(`\n${plan.label} ${plan.mode}: kernels of one warm-up step (tf.profile), top ${TRAINING_OP_ROWS}`);
  console.log('op                   | count |      ms | share');
  console.log('---------------------|-------|---------|------');
  const total = f.ops.reduce((n, o) => n + o.ms, 0);
  for (const o of f.ops.slice(0, TRAINING_OP_ROWS)) {
    console.log(`${o.op.padEnd(20)} | ${String(o.count).padStart(5)} | ${o.ms.toFixed(0).padStart(7)} | ${((100 * o.ms) / total).toFixed(1).padStart(4)}%`);
  }
  console.log(`${'all kernels'.padEnd(20)} | ${String(f.ops.reduce((n, o) => n + o.count, 0)).padStart(5)} | ${total.toFixed(0).padStart(7)} |`);
}

async function training(steps: number) {
  const info = await initBackend('wasm');
  const threads = info.wasmThreads ?? 1;
  const l = LORA_DEFAULTS;
  console.log(`training on wasm (${threads} thread${threads === 1 ? '' : 's'}): random tokens, every position but the first trained; AdamW; ` +
    `LoRA r ${l.rank}, alpha ${l.alpha}, ${l.targets.join('/')}, dropout ${l.dropout}`);
  console.log('  peak: largest live tensor memory over the warm-up steps (the wasm allocations, tracked at malloc and free);');
  console.log('  wasm heap: its size after the plan (it only grows), what was really allocated; kernel: the most the attention');
  console.log('  kernel laid out in its own memory (outside the heap) in one call; need: estimateTrainingMemory');
  console.log('  (weights, gradients, AdamW moments, the activations kept for the backward pass)\n');
  const rows: string[] = [];
  const tables: [TrainingPlan, TrainingFigures][] = [];
  for (const plan of TRAINING_PLANS) {
    const timedSteps = plan.steps ?? steps;
    const f = await benchTraining(plan, timedSteps);
    tables.push([plan, f]);
    let torch = '';
    if (plan.torchConfig) {
      const figures = TORCH_REFERENCE.threads.map((t) =>
        torchReference({ config: plan.torchConfig!, batch: plan.batch, seqLength: plan.seqLength, steps: Math.max(TORCH_REFERENCE.minSteps, timedSteps), threads: t || os.availableParallelism() }),
      );
      torch = figures
        .map((r) => (typeof r === 'string' ? `PyTorch skipped: ${r}` : `PyTorch ${r.threads} thr ${r.tokens_per_s.toFixed(0)} tok/s (wasm ${(f.tokensPerS / r.tokens_per_s).toFixed(2)}×)`))
        .join('; ');
    }
    rows.push(
      `${`${plan.label} ${plan.mode}`.padEnd(18)} | ${`${plan.batch}×${plan.seqLength}`.padStart(6)} | ${f.tokensPerS.toFixed(0).padStart(8)} | ${f.msPerStep.toFixed(0).padStart(7)} | ` +
        `${formatBytes(f.peakBytes).padStart(9)} | ${(f.heapBytes === null ? '' : formatBytes(f.heapBytes)).padStart(9)} | ${formatBytes(f.kernelPeakBytes).padStart(9)} | ` +
        `${formatBytes(f.estimate.totalBytes).padStart(9)} | ` +
        `${(f.peakBytes / f.estimate.totalBytes).toFixed(2).padStart(9)} | ${torch}`,
    );
  }
  console.log('model, mode        |  batch | tokens/s | ms/step |      peak | wasm heap |    kernel |      need | peak/need | PyTorch (full FT, same shape, same run)');
  console.log('-------------------|--------|----------|---------|-----------|-----------|-----------|-----------|-----------|----------------------------------------');
  for (const r of rows) console.log(r);
  await threadComparison(tables, threads, steps);
  for (const [plan, f] of tables) trainingTable(plan, f);
}

/** The shapes PyTorch runs too, again on one wasm thread: what the other threads bring. */
async function threadComparison(tables: [TrainingPlan, TrainingFigures][], threads: number, steps: number) {
  if (threads === 1) return;
  await initBackend('wasm', { threads: 1 });
  console.log(`
model, mode        | tokens/s, 1 thread | tokens/s, ${threads} threads`);
  console.log('-------------------|--------------------|-------------------');
  for (const [plan, f] of tables.filter(([p]) => p.torchConfig)) {
    const one = await benchTraining(plan, plan.steps ?? steps);
    console.log(`${`${plan.label} ${plan.mode}`.padEnd(18)} | ${one.tokensPerS.toFixed(0).padStart(18)} | ${f.tokensPerS.toFixed(0).padStart(17)}`);
  }
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
