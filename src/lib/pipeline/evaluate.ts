// One evaluation from request to stored results, reporting as events: start the backend, read the
// eval items (and gsm8k's few-shot pool), load the model and tokenizer, run the task in batches,
// and write results.json and samples.jsonl. The page's eval worker, the CLI's `eval` and the
// experiment all run this; each brings a host: where outputs go, where events go, the cancel flag.
import { initBackend, type BackendInfo, type BackendName, type BackendOptions } from '../../../models/backend';
import type { ModelSource } from '../../../models/files';
import { fromPretrained } from '../../../models/from-pretrained';
import { resolvePromptStyle } from '../data/prompt-format';
import type { DataSource } from '../data/readers';
import { describeSkips } from '../data/report';
import { synthDataset } from '../data/synth';
import { gsm8kHubUrl, loadEvalDocs, type EvalFieldMap } from '../eval/data';
import { EVAL_DEFAULTS, runEval, writeEvalOutputs, type EvalResults, type SampleRecord } from '../eval/runner';
import type { TaskName } from '../eval/scoring';
import type { EvalDoc } from '../eval/tasks';
import type { FileStore } from '../storage/file-store';
import { DATA_DEFAULTS, EVAL_DATA_DEFAULTS, type PromptStyleChoice } from './defaults';
import { describeEvalData, evalDataLocation, savedEvalData, synthEvalItems, type EvalDataSource } from './sources';

export interface EvalSpec {
  /** A Hugging Face id, an http(s) URL to a model folder, a site path, a folder (Node), or picked files. */
  model: ModelSource;
  data: EvalDataSource;
  task: TaskName;
  /** The first N items; with `subsetSeed` (non-synthetic data), N items drawn with that seed. */
  limit?: number;
  subsetSeed?: number;
  batchSize?: number;
  maxNewTokens?: number;
  /** The chat task's prompt format. */
  promptStyle?: PromptStyleChoice;
  fieldMap?: EvalFieldMap;
  /**
   * gsm8k: a GSM8K-schema train file its 5-shot exemplars are drawn from. Synthetic and hub data
   * default to their own train split; other data needs it.
   */
  fewshot?: DataSource;
  backend?: BackendName;
  /** wasm threads; omitted: host.backend's, else every logical core. */
  threads?: number;
  /** Hub endpoint and revision: for the model, and for hub data (endpoint). */
  endpoint?: string;
  revision?: string;
  /** Load the model even when its estimate is over what the device reports (the user said so). */
  force?: boolean;
}

export interface EvalHost {
  post(event: EvalEvent): void;
  /** Read within and after every batch: whether to stop. */
  cancelled(): boolean;
  /** Where results.json and samples.jsonl go. */
  store(): Promise<FileStore>;
  /** The output folder in words for paths: "runs/<id>/eval/<task>" in browser storage, DIR in Node. */
  outFolder: string;
  backend?: BackendOptions;
}

export interface EvalDoneEvent {
  type: 'eval-done';
  /** results.json's content: the harness's metric keys per task, the config and the timing. */
  results: EvalResults;
  /** samples.jsonl's records: prompt, completion, extracted answers and scores per item. */
  samples: SampleRecord[];
  /** Paths written: <outFolder>/results.json and samples.jsonl. */
  stored: string[];
}

export type EvalEvent =
  | { type: 'eval-backend'; info: BackendInfo }
  | { type: 'eval-log'; line: string }
  /**
   * Progress, within batches too: `done` items finished of `total`; `fraction` of the whole work
   * (tokens decoded count inside a batch); elapsed and estimated remaining seconds.
   */
  | { type: 'eval-progress'; done: number; total: number; fraction: number; elapsedSeconds: number; etaSeconds: number | null }
  | EvalDoneEvent;

/** Progress events at most this often (a decode step can take a millisecond). */
const PROGRESS_INTERVAL_MS = 250;

async function loadItems(spec: EvalSpec, log: (line: string) => void): Promise<EvalDoc[]> {
  const { data, limit } = spec;
  if (data.kind === 'synth') return synthEvalItems(data).slice(0, limit);
  const { docs, skipped } = await loadEvalDocs(evalDataLocation(data, spec.endpoint), { limit, subsetSeed: spec.subsetSeed, fieldMap: spec.fieldMap });
  for (const line of describeSkips(skipped)) log(`skipped ${line}`);
  return docs;
}

