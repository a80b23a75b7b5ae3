// wasm threads in Node: a large and a small matmul and a training step of the ~10M-parameter bench model at each
// thread count, in one process (initBackend starts the wasm backend again when the count
// changes). Prints, asserts nothing; run by hand:
//
//   npx tsx bench/threads.ts [--threads 1,2]
//
// The default counts are 1 and every logical core (BACKEND_DEFAULTS.threads()).
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { BACKEND_DEFAULTS, initBackend } from '../models/backend';
import { initModel } from '../models/init';
import { Trainer } from '../src/lib/train/trainer';
import { BENCH_10M } from './configs';
import { matmulMs, median } from './timing';
import { syntheticRows } from './training';

export const THREADS_BENCH = {
  /** Square matmul [n, n] · [n, n], timed `runs` times after `warmup` untimed ones. */
  matmul: { n: 512, warmup: 3, runs: 15 },
  /** The same for a small one, as most of a small model's products are: what waking the threads costs. */
  smallMatmul: { n: 64, warmup: 20, runs: 500 },
  /** Full fine-tuning steps of BENCH_10M on random tokens; the first `warmupSteps` are not counted. */
  training: { batch: 4, seqLength: 128, warmupSteps: 1, steps: 3 },
};

async function trainingStepMs(): Promise<number> {
  const { batch, seqLength, warmupSteps, steps } = THREADS_BENCH.training;
  const model = initModel(BENCH_10M, { seed: 1 });
  const trainer = new Trainer(model, { train: syntheticRows(BENCH_10M, batch, seqLength) }, { mode: 'full', batchSize: batch, maxLength: seqLength, maxSteps: warmupSteps + steps });
  const result = await trainer.run();
  trainer.dispose();
  model.dispose();
  const tokensPerS = median(result.history.slice(warmupSteps).map((m) => m.tokensPerSecond));
  return ((batch * seqLength) / tokensPerS) * 1000;
}

async function main() {
  const i = process.argv.indexOf('--threads');
  const counts = i >= 0 ? process.argv[i + 1].split(',').map(Number) : [1, await BACKEND_DEFAULTS.threads()];
  if (counts.some((c) => !Number.isInteger(c) || c < 1)) throw new Error(`--threads takes counts such as 1,2; got ${process.argv[i + 1]}`);
  const { n, warmup, runs } = THREADS_BENCH.matmul;
  const small = THREADS_BENCH.smallMatmul;
  const o = THREADS_BENCH.training;
  console.log(
    `medians: matmul ${n}² (${runs} runs), matmul ${small.n}² (${small.runs} runs), a full fine-tuning step of the bench model, batch ${o.batch} × ${o.seqLength} tokens (${o.steps} steps)`,
  );
  for (const threads of counts) {
    const info = await initBackend('wasm', { threads });
    const ms = await matmulMs(n, warmup, runs);
    const smallMs = await matmulMs(small.n, small.warmup, small.runs);
    const stepMs = await trainingStepMs();
    const gflops = (2 * n ** 3) / (ms / 1000) / 1e9;
    console.log(`${info.summary}: matmul ${n}² ${ms.toFixed(1)} ms (${gflops.toFixed(1)} GFLOP/s), ${small.n}² ${(smallMs * 1000).toFixed(0)} µs; training step ${stepMs.toFixed(0)} ms`);
  }
}

// Only when run: bench/threads-browser.ts imports THREADS_BENCH.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
