// npm run experiment: the paper's comparison at workshop scale, headless. The base model is
// evaluated, then fine-tuned from the same distilled data (synthetic records and GSM8K training
// items in the synthetic teacher's format) under each strategy (same epochs, seed and
// hyperparameters; by default the paper's three, `--strategies` chooses), and each
// result is evaluated on the held-out synthetic split (by difficulty), on the first GSM8K test
// items and on the hand-written problem sets. Jobs (each fine-tune, each model's evals) run side by
// side in lanes (processes, see experiment-job.ts; shared as experiment-schedule.ts says). Writes
// results.json, results.md and chart.svg.
// --smoke runs a few steps on a few items (CI checks the pipeline and the table's shape).
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parseNumber } from '../cli/args';
import { hardwareThreads } from '../models/wasm-threads';
import type { SynthRecord } from '../src/lib/data/synth';
import { isVerbStory } from '../src/lib/data/synth/verb-stories';
import { STRATEGIES, type StrategyName } from '../src/lib/data/types';
import { DEFAULT_MODEL_DIR } from '../src/lib/default-model';
import { gsm8kTrainRecords, synthRecordsFile, type EvalDataSource } from '../src/lib/pipeline/sources';
import type { EvalJob, ExperimentJob, JobResult, LaneReply, LaneRequest, Training } from './experiment-job';
import { EXPERIMENT_PLAN, EXPERIMENT_SMOKE_PLAN, GSM8K_TRAIN_FILE, HANDWRITTEN_DIR } from './experiment-plan';
import { renderChart, renderTable, type ExperimentResults, type ExperimentRow } from './experiment-report';
import { runTasks, type Task } from './experiment-schedule';

/**
 * The paper's three: its baseline (the dataset's own response), the answer only, and a summary of
 * the reasoning before the answer. `full` (the teacher's whole response) is a fourth row on request:
 * its long targets cost nearly as much training as the other three together (at 4,000 records, 990 s
 * against 1,212 s).
 */
const PAPER_STRATEGIES: readonly StrategyName[] = STRATEGIES.filter((s) => s !== 'full');

/**
 * Which fine-tune trains on the most tokens (1: the most): they start in this order, so that the
 * longest, whose evals end the run, starts first.
 */
const TRAINING_LENGTH_RANK: Record<StrategyName, number> = { full: 1, 'think-summary': 2, original: 3, answer: 4 };

const { values: args } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: false },
    model: { type: 'string', default: DEFAULT_MODEL_DIR },
    out: { type: 'string', default: 'experiment' },
    gsm8k: { type: 'string', default: '../shared/data/gsm8k/test.jsonl' },
    // GSM8K's training items, some of them mixed into the fine-tunes' records (default: the plan's count).
    'gsm8k-train': { type: 'string', default: GSM8K_TRAIN_FILE },
    'gsm8k-train-items': { type: 'string' },
    // A folder of problem sets (.jsonl, one "question" and "answer" per line), scored together.
    handwritten: { type: 'string', default: HANDWRITTEN_DIR },
    // Jobs run side by side, each in its own process: the tiny model gains 1.3× from a second wasm
    // thread but 1.5× from a second process on the same two cores. Default: one lane per core.
    lanes: { type: 'string' },
    // The paper trains 3 epochs; one is what fits in 30 minutes on two cores.
    epochs: { type: 'string' },
    // Training records, GSM8K's among them (default: the plan's).
    records: { type: 'string' },
    // Comma-separated, e.g. original,answer,think-summary,full (default: the paper's three).
    strategies: { type: 'string' },
  },
});
/** A bad flag: one line and exit code 2, as the CLI answers. */
function refuse(message: string): never {
  console.error(`experiment: ${message}`);
  process.exit(2);
}
/** A number flag checked as the CLI checks its own. */
function numberFlag(flag: string, text: string | undefined, rule: Parameters<typeof parseNumber>[2]): number | undefined {
  if (text === undefined) return undefined;
  try {
    return parseNumber(`--${flag}`, text, rule);
  } catch (e) {
    return refuse(e instanceof Error ? e.message : String(e));
  }
}
const epochs = numberFlag('epochs', args.epochs, { above: 0 });
const records = numberFlag('records', args.records, { integer: true, min: 1 });
const lanesAsked = numberFlag('lanes', args.lanes, { integer: true, min: 1 });
const gsm8kTrainItems = numberFlag('gsm8k-train-items', args['gsm8k-train-items'], { integer: true, min: 0 });
/** --strategies as the table's rows, in STRATEGIES' order. */
function strategiesFlag(text: string | undefined): readonly StrategyName[] {
  if (text === undefined) return PAPER_STRATEGIES;
  const asked = text.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = asked.filter((s) => !(STRATEGIES as readonly string[]).includes(s));
  if (unknown.length || !asked.length) {
    const what = unknown.length ? `"${unknown[0]}" is not a strategy` : 'no strategy given';
    refuse(`--strategies: ${what}; give a comma-separated list of ${STRATEGIES.join(', ')}`);
  }
  return STRATEGIES.filter((s) => asked.includes(s));
}
const strategies = strategiesFlag(args.strategies);
const chosen = args.smoke ? EXPERIMENT_SMOKE_PLAN : EXPERIMENT_PLAN;
const plan = {
  ...chosen,
  strategies,
  trainRecords: records ?? chosen.trainRecords,
  gsm8kTrain: { ...chosen.gsm8kTrain, items: gsm8kTrainItems ?? chosen.gsm8kTrain.items },
  train: { ...chosen.train, epochs: epochs ?? chosen.train.epochs },
};
/** The flags this run was given, for results.json's command line. */
const flags = [
  args.smoke && '--smoke',
  epochs !== undefined && `--epochs ${epochs}`,
  records !== undefined && `--records ${records}`,
  gsm8kTrainItems !== undefined && `--gsm8k-train-items ${gsm8kTrainItems}`,
  args.strategies !== undefined && `--strategies ${strategies.join(',')}`,
].filter(Boolean);
const log = (line: string) => process.stdout.write(`${line}\n`);
const JOB_SCRIPT = fileURLToPath(new URL('./experiment-job.ts', import.meta.url));

