// eval: a GSM8K-style evaluation of a model — batched greedy decoding, the harness's scoring,
// results.json and samples.jsonl in DIR.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseBackend, parseNumber, parseOptions, required, UsageError, type Command } from '../args';
import { loadModel, log } from '../load';
import { parseDifficultyFlag } from './synth';
import { resolvePromptStyle } from '../../src/lib/data/prompt-format';
import { synthDataset } from '../../src/lib/data/synth';
import { gsm8kHubUrl, loadEvalDocs, synthEvalDocs, type EvalFieldMap } from '../../src/lib/eval/data';
import { EVAL_DEFAULTS, runEval, writeEvalOutputs } from '../../src/lib/eval/runner';
import type { TaskName } from '../../src/lib/eval/scoring';
import { TASK_NAMES, type EvalDoc } from '../../src/lib/eval/tasks';
import { nodeFolderStore } from '../../src/lib/storage/node-store';

export const EVAL_CLI_DEFAULTS = { synthN: 200, synthSeed: 0 };

const OPTIONS = {
  model: { type: 'string' },
  data: { type: 'string' },
  task: { type: 'string' },
  limit: { type: 'string' },
  'subset-seed': { type: 'string' },
  batch: { type: 'string' },
  'max-new-tokens': { type: 'string' },
  'field-map': { type: 'string' },
  'fewshot-data': { type: 'string' },
  'prompt-style': { type: 'string' },
  'synth-n': { type: 'string' },
  'synth-seed': { type: 'string' },
  difficulty: { type: 'string' },
  endpoint: { type: 'string' },
  backend: { type: 'string' },
  out: { type: 'string' },
  json: { type: 'boolean' },
} as const;

function parseTask(text: string): TaskName {
  if ((TASK_NAMES as string[]).includes(text)) return text as TaskName;
  throw new UsageError(`--task must be one of ${TASK_NAMES.join(', ')}, got "${text}"`);
}

function parseEvalFieldMap(spec: string): EvalFieldMap {
  const map: EvalFieldMap = {};
  for (const part of spec.split(',')) {
    const [key, field] = part.split('=').map((s) => s.trim());
    if ((key !== 'question' && key !== 'answer') || !field) throw new UsageError(`--field-map: expected question=FIELD,answer=FIELD, got "${part}"`);
    map[key] = field;
  }
  return map;
}

/** "synth", "hub:test" (openai/gsm8k's Parquet on the hub), or a file path / URL. */
function dataSource(data: string, endpoint: string | undefined): string {
  const hub = /^hub:(train|test)$/.exec(data);
  return hub ? gsm8kHubUrl(hub[1] as 'train' | 'test', endpoint) : data;
}

/** gsm8k's 5-shot pool: --fewshot-data, the synthetic train split, or train.jsonl beside a GSM8K test file. */
async function fewshotPool(data: string, explicit: string | undefined, synthSeed: number): Promise<EvalDoc[]> {
  if (explicit) return (await loadEvalDocs(explicit)).docs;
  if (data === 'synth') return synthDataset({ n: 200, seed: synthSeed }).map((r, id) => ({ id, question: r.question, answer: r.answer }));
  const sibling = path.join(path.dirname(data), 'train.jsonl');
  if (existsSync(sibling)) return (await loadEvalDocs(sibling)).docs;
  throw new UsageError('--task gsm8k draws 5 examples from a train split: give --fewshot-data TRAIN.jsonl');
}