/** gsm8k's 5-shot pool: the spec's fewshot file, else the synthetic or the hub's train split. */
async function fewshotPool(spec: EvalSpec): Promise<EvalDoc[]> {
  const { data, fewshot } = spec;
  if (fewshot !== undefined) return (await loadEvalDocs(fewshot)).docs;
  if (data.kind === 'synth') {
    return synthDataset({ n: EVAL_DATA_DEFAULTS.synthFewshotPool, seed: data.seed }).map((r, id) => ({ id, question: r.question, answer: r.answer }));
  }
  if (data.kind === 'hub') return (await loadEvalDocs(gsm8kHubUrl('train', spec.endpoint))).docs;
  throw new Error('gsm8k draws 5 examples from a train split: give a GSM8K-schema train file for the few-shot pool, or use gsm8k_cot, gsm8k_cot_zeroshot or chat');
}

export async function runEvaluation(spec: EvalSpec, host: EvalHost): Promise<EvalDoneEvent> {
  const { post } = host;
  const { task } = spec;
  const log = (line: string) => post({ type: 'eval-log', line });
  // runEval reads the signal within and between batches; the host's flag is polled on progress (a
  // busy wasm loop never yields, so nothing else could abort in between). A cancel that comes
  // after the last batch is too late: the run completes.
  const abort = new AbortController();
  const checkCancel = () => {
    if (host.cancelled()) abort.abort();
    if (abort.signal.aborted) throw new Error('evaluation cancelled');
  };

  // The few-shot pool first: data with no train split named is refused before anything loads.
  const pool = task === 'gsm8k' ? await fewshotPool(spec) : undefined;
  post({ type: 'eval-backend', info: await initBackend(spec.backend, { ...host.backend, ...(spec.threads && { threads: spec.threads }) }) });
  const docs = await loadItems(spec, log);
  checkCancel();
  const { model, tokenizer, files } = await fromPretrained(spec.model, { endpoint: spec.endpoint, revision: spec.revision, log, memory: { force: spec.force } });
  try {
    if (!tokenizer) throw new Error(`${files.description} has no tokenizer.json; evaluation needs the model's tokenizer`);
    const style = task === 'chat' ? resolvePromptStyle(tokenizer, spec.promptStyle ?? DATA_DEFAULTS.promptStyle) : undefined;
    const data = describeEvalData(spec.data);
    const batchSize = spec.batchSize ?? EVAL_DEFAULTS.batchSize;
    const maxNewTokens = spec.maxNewTokens ?? EVAL_DEFAULTS.maxNewTokens;
    log(`${task} on ${data}: ${docs.length} items, batch ${batchSize}, max ${maxNewTokens} new tokens${style ? `, prompt style ${style}` : ''}`);
    checkCancel();
    const started = performance.now();
    let lastPost = -Infinity;
    const { results, samples } = await runEval(model, tokenizer, docs, {
      task,
      batchSize,
      maxNewTokens,
      style,
      fewshotPool: pool,
      signal: abort.signal,
      onProgress: ({ done, total, fraction }) => {
        if (host.cancelled()) abort.abort();
        const now = performance.now();
        if (now - lastPost < PROGRESS_INTERVAL_MS && done < total) return;
        lastPost = now;
        const elapsedSeconds = (now - started) / 1000;
        const etaSeconds = fraction > 0 ? (elapsedSeconds * (1 - fraction)) / fraction : null;
        post({ type: 'eval-progress', done, total, fraction, elapsedSeconds, etaSeconds });
      },
    });
    results.config = { model: typeof spec.model === 'string' ? spec.model : files.description, data, data_source: savedEvalData(spec.data), limit: spec.limit ?? null, subset_seed: spec.subsetSeed ?? null, ...results.config };

    await writeEvalOutputs(await host.store(), results, samples);
    const done: EvalDoneEvent = { type: 'eval-done', results, samples, stored: [`${host.outFolder}/results.json`, `${host.outFolder}/samples.jsonl`] };
    const m = results.results[task];
    const pct = (key: string) => `${(100 * Number(m[key])).toFixed(1)}%`;
    const scores = (metric: string) =>
      `strict-match ${pct(`${metric},strict-match`)} ± ${pct(`${metric}_stderr,strict-match`)}, ` +
      `flexible-extract ${pct(`${metric},flexible-extract`)} ± ${pct(`${metric}_stderr,flexible-extract`)}`;
    const numeric = results.config.gold === 'number' ? `; by value (|answer − gold| < ${results.config.numeric_tolerance}): ${scores('numeric_match')}` : '';
    log(
      `${task}: ${scores('exact_match')}${numeric}; ` +
        `${results.timing.items_per_s.toFixed(2)} items/s, ${results.timing.generated_tokens_per_s.toFixed(1)} generated tokens/s; wrote ${host.outFolder}`,
    );
    post(done);
    return done;
  } finally {
    model.dispose();
  }
}
