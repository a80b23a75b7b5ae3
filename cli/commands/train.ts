// train: the pipeline's training run (src/lib/pipeline/train.ts) in a folder: flags in, status
// lines and metrics.jsonl out. Ctrl-C or SIGTERM pauses at the end of the step, with a checkpoint.
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { asUsage, BACKEND_OPTION, command, DATA_OPTIONS, FORCE_OPTION, THREADS_OPTION, UsageError, type OptionValues } from '../args';
import { checkLocalPath, log } from '../load';
import { onStopSignals, SIGNAL_EXIT, type StopSignal } from '../stop-signals';
import { describeReport } from './data';
import { formatBytes } from '../../models/memory';
import { LORA_TARGETS, type LoraTarget } from '../../models/lora';
import { parseFieldMap } from '../../src/lib/data/records';
import { DATA_DEFAULTS } from '../../src/lib/pipeline/defaults';
import { resumeTraining, startTraining, type TrainDoneEvent, type TrainEvent, type TrainHost } from '../../src/lib/pipeline/train';
import { nodeFolderStore } from '../../src/lib/storage/node-store';
import { TRAIN_DEFAULTS, type TrainConfig } from '../../src/lib/train/config';
import type { Control, StepMetrics } from '../../src/lib/train/trainer';

const T = TRAIN_DEFAULTS;

/** Flags that shape a new run; a resumed run keeps the ones it started with. */
const RUN_FLAGS = [
  'strategy', 'field-map', 'prompt-style', 'max-length', 'lora-rank', 'lora-alpha', 'lora-dropout', 'lora-targets', 'lr', 'steps', 'epochs',
  'batch-size', 'batch-tokens', 'grad-accum', 'packing', 'padded', 'group-by-length', 'schedule', 'warmup', 'weight-decay', 'max-grad-norm', 'eval-size', 'eval-every',
  'checkpoint-every', 'gradient-checkpointing', 'seed',
];

type Values = OptionValues<typeof train.options>;

/** Command-line flags → the run's config (every field; defaults from TRAIN_DEFAULTS). */
function configFrom(v: Values, given: ReadonlySet<string>): Partial<TrainConfig> {
  if (given.has('steps') && given.has('epochs')) throw new UsageError('give --steps N or --epochs E, not both');
  const loraFlags = ['lora-alpha', 'lora-dropout', 'lora-targets'].filter((f) => given.has(f));
  if (v['lora-rank'] === undefined && loraFlags.length) throw new UsageError(`${loraFlags.map((f) => `--${f}`).join(', ')} ${loraFlags.length > 1 ? 'need' : 'needs'} --lora-rank R`);
  const targets = v['lora-targets'].split(',').map((t) => t.trim());
  const bad = targets.find((t) => !(LORA_TARGETS as readonly string[]).includes(t));
  if (bad !== undefined) throw new UsageError(`--lora-targets: "${bad}" is not a target module; choose from ${LORA_TARGETS.join(', ')}`);
  const rank = v['lora-rank'];
  return {
    ...(rank !== undefined && {
      mode: 'lora',
      lora: { rank, alpha: v['lora-alpha'] ?? 2 * rank, dropout: v['lora-dropout'], targets: targets as LoraTarget[] },
    }),
    learningRate: v.lr,
    maxSteps: v.steps ?? 0,
    epochs: v.epochs,
    batchSize: v['batch-size'],
    batchTokens: v['batch-tokens'],
    gradAccumSteps: v['grad-accum'],
    maxLength: v['max-length'],
    packing: v.packing,
    paddingFree: !v.padded,
    groupByLength: v['group-by-length'],
    schedule: v.schedule,
    warmupSteps: v.warmup,
    weightDecay: v['weight-decay'],
    maxGradNorm: v['max-grad-norm'],
    evalEvery: v['eval-every'],
    checkpointEvery: v['checkpoint-every'],
    gradientCheckpointing: v['gradient-checkpointing'],
    seed: v.seed,
  };
}

function stepLine(m: StepMetrics): string {
  const evalPart = m.evalLoss === undefined ? '' : ` | eval loss ${m.evalLoss.toFixed(4)}`;
  return (
    `step ${m.step}/${m.totalSteps} loss ${m.loss.toFixed(4)} acc ${m.accuracy.toFixed(3)} lr ${m.learningRate.toExponential(2)} ` +
    `grad ${m.gradNorm.toFixed(3)} ${m.tokensPerSecond.toFixed(0)} tok/s eta ${m.etaSeconds.toFixed(0)} s${m.skipped ? ' (skipped: not finite)' : ''}${evalPart}`
  );
}

