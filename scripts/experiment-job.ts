// One job of `npm run experiment`, run in its own process (a lane): fine-tune the model under one
// strategy, or evaluate a model (the base one, or a fine-tune's result) on the plan's eval sets.
// Forked by experiment.ts, which sends one typed `job` message and reads back `log` lines and the
// job's result.
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { StrategyName } from '../src/lib/data/types';
import { taskMetrics, type SampleRecord } from '../src/lib/eval/runner';
import { runEvaluation, type EvalDoneEvent, type EvalSpec } from '../src/lib/pipeline/evaluate';
import type { EvalDataSource } from '../src/lib/pipeline/sources';
import { startTraining, type TrainHost } from '../src/lib/pipeline/train';
import { nodeFolderStore } from '../src/lib/storage/node-store';
import type { TrainConfig } from '../src/lib/train/config';
import type { StepMetrics } from '../src/lib/train/trainer';
import type { Cell, ExperimentRow } from './experiment-report';

export type Training = NonNullable<ExperimentRow['training']>;

/** Fine-tune `model` under `strategy`; the result is saved in `dir`/run/model. */
export interface TrainJob {
  kind: 'train';
  strategy: StrategyName;
  model: string;
  trainFile: string;
  /** The strategy's folder: the run, and later its evaluations. */
  dir: string;
  train: Partial<TrainConfig>;
  /** wasm threads of this lane. */
  threads: number;
}

/** Evaluate `model` on every eval set of the plan: one row of the table. */
export interface EvalJob {
  kind: 'eval';
  /** The row's name in the table. */
  name: string;
  model: string;
  /** The fine-tune that made `model`; absent for the base model. */
  training?: Training;
  /** The evaluations' folder. */
  dir: string;
  synth: EvalDataSource;
  gsm8k: EvalDataSource | null;
  gsm8kItems: number;
  /** The hand-written problem sets' files, scored together; empty: no such column. */
  handwritten: string[];
  /** Items read from each hand-written set at most; null: all. */
  handwrittenItems: number | null;
  eval: Pick<EvalSpec, 'task' | 'batchSize' | 'maxNewTokens'>;
  /** wasm threads of this lane. */
  threads: number;
}

export type ExperimentJob = TrainJob | EvalJob;
export type JobResult = { type: 'trained'; training: Training; model: string } | { type: 'row'; row: ExperimentRow; promptStyle: string };
export type LaneRequest = { type: 'job'; job: ExperimentJob };
export type LaneReply = { type: 'log'; line: string } | JobResult | { type: 'failed'; message: string };

const quiet = () => {};

/** Strict-match accuracy (#### N, as trained) of a set of samples. */
function cell(samples: SampleRecord[]): Cell {
  const metrics = taskMetrics('chat', samples);
  return { n: samples.length, accuracy: Number(metrics['exact_match,strict-match']), stderr: Number(metrics['exact_match_stderr,strict-match']) };
}

/** Calculation steps of a GSM8K solution: its <<a*b=c>> annotations. */
const calculations = (solution: string) => (solution.match(/<</g) ?? []).length;

async function evaluate(job: EvalJob, data: EvalDataSource, outDir: string, limit?: number | null): Promise<EvalDoneEvent> {
  const spec: EvalSpec = { model: job.model, data, limit: limit ?? undefined, ...job.eval, backend: 'wasm', threads: job.threads };
  return runEvaluation(spec, { post: quiet, cancelled: () => false, store: () => Promise.resolve(nodeFolderStore(outDir)), outFolder: outDir });
}

async function evalRow(job: EvalJob): Promise<JobResult> {
  const synthEval = await evaluate(job, job.synth, path.join(job.dir, 'eval-synth'));
  const samples = synthEval.samples;
  const gsmSamples = job.gsm8k ? (await evaluate(job, job.gsm8k, path.join(job.dir, 'eval-gsm8k'), job.gsm8kItems)).samples : null;
  const handwritten: SampleRecord[] = [];
  for (const file of job.handwritten) {
    const outDir = path.join(job.dir, 'eval-handwritten', path.basename(file, '.jsonl'));
    handwritten.push(...(await evaluate(job, { kind: 'url', url: file }, outDir, job.handwrittenItems)).samples);
  }
  const byDifficulty: Record<string, Cell> = {};
  for (const d of [...new Set(samples.map((s) => s.doc.difficulty).filter((x) => x !== undefined))].sort()) {
    byDifficulty[`d${d}`] = cell(samples.filter((s) => s.doc.difficulty === d));
  }
  const hard = samples.filter((s) => (s.doc.difficulty ?? 0) >= 3);
  const row: ExperimentRow = {
    name: job.name,
    training: job.training,
    synth: cell(samples),
    synthEasy: cell(samples.filter((s) => (s.doc.difficulty ?? 0) <= 2)),
    ...(hard.length > 0 && { synthHard: cell(hard) }),
    synthByDifficulty: byDifficulty,
    gsm8k: gsmSamples && cell(gsmSamples),
    // Word problems phrased unlike the templates, as short as the synthetic difficulty 1–2 ones.
    gsm8kEasy: gsmSamples && cell(gsmSamples.filter((s) => calculations(String(s.doc.answer)) <= 2)),
    handwritten: job.handwritten.length > 0 ? cell(handwritten) : null,
  };
  return { type: 'row', row, promptStyle: String(synthEval.results.config.prompt_style) };
}

async function train(job: TrainJob, log: (line: string) => void): Promise<JobResult> {
  const runDir = path.join(job.dir, 'run');
  const history: StepMetrics[] = [];
  const t0 = Date.now();
  const host: TrainHost = {
    post: (e) => void (e.type === 'train-step' && history.push(e.metrics)),
    control: () => 'continue',
    store: (part) => Promise.resolve(nodeFolderStore(path.join(runDir, part))),
    runFolder: runDir,
  };
  const done = await startTraining({ model: job.model, data: job.trainFile, strategy: job.strategy, backend: 'wasm', threads: job.threads }, job.train, host);
  const training = { steps: done.steps, lossFirst: history[0].loss, lossLast: history.at(-1)!.loss, seconds: (Date.now() - t0) / 1000 };
  log(`${job.strategy}: ${done.steps} steps, loss ${training.lossFirst.toFixed(3)} → ${training.lossLast.toFixed(3)} in ${training.seconds.toFixed(0)} s`);
  return { type: 'trained', training, model: path.join(runDir, 'model') };
}

function runJob(job: ExperimentJob, log: (line: string) => void): Promise<JobResult> {
  tf.enableProdMode();
  return job.kind === 'train' ? train(job, log) : evalRow(job);
}

// Forked as a lane: one job in, its result out, then exit (wasm's runtime would keep the process alive).
if (process.send) {
  const send = (reply: LaneReply, then?: () => void) => process.send!(reply, undefined, undefined, then);
  process.once('message', (request: LaneRequest) => {
    runJob(request.job, (line) => send({ type: 'log', line }))
      .then((result) => send(result, () => process.exit(0)))
      .catch((e: unknown) => send({ type: 'failed', message: e instanceof Error ? e.message : String(e) }, () => process.exit(1)));
  });
}
