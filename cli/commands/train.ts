// train: supervised fine-tuning (full or LoRA) from a data file, with metrics, checkpoints,
// resume, and the result exported in Hugging Face (and PEFT) layout.
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseBackend, parseNumber, parseOptions, required, UsageError, type Command } from '../args';
import { loadModel, log } from '../load';
import { LORA_TARGETS, type LoraTarget } from '../../models/lora';
import { formatBytes } from '../../models/memory';
import { resolvePromptStyle } from '../../src/lib/data/prompt-format';
import { parseFieldMap } from '../../src/lib/data/records';
import { STRATEGIES, type StrategyName } from '../../src/lib/data/types';
import { nodeFolderStore } from '../../src/lib/storage/node-store';
import { readJson } from '../../src/lib/storage/file-store';
import { TRAIN_DEFAULTS, trainConfig, type Schedule, type TrainConfig } from '../../src/lib/train/config';
import { exportMergedModel, exportPeftAdapter } from '../../src/lib/train/export';
import { describeTrainingEstimate, estimateTrainingMemory } from '../../src/lib/train/memory';
import { prepareTrainingData } from '../../src/lib/train/prepare';
import { Trainer, type StepMetrics } from '../../src/lib/train/trainer';
import { describeReport } from './data';

export const TRAIN_CLI_DEFAULTS = { evalSize: 0, strategy: 'original' as StrategyName };

const OPTIONS = {
  model: { type: 'string' },
  data: { type: 'string' },
  strategy: { type: 'string' },
  'field-map': { type: 'string' },
  'prompt-style': { type: 'string' },
  'lora-rank': { type: 'string' },
  'lora-alpha': { type: 'string' },
  'lora-dropout': { type: 'string' },
  'lora-targets': { type: 'string' },
  lr: { type: 'string' },
  steps: { type: 'string' },
  epochs: { type: 'string' },
  'batch-size': { type: 'string' },
  'batch-tokens': { type: 'string' },
  'grad-accum': { type: 'string' },
  'max-length': { type: 'string' },
  packing: { type: 'boolean' },
  schedule: { type: 'string' },
  warmup: { type: 'string' },
  'weight-decay': { type: 'string' },
  'max-grad-norm': { type: 'string' },
  'eval-size': { type: 'string' },
  'eval-every': { type: 'string' },
  'checkpoint-every': { type: 'string' },
  'gradient-checkpointing': { type: 'boolean' },
  seed: { type: 'string' },
  backend: { type: 'string' },
  out: { type: 'string' },
  resume: { type: 'string' },
  json: { type: 'boolean' },
} as const;

type Values = ReturnType<typeof parseOptions<typeof OPTIONS>>;

const int = (flag: string, text: string, min = 1) => parseNumber(flag, text, { integer: true, min });

/** Command-line flags → config overrides (only what was given; the rest stays default). */
function configFrom(v: Values): Partial<TrainConfig> {
  const c: Partial<TrainConfig> = {};
  if (v['lora-rank']) {
    const targets = (v['lora-targets'] ?? TRAIN_DEFAULTS.lora.targets.join(',')).split(',').map((t) => t.trim());
    const bad = targets.find((t) => !(LORA_TARGETS as readonly string[]).includes(t));
    if (bad) throw new UsageError(`--lora-targets: "${bad}" is not a target module; choose from ${LORA_TARGETS.join(', ')}`);
    c.mode = 'lora';
    c.lora = {
      rank: int('--lora-rank', v['lora-rank']),
      alpha: v['lora-alpha'] ? parseNumber('--lora-alpha', v['lora-alpha'], { above: 0 }) : 2 * Number(v['lora-rank']),
      dropout: v['lora-dropout'] ? parseNumber('--lora-dropout', v['lora-dropout'], { min: 0, max: 0.99 }) : TRAIN_DEFAULTS.lora.dropout,
      targets: targets as LoraTarget[],
    };
  } else if (v['lora-alpha'] || v['lora-dropout'] || v['lora-targets']) {
    throw new UsageError('--lora-alpha, --lora-dropout and --lora-targets need --lora-rank R');
  }
  if (v.steps && v.epochs) throw new UsageError('give --steps N or --epochs E, not both');
  if (v.lr) c.learningRate = parseNumber('--lr', v.lr, { above: 0 });
  if (v.steps) c.maxSteps = int('--steps', v.steps);
  if (v.epochs) c.epochs = parseNumber('--epochs', v.epochs, { above: 0 });
  if (v['batch-size']) c.batchSize = int('--batch-size', v['batch-size']);
  if (v['batch-tokens']) c.batchTokens = int('--batch-tokens', v['batch-tokens']);
  if (v['grad-accum']) c.gradAccumSteps = int('--grad-accum', v['grad-accum']);
  if (v['max-length']) c.maxLength = int('--max-length', v['max-length'], 2);
  if (v.packing) c.packing = true;
  if (v.schedule) {
    if (!['cosine', 'linear', 'constant'].includes(v.schedule)) throw new UsageError(`--schedule must be cosine, linear or constant, got "${v.schedule}"`);
    c.schedule = v.schedule as Schedule;
  }
  if (v.warmup) c.warmupSteps = int('--warmup', v.warmup, 0);
  if (v['weight-decay']) c.weightDecay = parseNumber('--weight-decay', v['weight-decay'], { min: 0 });
  if (v['max-grad-norm']) c.maxGradNorm = parseNumber('--max-grad-norm', v['max-grad-norm'], { min: 0 });
  if (v['eval-every']) c.evalEvery = int('--eval-every', v['eval-every'], 0);
  if (v['checkpoint-every']) c.checkpointEvery = int('--checkpoint-every', v['checkpoint-every'], 0);
  if (v['gradient-checkpointing']) c.gradientCheckpointing = true;
  if (v.seed) c.seed = int('--seed', v.seed, 0);
  return c;
}