/** metrics.jsonl, a line a step; a resumed run first drops the lines after its checkpoint. */
function metricsFile(runDir: string) {
  const file = path.join(runDir, 'metrics.jsonl');
  let first = true;
  return (m: StepMetrics) => {
    if (first) {
      first = false;
      const kept = existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter((l) => l && (JSON.parse(l) as StepMetrics).step < m.step) : [];
      writeFileSync(file, kept.map((l) => `${l}\n`).join(''));
    }
    appendFileSync(file, `${JSON.stringify(m)}\n`);
  };
}

/** The run's folder in Node, status lines on stderr, and the signal-driven pause. */
function cliHost(runDir: string, history: StepMetrics[], threads: number | undefined): TrainHost & { stoppedBy(): StopSignal | null } {
  let control: Control = 'continue';
  // A second signal means "now": the last checkpoint stays, the step in flight is lost.
  const stoppedBy = onStopSignals('stopping after this step and saving a checkpoint', () => (control = 'pause'));
  const writeMetrics = metricsFile(runDir);
  const post = (e: TrainEvent) => {
    switch (e.type) {
      case 'train-backend':
        return log(e.info.summary);
      case 'train-log':
        return log(e.line);
      case 'train-data':
        return log(describeReport(e.report));
      case 'train-estimate':
        return log(e.text);
      case 'train-step':
        history.push(e.metrics);
        writeMetrics(e.metrics);
        return log(stepLine(e.metrics));
      case 'train-checkpoint':
        return log(`checkpoint saved at step ${e.step} in ${e.store}`);
    }
  };
  return {
    post,
    control: () => control,
    store: (part) => Promise.resolve(nodeFolderStore(path.join(runDir, part))),
    runFolder: runDir,
    backend: { threads },
    stoppedBy,
  };
}