export const evalCommand: Command = {
  summary: 'Evaluate a model on GSM8K-style items (harness-compatible scoring); writes results.json and samples.jsonl',
  help: `Usage: eval --model SRC --data FILE_OR_URL --task T [--limit N] [--batch B] [--max-new-tokens N] --out DIR [--json]

  --data D            a JSONL/JSON/Parquet file or URL in GSM8K's schema ({"question","answer"} ending "#### N"),
                      hub:test or hub:train (openai/gsm8k's Parquet from the hub, fetched now),
                      or synth (the synthetic teacher's held-out split: --synth-n, --synth-seed, --difficulty)
  --task T            gsm8k (5-shot "Question: …\\nAnswer:"), gsm8k_cot (8 fixed exemplars), gsm8k_cot_zeroshot,
                      chat (zero-shot, in the prompt format training used: the chat template when the model has one)
  --limit N           the first N items; with --subset-seed S, N items drawn with seed S
  --batch B           prompts decoded together (default ${EVAL_DEFAULTS.batchSize})
  --max-new-tokens N  default ${EVAL_DEFAULTS.maxNewTokens}
  --field-map MAP     question=FIELD,answer=FIELD for other schemas
  --fewshot-data F    gsm8k's few-shot pool (default: train.jsonl beside the data file)
  --prompt-style S    chat task: auto, chat or plain (default auto)
  --endpoint URL      the hub for hub:… data (default https://huggingface.co)
  --json              last stdout line: the task's metrics, with the timing`,

  async run(argv) {
    const v = parseOptions('eval', argv, OPTIONS);
    const source = required(v.model, '--model SRC', 'eval');
    const data = required(v.data, '--data FILE_OR_URL', 'eval');
    const task = parseTask(required(v.task, '--task T', 'eval'));
    const out = required(v.out, '--out DIR', 'eval');
    const limit = v.limit ? parseNumber('--limit', v.limit, { integer: true, min: 1 }) : undefined;
    const subsetSeed = v['subset-seed'] ? parseNumber('--subset-seed', v['subset-seed'], { integer: true, min: 0 }) : undefined;
    if (subsetSeed !== undefined && limit === undefined) throw new UsageError('--subset-seed needs --limit N');
    const batchSize = v.batch ? parseNumber('--batch', v.batch, { integer: true, min: 1 }) : EVAL_DEFAULTS.batchSize;
    const maxNewTokens = v['max-new-tokens'] ? parseNumber('--max-new-tokens', v['max-new-tokens'], { integer: true, min: 1 }) : EVAL_DEFAULTS.maxNewTokens;
    const synthSeed = v['synth-seed'] ? parseNumber('--synth-seed', v['synth-seed'], { integer: true, min: 0 }) : EVAL_CLI_DEFAULTS.synthSeed;

    let docs: EvalDoc[];
    if (data === 'synth') {
      const n = v['synth-n'] ? parseNumber('--synth-n', v['synth-n'], { integer: true, min: 1 }) : EVAL_CLI_DEFAULTS.synthN;
      docs = synthEvalDocs(n, synthSeed, v.difficulty ? parseDifficultyFlag(v.difficulty) : undefined).slice(0, limit);
    } else {
      const loaded = await loadEvalDocs(dataSource(data, v.endpoint), { limit, subsetSeed, fieldMap: v['field-map'] ? parseEvalFieldMap(v['field-map']) : undefined });
      for (const s of loaded.skipped.slice(0, 5)) log(`skipped line ${s.line}: ${s.reason}`);
      docs = loaded.docs;
    }
    const pool = task === 'gsm8k' ? await fewshotPool(data, v['fewshot-data'], synthSeed) : undefined;
    const { model, tokenizer, files } = await loadModel(source, parseBackend(v.backend));
    if (!tokenizer) throw new UsageError(`${files.description} has no tokenizer.json; evaluation needs the model's tokenizer`);
    const style = task === 'chat' ? resolvePromptStyle(tokenizer, (v['prompt-style'] as 'auto' | 'chat' | 'plain' | undefined) ?? 'auto') : undefined;
    log(`${task}: ${docs.length} items, batch ${batchSize}, max ${maxNewTokens} new tokens${style ? `, prompt style ${style}` : ''}`);

    const { results, samples } = await runEval(model, tokenizer, docs, {
      task,
      batchSize,
      maxNewTokens,
      style,
      fewshotPool: pool,
      onProgress: (done, total) => log(`  ${done}/${total}`),
    });
    results.config = { model: source, data, limit: limit ?? null, ...results.config };
    await writeEvalOutputs(nodeFolderStore(out), results, samples);
    const m = results.results[task];
    log(
      `${task}: strict-match ${(100 * Number(m['exact_match,strict-match'])).toFixed(1)}% ± ${(100 * Number(m['exact_match_stderr,strict-match'])).toFixed(1)}, ` +
        `flexible-extract ${(100 * Number(m['exact_match,flexible-extract'])).toFixed(1)}% ± ${(100 * Number(m['exact_match_stderr,flexible-extract'])).toFixed(1)}; ` +
        `${results.timing.items_per_s.toFixed(2)} items/s, ${results.timing.generated_tokens_per_s.toFixed(1)} generated tokens/s; wrote ${out}/results.json and samples.jsonl`,
    );
    if (v.json) process.stdout.write(`${JSON.stringify({ ...m, ...results.timing })}\n`);
  },
};
