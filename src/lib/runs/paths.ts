// Run ids, and where a run's files live in its store (OPFS in the browser, a folder in Node):
// one layout for the workers that write them and the page that reads them.

/** 1–128 letters, digits, ".", "_" or "-", and not "." or "..": safe as a folder name. */
const RUN_ID = /^(?!\.\.?$)[\w.-]{1,128}$/;

export const RUN_ID_RULE = 'must be 1–128 letters, digits, ".", "_" or "-"';

export const isRunId = (id: unknown): id is string => typeof id === 'string' && RUN_ID.test(id);

/** A new run's id: sortable by time, and says what it runs, e.g. train-20261127-132646-1uw4-answer. */
export function newRunId(kind: 'train' | 'eval' | 'teach' | 'summarize', what: string): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
  return `${kind}-${stamp}-${Math.random().toString(36).slice(2, 6)}-${what}`.replace(/[^\w.-]/g, '_');
}

/** runs/<id>, or one of its folders: the checkpoint, the exports, the copy of the training data. */
export const runPath = (runId: string, part?: 'checkpoint' | 'model' | 'adapter' | 'data') => `runs/${runId}${part ? `/${part}` : ''}`;

/** An evaluation's results.json and samples.jsonl. */
export const evalPath = (runId: string, task: string) => `runs/${runId}/eval/${task}`;

/** A teacher's or summarizer's outputs: teach/<id>/distilled.jsonl, summarized.jsonl, …. */
export const teachPath = (jobId: string) => `teach/${jobId}`;

/** The model summarizer's cache, shared by every job. */
export const SUMMARY_CACHE_PATH = 'cache/summaries';
