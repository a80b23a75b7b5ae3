// One evaluation from request to stored results, reporting as protocol events: start the backend,
// read the eval items (and gsm8k's few-shot pool), load the model and tokenizer, run the task in
// batches, and write results.json and samples.jsonl under runs/<id>/eval/<task>.
// DOM-free like the training session: the event sink, the cancel flag and the store factory
// (OPFS in the browser, a folder in Node) are injected.
import { initBackend, type BackendOptions } from '../../../models/backend';
import { fromPretrained } from '../../../models/from-pretrained';
import type { EvalDataSource, EvalDoneEvent, EvalStartRequest, EvalWorkerEvent } from '../../../workers/protocol';
import { resolvePromptStyle } from '../data/prompt-format';
import { describeSource } from '../data/readers';
import { synthDataset } from '../data/synth';
import { evalPath, isRunId, RUN_ID_RULE } from '../runs/paths';
import type { FileStore } from '../storage/file-store';
import { gsm8kHubUrl, loadEvalDocs, synthEvalDocs } from './data';
import { runEval, writeEvalOutputs } from './runner';
import type { EvalDoc } from './tasks';

export interface EvalSessionHost {
  post(event: EvalWorkerEvent): void;
  /** Read after every batch: whether the page asked to cancel. */
  cancelled(): boolean;
  /** The store for a folder such as "runs/<id>/eval/gsm8k". */
  storeFor(path: string): Promise<FileStore>;
  /** Passed to initBackend (the browser's wasm binary URLs). */
  backend?: BackendOptions;
}

/** Synthetic train records in gsm8k's few-shot pool (as the CLI draws it). */
const SYNTH_POOL_SIZE = 200;

/** Human words for the data source, for logs and results.json. */
function describeData(data: EvalDataSource): string {
  switch (data.kind) {
    case 'synth': {
      const d = data.difficulty;
      return `synthetic held-out set (n ${data.n}, seed ${data.seed}${d === undefined ? '' : `, difficulty ${Array.isArray(d) ? d.join('–') : d}`})`;
    }
    case 'url':
      return data.url;
    case 'hub':
      return `openai/gsm8k ${data.split} split`;
    case 'file':
      return describeSource(data.file);
  }
}

async function loadDocs(request: EvalStartRequest, log: (line: string) => void): Promise<EvalDoc[]> {
  const { data, limit } = request;
  if (data.kind === 'synth') return synthEvalDocs(data.n, data.seed, data.difficulty).slice(0, limit);
  const source = data.kind === 'url' ? data.url : data.kind === 'hub' ? gsm8kHubUrl(data.split, request.endpoint) : data.file;
  const { docs, skipped } = await loadEvalDocs(source, { limit, subsetSeed: request.subsetSeed, fieldMap: request.fieldMap });
  for (const s of skipped.slice(0, 5)) log(`skipped line ${s.line}: ${s.reason}`);
  if (skipped.length > 5) log(`… ${skipped.length - 5} more lines skipped`);
  return docs;
}

/** gsm8k's 5-shot pool: the request's fewshotUrl, else the synthetic or the hub's train split. */
async function fewshotPool(request: EvalStartRequest): Promise<EvalDoc[]> {
  const { data, fewshotUrl } = request;
  if (fewshotUrl) return (await loadEvalDocs(fewshotUrl)).docs;
  if (data.kind === 'synth') return synthDataset({ n: SYNTH_POOL_SIZE, seed: data.seed }).map((r, id) => ({ id, question: r.question, answer: r.answer }));
  if (data.kind === 'hub') return (await loadEvalDocs(gsm8kHubUrl('train', request.endpoint))).docs;
  throw new Error('gsm8k draws 5 examples from a train split: give fewshotUrl (a GSM8K-schema train file), or use gsm8k_cot, gsm8k_cot_zeroshot or chat');
}

export async function runEvalSession(request: EvalStartRequest, host: EvalSessionHost): Promise<EvalDoneEvent> {
  const { post } = host;
  const { task } = request;
  const log = (line: string) => post({ type: 'eval-log', line });
  if (!isRunId(request.runId)) throw new Error(`run id "${request.runId}" ${RUN_ID_RULE}`);
  // runEval reads the signal before each batch; the host's flag is polled after each one (a busy
  // wasm loop never yields, so nothing else could abort in between). A cancel that comes after
  // the last batch is too late: the run completes.
  const abort = new AbortController();
  const checkCancel = () => {
    if (host.cancelled()) abort.abort();
    if (abort.signal.aborted) throw new Error('evaluation cancelled');
  };

  // The few-shot pool first: a url or file with no train split named is refused before anything loads.
  const pool = task === 'gsm8k' ? await fewshotPool(request) : undefined;
  post({ type: 'eval-backend', info: await initBackend(request.backend, host.backend) });
  const docs = await loadDocs(request, log);
  checkCancel();
  const { model, tokenizer, files } = await fromPretrained(request.model, { endpoint: request.endpoint, log });
  try {
    if (!tokenizer) throw new Error(`${files.description} has no tokenizer.json; evaluation needs the model's tokenizer`);
    const style = task === 'chat' ? resolvePromptStyle(tokenizer, request.promptStyle) : undefined;
    const data = describeData(request.data);
    log(`${task} on ${data}: ${docs.length} items${style ? `, prompt style ${style}` : ''}`);
    checkCancel();
    const { results, samples } = await runEval(model, tokenizer, docs, {
      task,
      batchSize: request.batchSize,
      maxNewTokens: request.maxNewTokens,
      style,
      fewshotPool: pool,
      signal: abort.signal,
      onProgress: (done, total) => {
        post({ type: 'eval-progress', done, total });
        if (host.cancelled()) abort.abort();
      },
    });
    results.config = { model: files.description, data, limit: request.limit ?? null, ...results.config };

    const path = evalPath(request.runId, task);
    const store = await host.storeFor(path);
    await writeEvalOutputs(store, results, samples);
    const done: EvalDoneEvent = { type: 'eval-done', results, samples, stored: [`${path}/results.json`, `${path}/samples.jsonl`] };
    const m = results.results[task];
    log(`${task}: strict-match ${Number(m['exact_match,strict-match']).toFixed(3)}, flexible-extract ${Number(m['exact_match,flexible-extract']).toFixed(3)}; wrote ${store.description}`);
    post(done);
    return done;
  } finally {
    model.dispose();
  }
}
