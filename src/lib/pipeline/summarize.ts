// The model summarizer from distilled data to distilled data with summaries, reporting as events:
// read the records, split each response into reasoning and answer, summarize the reasoning with a
// loaded model (greedy, in its chat template) unless the cache has it, and write every record
// again with its summary in the `summary` field, which the think-summary strategy uses before
// the extractive rules. The page's teacher worker and the CLI's `summarize` both run this.
import { initBackend, type BackendInfo, type BackendName, type BackendOptions } from '../../../models/backend';
import type { ModelSource } from '../../../models/files';
import { fromPretrained } from '../../../models/from-pretrained';
import { encodePrompt, renderPrompt, resolvePromptStyle } from '../data/prompt-format';
import { describeSource, readRecords, type DataSource } from '../data/readers';
import { normalizeRecord, type FieldMap } from '../data/records';
import { splitRecord } from '../data/split';
import type { FileStore } from '../storage/file-store';
import { generateInBatches, progressClock } from '../teach/generate-batches';
import { modelIdentity } from '../teach/model-identity';
import { SUMMARIZED_FILE, SUMMARIZER_DEFAULTS, SummaryCache, summaryKey, summaryRequest, type SummarizerSettings } from '../teach/summarizer';
import { DATA_DEFAULTS, type PromptStyleChoice } from './defaults';

export interface SummarizeSpec {
  /** The summarizer: a Hugging Face id, an http(s) URL to a model folder, a site path, a folder (Node), or picked files. */
  model: ModelSource;
  /** Distilled data: a JSONL, JSON or Parquet file. */
  data: DataSource;
  fieldMap?: FieldMap;
  settings?: Partial<SummarizerSettings>;
  promptStyle?: PromptStyleChoice;
  backend?: BackendName;
  threads?: number;
  endpoint?: string;
  revision?: string;
  force?: boolean;
}

export interface SummarizeHost {
  post(event: SummarizeEvent): void;
  /** Read at every decode step: stop now (what is cached stays). */
  cancelled(): boolean;
  /** Where summarized.jsonl goes. */
  store(): Promise<FileStore>;
  /** The summaries cache's folder, shared by every run. */
  cache(): Promise<FileStore>;
  outFolder: string;
  backend?: BackendOptions;
}

export interface SummarizeCounts {
  /** Distinct reasoning traces to summarize, of which `cached` came from the cache and `done` have a summary now. */
  total: number;
  done: number;
  cached: number;
}

export interface SummarizeDoneEvent extends SummarizeCounts {
  type: 'summarize-done';
  status: 'complete' | 'stopped';
  /** Records written; those without reasoning are written unchanged. */
  records: number;
  withoutReasoning: number;
  seconds: number;
  /** <outFolder>/summarized.jsonl, when complete. */
  stored: string[];
}

export type SummarizeEvent =
  | { type: 'summarize-backend'; info: BackendInfo }
  | { type: 'summarize-log'; line: string }
  | ({ type: 'summarize-progress'; fraction: number; elapsedSeconds: number; etaSeconds: number | null } & SummarizeCounts)
  | SummarizeDoneEvent;

interface Trace {
  raw: Record<string, unknown>;
  /** Null: no reasoning to summarize. */
  request: string | null;
  key: string | null;
}

