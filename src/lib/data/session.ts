// One look at training data, from request to report, as protocol events: the data as a file
// (the synthetic teacher's records written as JSONL), the model's tokenizer when one is named,
// and inspectData's pass over every strategy. DOM-free: the data worker and the tests call it.
import { resolveSource } from '../../../models/files';
import { loadTokenizer } from '../../../models/tokenizer';
import type { DataInspectRequest, DataWorkerEvent, TrainDataSource } from '../../../workers/protocol';
import { inspectData } from './inspect';
import { resolvePromptStyle } from './prompt-format';
import { synthDataset, toJsonl } from './synth';

/** The synthetic data's file name says how to make it again. */
export function synthFileName(data: Extract<TrainDataSource, { kind: 'synth' }>): string {
  const d = data.difficulty === undefined ? '' : `-d${Array.isArray(data.difficulty) ? data.difficulty.join('-') : data.difficulty}`;
  return `synth-n${data.n}-seed${data.seed}${d}.jsonl`;
}

/** The data as training reads it: a File, or a URL / site path. */
export function trainDataFile(data: TrainDataSource): File | string {
  switch (data.kind) {
    case 'synth':
      return new File([toJsonl(synthDataset(data))], synthFileName(data), { type: 'application/jsonl' });
    case 'url':
      return data.url;
    case 'file':
      return data.file;
  }
}

/** A URL's bytes as a File, so that training reads what was inspected even if the URL changes. */
async function asFile(source: File | string): Promise<File> {
  if (typeof source !== 'string') return source;
  const response = await fetch(source);
  if (!response.ok) throw new Error(`${source}: HTTP ${response.status} ${response.statusText}; check the URL`);
  const name = new URL(source, globalThis.location?.href).pathname.split('/').pop() || 'data.jsonl';
  return new File([await response.blob()], name);
}

export async function runDataInspection(request: DataInspectRequest, post: (event: DataWorkerEvent) => void): Promise<void> {
  const file = await asFile(trainDataFile(request.data));
  let tokenizer = null;
  if (request.model !== undefined) {
    const files = await resolveSource(request.model, { endpoint: request.endpoint });
    tokenizer = await loadTokenizer(files);
    if (!tokenizer) post({ type: 'data-log', line: `${files.description} has no tokenizer.json: lengths are in characters` });
  }
  const style = resolvePromptStyle(tokenizer, request.promptStyle);
  const inspection = await inspectData(file, { tokenizer, style, maxLength: request.maxLength, limit: request.limit });
  post({ type: 'data-inspected', inspection, file, style });
}