function parseStrategy(text: string | undefined): StrategyName {
  if (text === undefined) return TRAIN_CLI_DEFAULTS.strategy;
  if ((STRATEGIES as readonly string[]).includes(text)) return text as StrategyName;
  throw new UsageError(`--strategy must be one of ${STRATEGIES.join(', ')}, got "${text}"`);
}

function stepLine(m: StepMetrics): string {
  const evalPart = m.evalLoss === undefined ? '' : ` | eval loss ${m.evalLoss.toFixed(4)}`;
  return (
    `step ${m.step}/${m.totalSteps} loss ${m.loss.toFixed(4)} acc ${m.accuracy.toFixed(3)} lr ${m.learningRate.toExponential(2)} ` +
    `grad ${m.gradNorm.toFixed(3)} ${m.tokensPerSecond.toFixed(0)} tok/s eta ${m.etaSeconds.toFixed(0)} s${m.skipped ? ' (skipped: not finite)' : ''}${evalPart}`
  );
}

export const train: Command = {
  summary: 'Fine-tune a model (full or LoRA) on SFT data; checkpoints, resume, HF/PEFT export',
  help: `Usage: train --model SRC --data FILE [--strategy S] [--lora-rank R] [--lr X] [--steps N | --epochs E]
             [--seed S] [--backend B] --out RUN_DIR [--resume RUN_DIR] [--json] [more options below]

FILE is raw distilled data (then --strategy S picks what is trained on; default ${TRAIN_CLI_DEFAULTS.strategy},
the response unchanged) or prompt/completion lines made by "data". The model's tokenizer and chat
template are used (--prompt-style plain for "Question: …\\nAnswer:"). Writes RUN_DIR/metrics.jsonl
(a line a step), RUN_DIR/checkpoint/, RUN_DIR/model/ (merged, Hugging Face layout) and, for LoRA,
RUN_DIR/adapter/ (PEFT layout). --resume RUN_DIR continues a paused or stopped run exactly.

  --strategy S              original | answer | think-summary | full
  --field-map MAP           e.g. prompt=query,response=r1_output
  --lora-rank R             LoRA instead of full fine-tuning; --lora-alpha A (default 2R),
                            --lora-dropout D (default ${TRAIN_DEFAULTS.lora.dropout}), --lora-targets q_proj,v_proj,…
                            (default ${TRAIN_DEFAULTS.lora.targets.join(',')})
  --lr X                    peak learning rate (default ${TRAIN_DEFAULTS.learningRate})
  --steps N | --epochs E    optimizer steps, or passes over the data (default ${TRAIN_DEFAULTS.epochs} epoch)
  --batch-size B            rows per micro-batch (default ${TRAIN_DEFAULTS.batchSize}); --batch-tokens T: at most T padded tokens instead
  --grad-accum K            micro-batches per optimizer step (default ${TRAIN_DEFAULTS.gradAccumSteps})
  --max-length L            tokens per example, longer ones cut (default ${TRAIN_DEFAULTS.maxLength})
  --packing                 pack several examples per row (attention stays inside each)
  --schedule S --warmup W   cosine | linear | constant after W warmup steps (default ${TRAIN_DEFAULTS.schedule}, ${TRAIN_DEFAULTS.warmupRatio * 100}% of steps)
  --weight-decay X          AdamW decoupled decay (default ${TRAIN_DEFAULTS.weightDecay}); --max-grad-norm X (default ${TRAIN_DEFAULTS.maxGradNorm}, 0 = off)
  --eval-size M --eval-every N   hold out M examples, report their loss every N steps
  --checkpoint-every N      also checkpoint every N steps (always at the end)
  --gradient-checkpointing  recompute each block in the backward pass (less memory, more time)
  --seed S                  data order, initialization, dropout (default ${TRAIN_DEFAULTS.seed})
  --backend B               wasm or cpu
  --json                    last stdout line: {"steps","loss_first","loss_last","tokens_per_s","peak_bytes"}`,

  async run(argv) {
    const v = parseOptions('train', argv, OPTIONS);
    const source = required(v.model, '--model SRC', 'train');
    const dataFile = required(v.data, '--data FILE', 'train');
    const out = path.resolve(v.resume ?? required(v.out, '--out RUN_DIR', 'train'));
    if (v.resume && v.out && path.resolve(v.out) !== out) throw new UsageError('--resume RUN_DIR continues in RUN_DIR; drop --out or give the same folder');
    const strategy = parseStrategy(v.strategy);
    const overrides = configFrom(v);
    const fieldMap = v['field-map'] ? parseFieldMap(v['field-map']) : undefined;
    const evalSize = v['eval-size'] ? int('--eval-size', v['eval-size'], 0) : TRAIN_CLI_DEFAULTS.evalSize;
    const store = nodeFolderStore(path.join(out, 'checkpoint'));
    // On resume the checkpoint's own config wins; flags only shape the data preparation.
    const saved = v.resume ? await readJson<{ config: TrainConfig }>(store, 'state.json') : null;
    if (v.resume && !saved) throw new UsageError(`--resume ${out}: no checkpoint in ${store.description}`);
    const config = trainConfig(saved?.config ?? overrides);

    const { model, tokenizer, files } = await loadModel(source, parseBackend(v.backend));
    if (!tokenizer) throw new UsageError(`${files.description} has no tokenizer.json; training needs the model's tokenizer`);
    const style = resolvePromptStyle(tokenizer, (v['prompt-style'] as 'auto' | 'chat' | 'plain' | undefined) ?? 'auto');
    const { data, report } = await prepareTrainingData(dataFile, { strategy, fieldMap, tokenizer, style, maxLength: config.maxLength, evalSize, seed: config.seed });
    log(describeReport(report));
    log(`prompt style ${style}; ${data.train.length} training examples, ${data.eval?.length ?? 0} held out`);
    const longest = Math.max(...data.train.map((ex) => ex.ids.length));
    log(describeTrainingEstimate(estimateTrainingMemory(model.config, config, config.packing ? config.maxLength : longest)));

    mkdirSync(out, { recursive: true });
    const metricsFile = path.join(out, 'metrics.jsonl');
    const trainer = v.resume ? await Trainer.resume(model, data, store) : new Trainer(model, data, config, store);
    if (!v.resume) writeFileSync(metricsFile, '');
    else log(`resuming at step ${trainer.stepsDone} of ${trainer.totalSteps}`);
    const result = await trainer.run({
      onStep: (m) => {
        appendFileSync(metricsFile, `${JSON.stringify(m)}\n`);
        log(stepLine(m));
      },
      onCheckpoint: ({ step }) => {
        log(`checkpoint saved at step ${step} in ${path.join(out, 'checkpoint')}`);
      },
    });

    const written = await exportMergedModel(model, nodeFolderStore(path.join(out, 'model')), { source: files });
    log(`merged model (${written.join(', ')}) in ${path.join(out, 'model')}`);
    if (model.adapters) {
      await exportPeftAdapter(model.adapters, nodeFolderStore(path.join(out, 'adapter')), { baseModel: source });
      log(`LoRA adapter (PEFT) in ${path.join(out, 'adapter')}`);
    }
    const history = result.history;
    const tokensPerS = history.reduce((a, m) => a + m.tokensPerSecond, 0) / Math.max(1, history.length);
    log(`done: ${result.steps} steps, peak tensor memory ${formatBytes(result.peakBytes)}${result.skippedSteps ? `, ${result.skippedSteps} skipped` : ''}`);
    if (v.json) {
      process.stdout.write(
        `${JSON.stringify({ steps: result.steps, loss_first: history[0]?.loss ?? null, loss_last: history.at(-1)?.loss ?? null, tokens_per_s: tokensPerS, peak_bytes: result.peakBytes })}\n`,
      );
    }
  },
};
