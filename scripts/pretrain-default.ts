// npm run pretrain-default: builds the bundled default model from scratch, seeded and resumable.
// 1. a byte-level BPE tokenizer learned from the synthetic corpus (digits kept single);
// 2. a small Llama pretrained on problem statements, narrative and arithmetic facts (never the
//    worked answers that fine-tuning teaches), then a second phase with more arithmetic;
// 3. exported in Hugging Face layout (float16) to public/models/<name>/, with SHA-256 checksums.
// Work files (the tokenizer, one checkpoint folder per phase) stay in .pretrain/; a second run
// resumes from the latest.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseNumber, UsageError } from '../cli/args';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../models/backend';
import { parseConfig, parameterCount } from '../models/config';
import { nodeDirFiles } from '../models/files';
import { initModel } from '../models/init';
import { formatBytes, formatCount } from '../models/memory';
import { loadTokenizer, type TextTokenizer } from '../models/tokenizer';
import { pretrainCorpus } from '../src/lib/data/synth';
import type { TokenizedExample } from '../src/lib/data/tokenize';
import { DEFAULT_MODEL_DIR, DEFAULT_MODEL_NAME, DEFAULT_MODEL_RECIPE as R } from '../src/lib/default-model';
import { nodeFolderStore } from '../src/lib/storage/node-store';
import { DEFAULT_SPECIAL_TOKENS, trainByteLevelBpe, writeTokenizerFiles } from '../src/lib/tokenizer-build';
import { trainConfig as checkedTrainConfig } from '../src/lib/train/config';
import { exportMergedModel } from '../src/lib/train/export';
import { describeTrainingEstimate, estimateTrainingMemory } from '../src/lib/train/memory';
import { Trainer, type TrainResult } from '../src/lib/train/trainer';

const { values: args } = parseArgs({
  options: {
    out: { type: 'string', default: DEFAULT_MODEL_DIR },
    work: { type: 'string', default: `.pretrain/${DEFAULT_MODEL_NAME}` },
    // Every phase's steps, for a quick run of the whole recipe (a fresh --work folder; give --out
    // elsewhere too, or it replaces the bundled model).
    steps: { type: 'string' },
    'max-minutes': { type: 'string', default: '85' },
    // wasm threads; default every logical core (up to the backend's limit).
    threads: { type: 'string' },
    fresh: { type: 'boolean', default: false },
  },
});
const log = (line: string) => process.stdout.write(`${line}\n`);