export async function runSummarize(spec: SummarizeSpec, host: SummarizeHost): Promise<SummarizeDoneEvent> {
  const { post } = host;
  const settings: SummarizerSettings = { ...SUMMARIZER_DEFAULTS, ...spec.settings };
  const log = (line: string) => post({ type: 'summarize-log', line });
  if (!settings.prompt.includes('{reasoning}')) throw new Error('The summary prompt must contain {reasoning}, where the reasoning goes.');

  post({ type: 'summarize-backend', info: await initBackend(spec.backend, { ...host.backend, ...(spec.threads && { threads: spec.threads }) }) });
  const { model, tokenizer, files } = await fromPretrained(spec.model, { endpoint: spec.endpoint, revision: spec.revision, log, memory: { force: spec.force } });
  try {
    if (!tokenizer) throw new Error(`${files.description} has no tokenizer.json; the summarizer needs the model's tokenizer`);
    const style = resolvePromptStyle(tokenizer, spec.promptStyle ?? DATA_DEFAULTS.promptStyle);
    const modelName = modelIdentity(spec.model, spec.revision, files);
    const cache = await SummaryCache.open(await host.cache());

    // Every record is kept in order; unreadable ones are errors, since the output must hold them all.
    const traces: Trace[] = [];
    for await (const item of readRecords(spec.data)) {
      if (!item.ok) throw new Error(`${describeSource(spec.data)}, line ${item.line}: ${item.reason}`);
      const normalized = normalizeRecord(item.record, item.line, spec.fieldMap);
      const split = normalized.ok ? splitRecord(normalized.record) : null;
      const reasoning = split?.ok ? split.split.reasoning : null;
      const question = normalized.ok ? (normalized.record.context.at(-1)?.content ?? '') : '';
      const request = reasoning ? summaryRequest(settings.prompt, question, reasoning) : null;
      traces.push({ raw: item.record, request, key: request && (await summaryKey(`${modelName} (${style} prompts)`, request, settings.maxNewTokens)) });
    }
    const withReasoning = traces.filter((t) => t.key !== null);
    // One summary per distinct request: a repeated trace is summarized once.
    const distinct = [...new Map(withReasoning.map((t) => [t.key!, t])).values()];
    const todo = distinct.filter((t) => cache.get(t.key!) === undefined);
    const cached = distinct.length - todo.length;
    const counts: SummarizeCounts = { total: distinct.length, done: cached, cached };
    log(`${traces.length} records, ${withReasoning.length} with reasoning (${cached} summaries cached); summarizing with ${modelName}, greedy, max ${settings.maxNewTokens} new tokens`);

    const clock = progressClock();
    const progress = (inFlight: number, force: boolean) => {
      const elapsedSeconds = clock.due(force);
      if (elapsedSeconds === null) return;
      const doneHere = counts.done - counts.cached + inFlight;
      const left = todo.length - doneHere;
      const fraction = counts.total === 0 ? 1 : (counts.done + inFlight) / counts.total;
      post({ type: 'summarize-progress', ...counts, fraction, elapsedSeconds, etaSeconds: doneHere > 0 ? (elapsedSeconds * left) / doneHere : null });
    };
    progress(0, true);
    const complete = await generateInBatches(model, {
      items: todo,
      batchSize: settings.batchSize,
      prompt: (t) => encodePrompt(renderPrompt([{ role: 'user', content: t.request! }], style, tokenizer), tokenizer),
      options: { maxNewTokens: settings.maxNewTokens, greedy: true, stopTokenIds: tokenizer.eosTokenId === null ? [] : [tokenizer.eosTokenId] },
      stopped: host.cancelled,
      onStep: (inFlight) => progress(inFlight, false),
      save: async (batch, out) => {
        await cache.add(batch.map((t, r) => ({ key: t.key!, summary: tokenizer.decode(out.ids[r], { skipSpecialTokens: true }).trim() })));
        counts.done += batch.length;
        progress(0, true);
      },
    });
    const seconds = clock.seconds();
    const stored: string[] = [];
    if (complete) {
      const field = spec.fieldMap?.summary ?? 'summary';
      const lines = traces.map((t) => JSON.stringify(t.key === null ? t.raw : { ...t.raw, [field]: cache.get(t.key) }));
      await (await host.store()).write(SUMMARIZED_FILE, new TextEncoder().encode(`${lines.join('\n')}\n`));
      stored.push(`${host.outFolder}/${SUMMARIZED_FILE}`);
    }
    log(
      complete
        ? `done: ${counts.total} summaries (${counts.cached} from the cache); wrote ${host.outFolder}/${SUMMARIZED_FILE}`
        : `stopped after ${counts.done} of ${counts.total} summaries; they are cached, so running again goes on from there`,
    );
    const done: SummarizeDoneEvent = {
      type: 'summarize-done',
      status: complete ? 'complete' : 'stopped',
      ...counts,
      records: traces.length,
      withoutReasoning: traces.length - withReasoning.length,
      seconds,
      stored,
    };
    post(done);
    return done;
  } finally {
    model.dispose();
  }
}
