// Runs a task over eval docs: batched greedy decoding with the KV cache, stop sequences, scoring
// by the harness's rules, and results shaped like lm-evaluation-harness's results.json.
import type { LlamaModel } from '../../../models/llama';
import { generate, type FinishReason } from '../../../models/generate';
import type { TextTokenizer } from '../../../models/tokenizer';
import type { PromptStyle } from '../data/prompt-format';
import { writeJson, type FileStore } from '../storage/file-store';
import { goldKindOf, type GoldKind } from './gold';
import { applyStops, NUMERIC_TOLERANCE, scoreCompletion, TASK_RULES, type FilterName, type ScoredSample, type TaskName } from './scoring';
import { mean, sampleStderr } from './stats';
import { FEWSHOT_DEFAULTS, promptIds, promptText, type EvalDoc } from './tasks';

export const EVAL_DEFAULTS = { batchSize: 8, maxNewTokens: 256 };

export interface EvalRunOptions {
  task: TaskName;
  batchSize?: number;
  maxNewTokens?: number;
  /** chat: the prompt style training used. */
  style?: PromptStyle;
  /** gsm8k: the train docs its few-shot exemplars come from. */
  fewshotPool?: EvalDoc[];
  fewshotSeed?: number;
  /** After each decode step and each batch: items finished, and the share of the work done. */
  onProgress?(progress: EvalProgress): void;
  signal?: AbortSignal;
}

export interface EvalProgress {
  done: number;
  total: number;
  /** Items finished plus, for the batch in flight, its rows × decode steps done / maxNewTokens; in [0, 1]. */
  fraction: number;
}

export interface SampleRecord extends ScoredSample {
  doc_id: number;
  doc: { question: string; answer: string; difficulty?: number };
  target: string;
  prompt: string;
  completion: string;
  generated_tokens: number;
  finish_reason: FinishReason;
}

export type TaskMetrics = Record<string, number | string>;

export interface EvalResults {
  results: Record<string, TaskMetrics>;
  'n-samples': Record<string, { original: number; effective: number }>;
  config: Record<string, unknown>;
  timing: { seconds: number; items_per_s: number; prompt_tokens: number; generated_tokens: number; generated_tokens_per_s: number };
  /** Per difficulty (synthetic data), the same metrics. */
  by_difficulty?: Record<string, TaskMetrics>;
}

const FILTERS: FilterName[] = ['strict-match', 'flexible-extract'];

/**
 * The harness's metric keys for a set of samples: "exact_match,strict-match" and its stderr; for a
 * numeric gold also "numeric_match,strict-match" and so on (samples.jsonl's numeric_match).
 */
export function taskMetrics(task: TaskName, samples: ScoredSample[], gold: GoldKind = 'gsm8k'): TaskMetrics {
  const m: TaskMetrics = { alias: task, n: samples.length };
  const put = (metric: 'exact_match' | 'numeric_match', filter: string, xs: number[]) => {
    m[`${metric},${filter}`] = mean(xs);
    m[`${metric}_stderr,${filter}`] = sampleStderr(xs);
  };
  for (const f of FILTERS) put('exact_match', f, samples.map((s) => s.exact_match[f]));
  if (task === 'chat') put('exact_match', 'chat-extract', samples.map((s) => s.answer!.exact));
  if (gold === 'number') {
    for (const f of FILTERS) put('numeric_match', f, samples.map((s) => s.numeric_match![f]));
    if (task === 'chat') put('numeric_match', 'chat-extract', samples.map((s) => s.answer!.numeric!));
  }
  return m;
}