export const train = command({
  summary: 'Fine-tune a model (full or LoRA) on SFT data; checkpoints, resume, HF/PEFT export',
  usage: 'train --model SRC --data FILE --out RUN_DIR [options]   |   train --resume RUN_DIR',
  about: `FILE is raw distilled data (--strategy picks what is trained on) or prompt/completion lines made by
"data". The model's tokenizer and chat template are used. Writes RUN_DIR/run.json (the model, the
data and its fingerprint, the settings), RUN_DIR/metrics.jsonl (a line a step), RUN_DIR/checkpoint/,
RUN_DIR/model/ (merged, Hugging Face layout) and, for LoRA, RUN_DIR/adapter/ (PEFT layout).
Ctrl-C or SIGTERM stops after the current step with a checkpoint; --resume RUN_DIR continues exactly,
on the model and data that run.json names (--model and --data replace them if they moved).`,
  options: {
    model: { kind: 'string', arg: 'SRC', help: 'model folder, http(s) URL, or Hugging Face id' },
    data: { kind: 'string', arg: 'FILE', help: 'JSONL, JSON or Parquet: a path or an http(s) URL' },
    out: { kind: 'string', arg: 'RUN_DIR', help: "the run's folder (new or empty)" },
    resume: { kind: 'string', arg: 'RUN_DIR', help: 'continue the run in RUN_DIR from its checkpoint' },
    ...DATA_OPTIONS,
    'lora-rank': { kind: 'number', arg: 'R', integer: true, min: 1, help: 'LoRA instead of full fine-tuning' },
    'lora-alpha': { kind: 'number', arg: 'A', above: 0, help: "LoRA's scale is alpha / rank (default 2R)" },
    'lora-dropout': { kind: 'number', arg: 'D', min: 0, max: 0.99, default: T.lora.dropout, help: 'dropout on the LoRA input' },
    'lora-targets': { kind: 'string', arg: 'LIST', default: T.lora.targets.join(','), help: `modules that get adapters, from ${LORA_TARGETS.join(', ')}` },
    lr: { kind: 'number', arg: 'X', above: 0, default: T.learningRate, help: 'peak learning rate' },
    steps: { kind: 'number', integer: true, min: 1, help: 'optimizer steps (instead of --epochs)' },
    epochs: { kind: 'number', arg: 'E', above: 0, default: T.epochs, help: 'passes over the data' },
    'batch-size': { kind: 'number', arg: 'B', integer: true, min: 1, default: T.batchSize, help: 'rows per micro-batch' },
    'batch-tokens': { kind: 'number', arg: 'T', integer: true, min: 0, default: T.batchTokens, help: 'when > 0: micro-batches of at most T tokens counted as rows × their longest (padded or not) instead of --batch-size rows' },
    'grad-accum': { kind: 'number', arg: 'K', integer: true, min: 1, default: T.gradAccumSteps, help: 'micro-batches per optimizer step' },
    packing: { kind: 'flag', help: 'pack several examples per row (attention stays inside each)' },
    padded: { kind: 'flag', help: "pad each micro-batch's rows to the longest (default: examples end to end, no padding)" },
    'group-by-length': { kind: 'flag', help: 'put rows of similar length in the same micro-batch (less padding with --padded)' },
    schedule: { kind: 'choice', choices: ['cosine', 'linear', 'constant'], default: T.schedule, help: 'learning-rate decay after warmup' },
    warmup: { kind: 'number', arg: 'W', integer: true, min: 0, default: T.warmupSteps, help: `warmup steps; 0: ${T.warmupRatio * 100}% of the steps` },
    'weight-decay': { kind: 'number', arg: 'X', min: 0, default: T.weightDecay, help: 'AdamW decoupled decay' },
    'max-grad-norm': { kind: 'number', arg: 'X', min: 0, default: T.maxGradNorm, help: 'global gradient-norm clip; 0 = off' },
    'eval-size': { kind: 'number', arg: 'M', integer: true, min: 0, default: DATA_DEFAULTS.evalSize, help: 'examples held out for the eval loss' },
    'eval-every': { kind: 'number', integer: true, min: 0, default: T.evalEvery, help: 'report the held-out loss every N steps' },
    'checkpoint-every': { kind: 'number', integer: true, min: 0, default: T.checkpointEvery, help: 'also checkpoint every N steps (always on pause and at the end)' },
    'gradient-checkpointing': { kind: 'flag', help: 'recompute each block in the backward pass (less memory, more time)' },
    seed: { kind: 'number', arg: 'S', integer: true, min: 0, default: T.seed, help: 'data order, initialization, dropout' },
    backend: BACKEND_OPTION,
    threads: THREADS_OPTION,
    force: FORCE_OPTION,
    json: { kind: 'flag', help: 'last stdout line: {"status","steps","loss_first","loss_last","tokens_per_s","peak_bytes"}' },
  },

  async run(v, { given }) {
    const history: StepMetrics[] = [];
    if (v.resume !== undefined) {
      const extra = RUN_FLAGS.filter((f) => given.has(f));
      if (extra.length) throw new UsageError(`--resume continues with the run's own settings (RUN_DIR/run.json); drop ${extra.map((f) => `--${f}`).join(', ')}`);
      if (v.out !== undefined && path.resolve(v.out) !== path.resolve(v.resume)) throw new UsageError('--resume RUN_DIR continues in RUN_DIR; drop --out or give the same folder');
      const runDir = path.resolve(v.resume);
      if (!existsSync(path.join(runDir, 'run.json'))) throw new UsageError(`--resume ${v.resume}: no run.json there; give the folder a "train --out" run wrote`);
      if (v.model !== undefined) checkLocalPath(v.model);
      const host = cliHost(runDir, history, v.threads);
      const done = await resumeTraining(host, { model: v.model, data: v.data, backend: v.backend, force: v.force });
      return finish(done, host.stoppedBy(), runDir, history, v.json);
    }
    const missing = (['model', 'data', 'out'] as const).filter((f) => v[f] === undefined);
    if (missing.length) throw new UsageError(`missing ${missing.map((f) => `--${f}`).join(', ')} (or --resume RUN_DIR; see "train --help")`);
    checkLocalPath(v.model!);
    const config = configFrom(v, given);
    const fieldMap = v['field-map'] === undefined ? undefined : asUsage(() => parseFieldMap(v['field-map']!), '--field-map: ');
    const runDir = path.resolve(v.out!);
    const host = cliHost(runDir, history, v.threads);
    const spec = { model: v.model!, data: v.data!, strategy: v.strategy, promptStyle: v['prompt-style'], fieldMap, evalSize: v['eval-size'], backend: v.backend, force: v.force };
    const done = await startTraining(spec, config, host);
    return finish(done, host.stoppedBy(), runDir, history, v.json);
  },
});

function finish(done: TrainDoneEvent, signal: StopSignal | null, runDir: string, history: StepMetrics[], json: boolean): void {
  if (done.status === 'paused') {
    log(`paused at step ${done.steps}; the checkpoint is in ${path.join(runDir, 'checkpoint')}. Resume with:\n  npm run -s cli -- train --resume ${runDir}`);
  } else {
    log(`${done.status}: ${done.steps} steps, peak tensor memory ${formatBytes(done.peakBytes)}${done.exported.length ? `; wrote ${done.exported.join(', ')}` : ''}`);
  }
  if (json) {
    const tokensPerS = history.reduce((a, m) => a + m.tokensPerSecond, 0) / Math.max(1, history.length);
    const summary = { status: done.status, steps: done.steps, loss_first: history[0]?.loss ?? null, loss_last: history.at(-1)?.loss ?? null, tokens_per_s: tokensPerS, peak_bytes: done.peakBytes };
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  }
  if (signal) process.exitCode = SIGNAL_EXIT[signal];
}
