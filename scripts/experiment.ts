// npm run experiment: the paper's comparison at workshop scale, headless. The base model is
// evaluated, then fine-tuned from the same synthetic distilled data under each strategy (same
// epochs, seed and hyperparameters), and each result is evaluated on the held-out synthetic split
// (by difficulty) and on the first GSM8K test items. Writes results.json, results.md and chart.svg.
// --smoke runs a few steps on a few items (CI checks the pipeline and the table's shape).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../models/backend';
import { fromPretrained, type Pretrained } from '../models/from-pretrained';
import { resolvePromptStyle } from '../src/lib/data/prompt-format';
import { synthDataset, toJsonl } from '../src/lib/data/synth';
import { STRATEGIES, type StrategyName } from '../src/lib/data/types';
import { DEFAULT_MODEL_DIR } from '../src/lib/default-model';
import { loadEvalDocs, synthEvalDocs } from '../src/lib/eval/data';
import { runEval, taskMetrics } from '../src/lib/eval/runner';
import type { EvalDoc } from '../src/lib/eval/tasks';
import { prepareTrainingData } from '../src/lib/train/prepare';
import { Trainer } from '../src/lib/train/trainer';
import { renderChart, renderTable, type ExperimentResults, type Cell } from './experiment-report';

const FULL = {
  trainRecords: 1200,
  synthSeed: 11,
  evalItems: 200,
  gsm8kItems: 200,
  train: { mode: 'full' as const, epochs: 1, learningRate: 1e-3, warmupSteps: 10, schedule: 'cosine' as const, batchSize: 16, maxLength: 320, weightDecay: 0.01, seed: 5 },
  eval: { task: 'chat' as const, batchSize: 32, maxNewTokens: 288 },
};
const SMOKE = { ...FULL, trainRecords: 16, evalItems: 8, gsm8kItems: 4, train: { ...FULL.train, epochs: 1, maxSteps: 2, batchSize: 8 }, eval: { ...FULL.eval, maxNewTokens: 8 } };

const { values: args } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: false },
    model: { type: 'string', default: DEFAULT_MODEL_DIR },
    out: { type: 'string', default: 'experiment' },
    gsm8k: { type: 'string', default: '../shared/data/gsm8k/test.jsonl' },
  },
});
const plan = args.smoke ? SMOKE : FULL;
const log = (line: string) => process.stdout.write(`${line}\n`);
const loadModel = (source: string) => fromPretrained(source, { log: () => {} });

/** The strict-match accuracy (#### N, as trained) of one model on one set of docs. */
async function evaluate(m: Pretrained, docs: EvalDoc[], style: 'chat' | 'plain'): Promise<{ all: Cell; easy: Cell; byDifficulty: Record<string, Cell> }> {
  const { samples } = await runEval(m.model, m.tokenizer!, docs, { ...plan.eval, style });
  const cell = (xs: typeof samples): Cell => {
    const metrics = taskMetrics('chat', xs);
    return { n: xs.length, accuracy: Number(metrics['exact_match,strict-match']), stderr: Number(metrics['exact_match_stderr,strict-match']) };
  };
  const byDifficulty: Record<string, Cell> = {};
  for (const d of [...new Set(samples.map((s) => s.doc.difficulty).filter((x) => x !== undefined))].sort()) {
    byDifficulty[`d${d}`] = cell(samples.filter((s) => s.doc.difficulty === d));
  }
  return { all: cell(samples), easy: cell(samples.filter((s) => (s.doc.difficulty ?? 0) <= 2)), byDifficulty };
}

async function main() {
  const started = Date.now();
  tf.enableProdMode();
  log((await initBackend('wasm')).summary);
  const out = path.resolve(args.out!);
  mkdirSync(out, { recursive: true });
  const work = path.join(out, '.work');
  const trainFile = path.join(work, 'synth-train.jsonl');
  mkdirSync(work, { recursive: true });
  writeFileSync(trainFile, toJsonl(synthDataset({ n: plan.trainRecords, seed: plan.synthSeed })));
  const synthDocs = synthEvalDocs(plan.evalItems, plan.synthSeed);
  const gsm8k = existsSync(args.gsm8k!) ? (await loadEvalDocs(args.gsm8k!, { limit: plan.gsm8kItems })).docs : null;
  if (!gsm8k) log(`no GSM8K test file at ${args.gsm8k}; the GSM8K column is left out`);

  const base = await loadModel(args.model!);
  if (!base.tokenizer) throw new Error(`${args.model} has no tokenizer; the experiment needs one`);
  const style = resolvePromptStyle(base.tokenizer);
  const results: ExperimentResults = {
    date: new Date().toISOString().slice(0, 10),
    command: `npm run experiment${args.smoke ? ' -- --smoke' : ''}`,
    model: args.model!,
    plan,
    promptStyle: style,
    rows: [],
    seconds: 0,
  };

  const evalRow = async (name: string, m: Pretrained, training?: { steps: number; lossFirst: number; lossLast: number; seconds: number }) => {
    const t0 = Date.now();
    const synth = await evaluate(m, synthDocs, style);
    const gsm = gsm8k ? (await evaluate(m, gsm8k, style)).all : null;
    results.rows.push({ name, training, synth: synth.all, synthEasy: synth.easy, synthByDifficulty: synth.byDifficulty, gsm8k: gsm });
    log(`${name}: synthetic ${(100 * synth.all.accuracy).toFixed(1)}%${gsm ? `, GSM8K ${(100 * gsm.accuracy).toFixed(1)}%` : ''} (eval ${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  };

  await evalRow('base (no fine-tuning)', base);
  base.model.dispose();
  for (const strategy of STRATEGIES as readonly StrategyName[]) {
    const m = await loadModel(args.model!);
    const { data } = await prepareTrainingData(trainFile, { strategy, tokenizer: m.tokenizer!, style, maxLength: plan.train.maxLength, evalSize: 0, seed: plan.train.seed });
    const t0 = Date.now();
    const run = await new Trainer(m.model, data, plan.train).run();
    const training = { steps: run.steps, lossFirst: run.history[0].loss, lossLast: run.history.at(-1)!.loss, seconds: (Date.now() - t0) / 1000 };
    log(`${strategy}: ${run.steps} steps, loss ${training.lossFirst.toFixed(3)} → ${training.lossLast.toFixed(3)} in ${training.seconds.toFixed(0)} s`);
    await evalRow(strategy, m, training);
    m.model.dispose();
  }
  results.seconds = (Date.now() - started) / 1000;
  writeFileSync(path.join(out, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(path.join(out, 'results.md'), renderTable(results));
  writeFileSync(path.join(out, 'chart.svg'), renderChart(results));
  log(`wrote ${out}/results.json, results.md, chart.svg in ${(results.seconds / 60).toFixed(1)} min`);
}

main().catch((e) => {
  console.error(`experiment: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
});
