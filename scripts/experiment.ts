// npm run experiment: the paper's comparison at workshop scale, headless. The base model is
// evaluated, then fine-tuned from the same synthetic distilled data under each strategy (same
// epochs, seed and hyperparameters), and each result is evaluated on the held-out synthetic split
// (by difficulty) and on the first GSM8K test items. Writes results.json, results.md and chart.svg.
// --smoke runs a few steps on a few items (CI checks the pipeline and the table's shape).
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { synthDataset, toJsonl } from '../src/lib/data/synth';
import { STRATEGIES } from '../src/lib/data/types';
import { DEFAULT_MODEL_DIR } from '../src/lib/default-model';
import { taskMetrics, type SampleRecord } from '../src/lib/eval/runner';
import { BUNDLED_PRESET } from '../src/lib/pipeline/defaults';
import { runEvaluation, type EvalDoneEvent, type EvalSpec } from '../src/lib/pipeline/evaluate';
import { synthFileName, type EvalDataSource, type SynthSource } from '../src/lib/pipeline/sources';
import { startTraining, type TrainHost } from '../src/lib/pipeline/train';
import { nodeFolderStore } from '../src/lib/storage/node-store';
import type { StepMetrics } from '../src/lib/train/trainer';
import { renderChart, renderTable, type Cell, type ExperimentResults } from './experiment-report';

const FULL = {
  // One epoch of 200 steps of 16: what 30 minutes here allow for all four strategies and five evals.
  trainRecords: 3200,
  synthSeed: BUNDLED_PRESET.synth.seed,
  evalItems: 200,
  gsm8kItems: 200,
  train: { ...BUNDLED_PRESET.train, mode: 'full' as const, epochs: 1, schedule: 'cosine' as const, weightDecay: 0.01 },
  // 288 new tokens: the `full` strategy's answers carry their reasoning, longer than the page's 192.
  eval: { task: 'chat' as const, batchSize: BUNDLED_PRESET.eval.batchSize, maxNewTokens: 288 },
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
const quiet = () => {};

/** Strict-match accuracy (#### N, as trained) of a set of samples. */
function cell(samples: SampleRecord[]): Cell {
  const metrics = taskMetrics('chat', samples);
  return { n: samples.length, accuracy: Number(metrics['exact_match,strict-match']), stderr: Number(metrics['exact_match_stderr,strict-match']) };
}

/** One model on one eval set, through the pipeline; outputs in `outDir`. */
async function evaluate(model: string, data: EvalDataSource, outDir: string, limit?: number): Promise<EvalDoneEvent> {
  const spec: EvalSpec = { model, data, limit, ...plan.eval, backend: 'wasm' };
  return runEvaluation(spec, { post: quiet, cancelled: () => false, store: () => Promise.resolve(nodeFolderStore(outDir)), outFolder: outDir });
}

/** Calculation steps of a GSM8K solution: its <<a*b=c>> annotations. */
const calculations = (solution: string) => (solution.match(/<</g) ?? []).length;

async function main() {
  const started = Date.now();
  tf.enableProdMode();
  const out = path.resolve(args.out!);
  const work = path.join(out, '.work');
  // Each run starts afresh: the pipeline refuses to start over a folder that holds a run.
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const synth: EvalDataSource = { kind: 'synth', n: plan.evalItems, seed: plan.synthSeed };
  const trainData: SynthSource = { kind: 'synth', n: plan.trainRecords, seed: plan.synthSeed };
  const gsm8k: EvalDataSource | null = existsSync(args.gsm8k!) ? { kind: 'url', url: path.resolve(args.gsm8k!) } : null;
  if (!gsm8k) log(`no GSM8K test file at ${args.gsm8k}; the GSM8K column is left out`);
  const results: ExperimentResults = {
    date: new Date().toISOString().slice(0, 10),
    command: `npm run experiment${args.smoke ? ' -- --smoke' : ''}`,
    model: args.model!,
    plan,
    promptStyle: '',
    rows: [],
    seconds: 0,
  };

  const evalRow = async (name: string, model: string, dir: string, training?: ExperimentResults['rows'][number]['training']) => {
    const t0 = Date.now();
    const synthEval = await evaluate(model, synth, path.join(dir, 'eval-synth'));
    const samples = synthEval.samples;
    results.promptStyle = String(synthEval.results.config.prompt_style);
    const gsmSamples = gsm8k ? (await evaluate(model, gsm8k, path.join(dir, 'eval-gsm8k'), plan.gsm8kItems)).samples : null;
    const gsm = gsmSamples && cell(gsmSamples);
    // Word problems phrased unlike the templates, as short as the synthetic difficulty 1–2 ones.
    const gsmEasy = gsmSamples && cell(gsmSamples.filter((s) => calculations(String(s.doc.answer)) <= 2));
    const byDifficulty: Record<string, Cell> = {};
    for (const d of [...new Set(samples.map((s) => s.doc.difficulty).filter((x) => x !== undefined))].sort()) {
      byDifficulty[`d${d}`] = cell(samples.filter((s) => s.doc.difficulty === d));
    }
    const easy = samples.filter((s) => (s.doc.difficulty ?? 0) <= 2);
    const hard = samples.filter((s) => (s.doc.difficulty ?? 0) >= 3);
    const row = { name, training, synth: cell(samples), synthEasy: cell(easy), ...(hard.length > 0 && { synthHard: cell(hard) }), synthByDifficulty: byDifficulty, gsm8k: gsm, gsm8kEasy: gsmEasy };
    results.rows.push(row);
    log(`${name}: synthetic ${(100 * row.synth.accuracy).toFixed(1)}%${gsm ? `, GSM8K ${(100 * gsm.accuracy).toFixed(1)}%` : ''} (eval ${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  };

  await evalRow('base (no fine-tuning)', args.model!, path.join(work, 'base'));
  // The train data as a file, so that each run's run.json names it.
  const trainFile = path.join(work, synthFileName(trainData));
  writeFileSync(trainFile, toJsonl(synthDataset(trainData)));
  for (const strategy of STRATEGIES) {
    const runDir = path.join(work, strategy);
    const history: StepMetrics[] = [];
    const t0 = Date.now();
    const host: TrainHost = {
      post: (e) => void (e.type === 'train-step' && history.push(e.metrics)),
      control: () => 'continue',
      store: (part) => Promise.resolve(nodeFolderStore(path.join(runDir, part))),
      runFolder: runDir,
    };
    const done = await startTraining({ model: args.model!, data: trainFile, strategy, backend: 'wasm' }, plan.train, host);
    const training = { steps: done.steps, lossFirst: history[0].loss, lossLast: history.at(-1)!.loss, seconds: (Date.now() - t0) / 1000 };
    log(`${strategy}: ${done.steps} steps, loss ${training.lossFirst.toFixed(3)} → ${training.lossLast.toFixed(3)} in ${training.seconds.toFixed(0)} s`);
    await evalRow(strategy, path.join(runDir, 'model'), runDir, training);
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
