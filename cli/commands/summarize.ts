// summarize: the pipeline's model summarizer (src/lib/pipeline/summarize.ts): a model summarizes
// each record's reasoning; DIR/summarized.jsonl is the data again with a `summary` field, which the
// think-summary strategy uses.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { asUsage, BACKEND_OPTION, command, DATA_OPTIONS, FORCE_OPTION, THREADS_OPTION, UsageError } from '../args';
import { checkLocalPath, log } from '../load';
import { onStopSignals, SIGNAL_EXIT } from '../stop-signals';
import { parseFieldMap } from '../../src/lib/data/records';
import { runSummarize, type SummarizeEvent } from '../../src/lib/pipeline/summarize';
import { nodeFolderStore } from '../../src/lib/storage/node-store';
import { SUMMARIZED_FILE, SUMMARIZER_DEFAULTS } from '../../src/lib/teach/summarizer';

const S = SUMMARIZER_DEFAULTS;

/** Where summaries are cached unless --cache says otherwise: the user's cache folder. */
function defaultCache(): string {
  return path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'distill-lab', 'summaries');
}

export const summarize = command({
  summary: "Summarize each record's reasoning with a model (the paper's think-summary); writes DIR/summarized.jsonl",
  usage: 'summarize --model SRC --data FILE --out DIR [--prompt TEXT | --prompt-file F] [--max-new-tokens N] [--cache DIR]',
  about: `The prompt's {reasoning} is replaced by a record's reasoning and {question} by its question; the
model answers it greedily in its chat template. The default prompt:
${S.prompt.replaceAll('\n', '\\n')}
Summaries are cached by content (model, filled prompt, --max-new-tokens), so a stopped run goes on
where it stopped, and records with the same reasoning are summarized once.`,
  options: {
    model: { kind: 'string', arg: 'SRC', required: true, help: 'the summarizer: model folder, http(s) URL, or Hugging Face id' },
    data: { kind: 'string', arg: 'FILE', required: true, help: 'distilled data: a JSONL, JSON or Parquet file or URL' },
    out: { kind: 'string', arg: 'DIR', required: true, help: `where ${SUMMARIZED_FILE} goes` },
    prompt: { kind: 'string', arg: 'TEXT', help: 'the summary prompt, with {reasoning} (and optionally {question})' },
    'prompt-file': { kind: 'string', arg: 'F', help: 'the summary prompt, from a file' },
    'max-new-tokens': { kind: 'number', integer: true, min: 1, default: S.maxNewTokens, help: 'tokens per summary at most' },
    batch: { kind: 'number', arg: 'B', integer: true, min: 1, default: S.batchSize, help: 'traces summarized together' },
    cache: { kind: 'string', arg: 'DIR', help: 'the summaries cache (default $XDG_CACHE_HOME/distill-lab/summaries, else ~/.cache/…)' },
    'field-map': DATA_OPTIONS['field-map'],
    'prompt-style': DATA_OPTIONS['prompt-style'],
    endpoint: { kind: 'string', arg: 'URL', help: 'the hub, for hub ids (default https://huggingface.co)' },
    backend: BACKEND_OPTION,
    threads: THREADS_OPTION,
    force: FORCE_OPTION,
    json: { kind: 'flag', help: 'last stdout line: {"status","total","done","cached","records","seconds"}' },
  },

  async run(v) {
    if (v.prompt !== undefined && v['prompt-file'] !== undefined) throw new UsageError('give --prompt or --prompt-file, not both');
    const prompt = v['prompt-file'] === undefined ? v.prompt : readFileSync(v['prompt-file'], 'utf8');
    checkLocalPath(v.model);
    const out = path.resolve(v.out);
    const cacheDir = path.resolve(v.cache ?? defaultCache());
    let stop = false;
    const stoppedBy = onStopSignals('stopping now; the summaries made so far are cached', () => (stop = true));
    let shown = -1;
    const post = (e: SummarizeEvent) => {
      if (e.type === 'summarize-backend') log(e.info.summary);
      else if (e.type === 'summarize-log') log(e.line);
      else if (e.type === 'summarize-progress' && e.done !== shown) {
        shown = e.done;
        log(`  ${e.done}/${e.total} summaries${e.etaSeconds === null ? '' : `, ${e.etaSeconds.toFixed(0)} s left`}`);
      }
    };
    const done = await runSummarize(
      {
        model: v.model,
        data: v.data,
        fieldMap: v['field-map'] === undefined ? undefined : asUsage(() => parseFieldMap(v['field-map']!), '--field-map: '),
        settings: { maxNewTokens: v['max-new-tokens'], batchSize: v.batch, ...(prompt !== undefined && { prompt }) },
        promptStyle: v['prompt-style'],
        backend: v.backend,
        endpoint: v.endpoint,
        force: v.force,
      },
      {
        post,
        cancelled: () => stop,
        store: () => Promise.resolve(nodeFolderStore(out)),
        cache: () => Promise.resolve(nodeFolderStore(cacheDir)),
        outFolder: out,
        backend: { threads: v.threads },
      },
    );
    if (v.json) {
      const { status, total, done: n, cached, records, seconds } = done;
      process.stdout.write(`${JSON.stringify({ status, total, done: n, cached, records, seconds })}\n`);
    }
    const signal = stoppedBy();
    if (signal) process.exitCode = SIGNAL_EXIT[signal];
  },
});