async function main() {
  const steps = args.steps === undefined ? undefined : parseNumber('--steps', args.steps, { integer: true, min: 1 });
  const maxMinutes = parseNumber('--max-minutes', args['max-minutes']!, { above: 0 });
  const threads = args.threads === undefined ? undefined : parseNumber('--threads', args.threads, { integer: true, min: 1 });
  tf.enableProdMode();
  log((await initBackend('wasm', { threads })).summary);
  const work = path.resolve(args.work!);
  const tokenizerDir = path.join(work, 'tokenizer');
  if (args.fresh && existsSync(work)) throw new Error(`--fresh: remove ${work} first (kept to protect a run in progress)`);

  // 1. Tokenizer (deterministic for the seed; rebuilt only when missing). Corpus sizes nest: these
  //    are the first phase's first documents.
  if (!existsSync(path.join(tokenizerDir, 'tokenizer.json'))) {
    const started = performance.now();
    const files = trainByteLevelBpe(pretrainCorpus({ n: R.tokenizer.corpusDocs, seed: R.seed }), { vocabSize: R.tokenizer.vocabSize, specialTokens: DEFAULT_SPECIAL_TOKENS });
    await writeTokenizerFiles(tokenizerDir, files);
    log(`tokenizer: vocab ${R.tokenizer.vocabSize} learned in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  const tokenizer = (await loadTokenizer(nodeDirFiles(tokenizerDir)))!;
  const eos = tokenizer.eosTokenId!;

  // 2. The model, fresh from its seed (a phase's checkpoint replaces its weights).
  const config = parseConfig({
    architectures: ['LlamaForCausalLM'],
    model_type: 'llama',
    ...R.architecture,
    vocab_size: R.tokenizer.vocabSize,
    hidden_act: 'silu',
    bos_token_id: tokenizer.bosTokenId ?? eos,
    eos_token_id: eos,
    pad_token_id: eos,
    initializer_range: 0.02,
  });
  const model = initModel(config, { seed: R.seed });

  // 3. Pretrain, then continue on the second phase's text; each phase resumes from its own folder.
  const phases = [
    { name: 'pretraining', folder: 'checkpoint', corpus: { n: R.corpus.docs, seed: R.seed }, train: { ...R.train, seed: R.seed } },
    {
      name: 'continued pretraining',
      folder: 'checkpoint-continued',
      corpus: { n: R.continued.corpus.docs, seed: R.continued.seed, mix: R.continued.corpus.mix },
      train: { ...R.continued.train, seed: R.continued.seed },
    },
  ];
  const deadline = Date.now() + maxMinutes * 60_000;
  // A later phase's checkpoint holds everything the earlier ones made: start from the latest.
  const saved = (i: number) => existsSync(path.join(work, phases[i].folder, 'state.json'));
  let first = phases.length - 1;
  while (first > 0 && !saved(first)) first--;
  if (steps !== undefined && saved(first)) throw new UsageError(`--steps: ${work} holds a checkpoint, whose own step count resumes; give a fresh --work folder`);
  let last: TrainResult | undefined;
  for (const [i, phase] of phases.entries()) {
    if (i < first) continue;
    const docs = pretrainCorpus(phase.corpus);
    const train = { ...phase.train, maxSteps: steps ?? phase.train.maxSteps };
    const examples = corpusExamples(docs, tokenizer, train.maxLength);
    const tokens = examples.reduce((n, e) => n + e.ids.length, 0);
    log(`${phase.name}: ${examples.length} documents, ${formatCount(tokens)} tokens (${(tokens / docs.reduce((n, d) => n + d.length, 0)).toFixed(3)} tokens per character)`);
    log(`model: Llama ${formatCount(parameterCount(config))} parameters; ${describeTrainingEstimate(estimateTrainingMemory(config, checkedTrainConfig(train)))}`);
    const store = nodeFolderStore(path.join(work, phase.folder));
    const resuming = saved(i);
    const trainer = resuming ? await Trainer.resume(model, { train: examples }, store) : new Trainer(model, { train: examples }, train, store);
    if (resuming) log(`${phase.name}: resuming at step ${trainer.stepsDone} of ${trainer.totalSteps}`);
    try {
      last = await trainer.run({
        control: () => (Date.now() > deadline ? 'pause' : 'continue'),
        onStep: (m) => {
          if (m.step % 10 === 0 || m.step === m.totalSteps) {
            log(`${phase.name} step ${m.step}/${m.totalSteps} loss ${m.loss.toFixed(3)} acc ${m.accuracy.toFixed(3)} lr ${m.learningRate.toExponential(2)} ${m.tokensPerSecond.toFixed(0)} tok/s eta ${(m.etaSeconds / 60).toFixed(1)} min`);
          }
        },
      });
    } finally {
      // Each phase starts a fresh AdamW: the finished one's moments are saved in its checkpoint.
      trainer.dispose();
    }
    if (last.status !== 'done') {
      log(`${phase.name}: paused at step ${last.steps} of ${trainer.totalSteps} (time limit); run again to continue`);
      return;
    }
  }

  // 4. Export: float16 weights, the tokenizer, and checksums the tests verify.
  const out = path.resolve(args.out!);
  mkdirSync(out, { recursive: true });
  await exportMergedModel(model, nodeFolderStore(out), { source: nodeDirFiles(tokenizerDir), dtype: 'F16' });
  const files = readdirSync(out).filter((f) => f !== 'checksums.json').sort();
  const sums = Object.fromEntries(files.map((f) => [f, createHash('sha256').update(readFileSync(path.join(out, f))).digest('hex')]));
  writeFileSync(path.join(out, 'checksums.json'), `${JSON.stringify({ sha256: sums }, null, 2)}\n`);
  const size = files.reduce((n, f) => n + readFileSync(path.join(out, f)).length, 0);
  log(`exported ${files.join(', ')} to ${out} (${formatBytes(size)}); final loss ${last?.history.at(-1)?.loss.toFixed(3)}`);
}

/** Documents as examples: every token is a target (plain language modelling), EOS after each. */
function corpusExamples(docs: string[], tokenizer: TextTokenizer, maxLength: number): TokenizedExample[] {
  const eos = tokenizer.eosTokenId!;
  return docs.map((doc, i) => {
    const ids = [...tokenizer.encode(doc, { addSpecialTokens: false }), eos].slice(0, maxLength);
    return { line: i + 1, ids, mask: ids.map(() => 1), promptTokens: 0, completionTokens: ids.length, truncated: false };
  });
}

main().catch((e) => {
  console.error(`pretrain-default: ${e instanceof Error ? e.message : e}`);
  process.exit(e instanceof UsageError ? 2 : 1);
});