/** The lanes' processes, stopped when a job fails so that none outlives the experiment. */
const children = new Set<ChildProcess>();

/**
 * One job in a forked process (the tsx loader comes with process.execArgv), whose result must be of
 * the kind `type`; `name` labels its failure.
 */
function runLane<K extends JobResult['type']>(name: string, job: ExperimentJob, type: K): Promise<Extract<JobResult, { type: K }>> {
  return new Promise((resolve, reject) => {
    const child = fork(JOB_SCRIPT);
    children.add(child);
    let result: JobResult | null = null;
    child.on('message', (reply: LaneReply) => {
      if (reply.type === 'log') log(reply.line);
      else if (reply.type === 'failed') reject(new Error(`${name}: ${reply.message}`));
      else result = reply;
    });
    child.on('exit', (code) => {
      children.delete(child);
      if (!result) reject(new Error(`${name}: the job's process exited with code ${code} before its result`));
      else if (result.type !== type) reject(new Error(`${name}: the job answered "${result.type}" where "${type}" was due`));
      else resolve(result as Extract<JobResult, { type: K }>);
    });
    child.send({ type: 'job', job } satisfies LaneRequest);
  });
}

function failWith(message: string): never {
  throw new Error(message);
}

/**
 * The plan's GSM8K training items, written as the synthetic teacher writes; none when the file is
 * missing. Where the file holds fewer usable items than asked, synthetic records make up the rest,
 * so that every fine-tune trains on the plan's number of records.
 */
async function realTrainRecords(): Promise<SynthRecord[]> {
  const { items, maxCalculations } = plan.gsm8kTrain;
  if (items === 0) return [];
  if (!existsSync(args['gsm8k-train']!)) {
    log(`no GSM8K train file at ${args['gsm8k-train']}; the fine-tunes train on synthetic records only`);
    return [];
  }
  const asked = Math.min(items, plan.trainRecords);
  const { records, report } = await gsm8kTrainRecords({ url: path.resolve(args['gsm8k-train']!), maxCalculations, items: asked });
  log(report);
  if (records.length < asked) log(`${asked} GSM8K training items asked for, ${records.length} usable: synthetic records make up the rest`);
  return records;
}

/** The hand-written sets' files: every .jsonl in the folder, in name order; none when the folder is missing. */
function handwrittenSets(): string[] {
  const dir = args.handwritten!;
  if (!existsSync(dir)) {
    log(`no hand-written problem sets at ${dir}; their column is left out`);
    return [];
  }
  const files = readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort();
  if (files.length === 0) refuse(`--handwritten: ${dir} holds no .jsonl file; give a folder of problem sets`);
  return files.map((f) => path.resolve(dir, f));
}

