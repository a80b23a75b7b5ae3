// Generation over many prompts in batches, for the teacher and the summarizer: each batch is handed
// to `save` once it is whole; a stop drops the batch in flight (its rows were cut short), so what
// was saved is always a set of whole responses.
import { generate, type GenerateOptions, type GenerateResult } from '../../../models/generate';
import type { LlamaModel } from '../../../models/llama';

export interface BatchJob<T> {
  items: T[];
  batchSize: number;
  prompt(item: T): number[];
  options: Omit<GenerateOptions, 'signal' | 'onToken' | 'rowSeeds'>;
  /** A sampling seed per item, so that an item's tokens do not depend on its batch. */
  rowSeed?(item: T): number;
  /** Read at every decode step: stop now. */
  stopped(): boolean;
  /** At every decode step: the share of the batch in flight decoded so far, in items. */
  onStep(itemsDecoded: number): void;
  save(batch: T[], out: GenerateResult): Promise<void>;
}

/** True when every item was generated and saved; false when a stop came first. */
export async function generateInBatches<T>(model: LlamaModel, job: BatchJob<T>): Promise<boolean> {
  const abort = new AbortController();
  const stopped = () => {
    if (!abort.signal.aborted && job.stopped()) abort.abort();
    return abort.signal.aborted;
  };
  for (let start = 0; start < job.items.length; start += job.batchSize) {
    if (stopped()) return false;
    const batch = job.items.slice(start, start + job.batchSize);
    let reportedStep = -1;
    const out = await generate(model, batch.map(job.prompt), {
      ...job.options,
      ...(job.rowSeed && { rowSeeds: batch.map(job.rowSeed) }),
      signal: abort.signal,
      onToken: (_row, _id, step) => {
        if (step === reportedStep) return;
        reportedStep = step;
        if (!stopped()) job.onStep((batch.length * (step + 1)) / job.options.maxNewTokens);
      },
    });
    if (out.finishReasons.includes('aborted')) return false;
    await job.save(batch, out);
  }
  return true;
}

/** Progress events at most this often: a decode step can take a millisecond. */
export const PROGRESS_INTERVAL_MS = 250;

/** Paces progress events: `due` gives the seconds since the clock started, or null when the last event is too recent. */
export function progressClock(intervalMs = PROGRESS_INTERVAL_MS) {
  const started = performance.now();
  let last = -Infinity;
  return {
    due(force: boolean): number | null {
      const now = performance.now();
      if (!force && now - last < intervalMs) return null;
      last = now;
      return (now - started) / 1000;
    },
    seconds: () => (performance.now() - started) / 1000,
  };
}