export async function runEval(model: LlamaModel, tokenizer: TextTokenizer, docs: EvalDoc[], opts: EvalRunOptions): Promise<{ results: EvalResults; samples: SampleRecord[] }> {
  if (docs.length === 0) throw new Error('no eval items: the data is empty or every line was skipped');
  const batchSize = opts.batchSize ?? EVAL_DEFAULTS.batchSize;
  const maxNewTokens = opts.maxNewTokens ?? EVAL_DEFAULTS.maxNewTokens;
  const rules = TASK_RULES[opts.task];
  const gold = goldKindOf(docs);
  const promptOpts = { tokenizer, style: opts.style, fewshotPool: opts.fewshotPool, fewshotSeed: opts.fewshotSeed };
  const prompts = docs.map((doc) => ({ doc, text: promptText(opts.task, doc, promptOpts), ids: promptIds(opts.task, doc, promptOpts) }));
  // Longest first, so each batch pads little; results go back in document order.
  const order = prompts.map((_, i) => i).sort((a, b) => prompts[b].ids.length - prompts[a].ids.length || a - b);
  const stopIds = tokenizer.eosTokenId === null ? [] : [tokenizer.eosTokenId];
  const decodeRaw = (ids: number[]) => tokenizer.decode(ids);
  const samples: SampleRecord[] = new Array(docs.length);
  const started = performance.now();
  let generatedTokens = 0;
  let promptTokens = 0;
  for (let start = 0; start < order.length; start += batchSize) {
    if (opts.signal?.aborted) throw new Error('evaluation cancelled');
    const batch = order.slice(start, start + batchSize);
    let reportedStep = -1;
    const out = await generate(model, batch.map((i) => prompts[i].ids), {
      maxNewTokens,
      greedy: true,
      stopTokenIds: stopIds,
      stopStrings: rules.until,
      decode: decodeRaw,
      signal: opts.signal,
      // A batch can take minutes on a slow backend: report decode steps as they go.
      onToken: (_row, _id, step) => {
        if (step === reportedStep) return;
        reportedStep = step;
        opts.onProgress?.({ done: start, total: order.length, fraction: (start + (batch.length * (step + 1)) / maxNewTokens) / order.length });
      },
    });
    generatedTokens += out.generatedTokens;
    promptTokens += out.promptTokens;
    batch.forEach((i, r) => {
      const { doc, text } = prompts[i];
      // As the harness: decode without special tokens, then cut at the stop sequences.
      const completion = applyStops(tokenizer.decode(out.ids[r], { skipSpecialTokens: true }), rules.until);
      samples[i] = {
        doc_id: doc.id,
        doc: { question: doc.question, answer: doc.answer, ...(doc.difficulty !== undefined && { difficulty: doc.difficulty }) },
        target: rules.reference(doc.answer),
        prompt: text,
        completion,
        generated_tokens: out.ids[r].length,
        finish_reason: out.finishReasons[r],
        ...scoreCompletion(opts.task, completion, doc.answer, doc.gold),
      };
    });
    const done = Math.min(order.length, start + batchSize);
    opts.onProgress?.({ done, total: order.length, fraction: done / order.length });
  }
  const seconds = (performance.now() - started) / 1000;
  const results: EvalResults = {
    results: { [opts.task]: taskMetrics(opts.task, samples, gold) },
    'n-samples': { [opts.task]: { original: docs.length, effective: samples.length } },
    config: {
      task: opts.task,
      batch_size: batchSize,
      max_new_tokens: maxNewTokens,
      num_fewshot: opts.task === 'gsm8k' ? FEWSHOT_DEFAULTS.gsm8kShots : opts.task === 'gsm8k_cot' ? 8 : 0,
      ...(opts.task === 'gsm8k' && { fewshot_seed: opts.fewshotSeed ?? FEWSHOT_DEFAULTS.seed }),
      ...(opts.task === 'chat' && { prompt_style: opts.style ?? 'plain' }),
      until: rules.until,
      gold,
      ...(gold === 'number' && { numeric_tolerance: NUMERIC_TOLERANCE }),
    },
    timing: {
      seconds,
      items_per_s: samples.length / seconds,
      prompt_tokens: promptTokens,
      generated_tokens: generatedTokens,
      generated_tokens_per_s: generatedTokens / seconds,
    },
  };
  const difficulties = [...new Set(samples.map((s) => s.doc.difficulty).filter((d) => d !== undefined))].sort();
  if (difficulties.length) {
    results.by_difficulty = Object.fromEntries(difficulties.map((d) => [String(d), taskMetrics(opts.task, samples.filter((s) => s.doc.difficulty === d), gold)]));
  }
  return { results, samples };
}

const encoder = new TextEncoder();

/** results.json and samples.jsonl, as the harness writes them (one sample a line). */
export async function writeEvalOutputs(store: FileStore, results: EvalResults, samples: SampleRecord[]): Promise<void> {
  await writeJson(store, 'results.json', results);
  await store.write('samples.jsonl', encoder.encode(samples.map((s) => JSON.stringify(s)).join('\n') + '\n'));
}