async function main() {
  const started = Date.now();
  const handwritten = handwrittenSets();
  const out = path.resolve(args.out!);
  const work = path.join(out, '.work');
  // Each run starts afresh: the pipeline refuses to start over a folder that holds a run.
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const synth: EvalDataSource = { kind: 'synth', n: plan.evalItems, seed: plan.synthSeed };
  const gsm8k: EvalDataSource | null = existsSync(args.gsm8k!) ? { kind: 'url', url: path.resolve(args.gsm8k!) } : null;
  if (!gsm8k) log(`no GSM8K test file at ${args.gsm8k}; the GSM8K column is left out`);
  const real = await realTrainRecords();
  const synthetic = plan.trainRecords - real.length;
  // The train data as a file, so that each run's run.json names it.
  const file = synthRecordsFile({ kind: 'synth', n: synthetic, seed: plan.synthSeed, verbStories: plan.verbStories }, real);
  const trainFile = path.join(work, file.name);
  writeFileSync(trainFile, new Uint8Array(await file.arrayBuffer()));
  const verbStories = (await file.text()).split('\n').filter((line) => line && isVerbStory(JSON.parse(line).template)).length;
  log(`training records: ${synthetic} synthetic (${verbStories} of them verb stories), ${real.length} GSM8K training items`);

  const baseName = 'base (no fine-tuning)';
  const byLength = [...strategies].sort((a, b) => TRAINING_LENGTH_RANK[a] - TRAINING_LENGTH_RANK[b]);
  const cores = await hardwareThreads();
  // Every fine-tune can train at once, and the base model's evals beside them.
  const lanes = Math.min(strategies.length + 1, lanesAsked ?? cores);
  const threads = Math.max(1, Math.floor(cores / lanes));
  const evalJob = (name: string, model: string, dir: string, training?: Training): EvalJob => ({
    kind: 'eval',
    name,
    model,
    training,
    dir,
    synth,
    gsm8k,
    gsm8kItems: plan.gsm8kItems,
    handwritten,
    handwrittenItems: plan.handwrittenItems,
    eval: { task: plan.eval.task, batchSize: plan.eval.batchSize, maxNewTokens: name === 'full' ? plan.eval.fullMaxNewTokens : plan.eval.maxNewTokens },
    threads,
  });
  const rows = new Map<string, { row: ExperimentRow; promptStyle: string }>();
  const evalTask = (name: string, after: Task | null, job: () => EvalJob): Task => ({
    name: `${name} (evals)`,
    after,
    async run() {
      const t0 = Date.now();
      const { row, promptStyle } = await runLane(this.name, job(), 'row');
      rows.set(name, { row, promptStyle });
      log(`${name}: synthetic ${(100 * row.synth.accuracy).toFixed(1)}%${row.gsm8k ? `, GSM8K ${(100 * row.gsm8k.accuracy).toFixed(1)}%` : ''}${row.handwritten ? `, hand-written ${(100 * row.handwritten.accuracy).toFixed(1)}%` : ''} (evals ${((Date.now() - t0) / 1000).toFixed(0)} s)`);
    },
  });
  // The fine-tunes first, longest first, then the evals: a lane takes a model's evals once its
  // fine-tune is done (with one job per strategy, a lane sat idle while the last one trained; see
  // the README).
  const trained = new Map<StrategyName, Extract<JobResult, { type: 'trained' }>>();
  const trainings: Task[] = [];
  const evals: Task[] = [];
  for (const strategy of byLength) {
    const dir = path.join(work, strategy);
    const training: Task = {
      name: `${strategy} (fine-tune)`,
      after: null,
      async run() {
        trained.set(strategy, await runLane(this.name, { kind: 'train', strategy, model: args.model!, trainFile, dir, train: plan.train, threads }, 'trained'));
      },
    };
    trainings.push(training);
    // Built when the fine-tune is done: runTasks starts the evals only after it.
    const result = () => trained.get(strategy) ?? failWith(`${strategy} (evals): its fine-tune left no model`);
    evals.push(evalTask(strategy, training, () => evalJob(strategy, result().model, dir, result().training)));
  }
  const tasks = [...trainings, ...evals, evalTask(baseName, null, () => evalJob(baseName, args.model!, path.join(work, 'base')))];
  log(`${tasks.length} jobs in ${lanes} lanes of ${threads} wasm thread${threads > 1 ? 's' : ''}`);
  await runTasks(tasks, lanes);
  const done = [baseName, ...strategies].map((name) => rows.get(name) ?? failWith(`${name} (evals) left no row`));
  const results: ExperimentResults = {
    date: new Date().toISOString().slice(0, 10),
    command: ['npm run experiment', ...(flags.length ? ['--', ...flags] : [])].join(' '),
    model: args.model!,
    plan: { ...plan, lanes, threadsPerLane: threads },
    trainData: { synthetic, verbStories, gsm8kTrain: real.length },
    promptStyle: done[0].promptStyle,
    rows: done.map((d) => d.row),
    seconds: (Date.now() - started) / 1000,
  };
  writeFileSync(path.join(out, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(path.join(out, 'results.md'), renderTable(results));
  writeFileSync(path.join(out, 'chart.svg'), renderChart(results));
  log(`wrote ${out}/results.json, results.md, chart.svg in ${(results.seconds / 60).toFixed(1)} min`);
}

main().catch((e) => {
  for (const child of children) child.kill();
  console.error(`experiment: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
});
