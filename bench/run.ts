// npm run bench: throughput figures on every backend Node offers. Prints, asserts nothing.
import * as tf from '@tensorflow/tfjs';
import { parameterCount } from '../models/config';
import { initBackend, type BackendName } from '../models/backend';
import { formatCount } from '../models/memory';
import { BENCH_10M } from './configs';
import { benchInference, INFERENCE_DEFAULTS } from './inference';

const NODE_BACKENDS: BackendName[] = ['wasm', 'cpu'];

async function main() {
  tf.enableProdMode();
  const o = INFERENCE_DEFAULTS;
  console.log(`Distill Lab bench — model: Llama ${formatCount(parameterCount(BENCH_10M))} params ` +
    `(hidden ${BENCH_10M.hiddenSize}, ${BENCH_10M.numLayers} layers, vocab ${BENCH_10M.vocabSize}); node ${process.version}`);
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

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
