// One look at training data, from request to report, as events: the data as a file (the
// synthetic teacher's records written as JSONL), the model's tokenizer when one is named, and
// inspectData's pass over every strategy. The page's data worker runs it; the tests call it.
import { resolveSource, type ModelSource } from '../../../models/files';
import { loadTokenizer } from '../../../models/tokenizer';
import { inspectData, type DataInspection } from '../data/inspect';
import { resolvePromptStyle, type PromptStyle } from '../data/prompt-format';
import type { PromptStyleChoice } from './defaults';
import { trainDataFile, type TrainDataSource } from './sources';

export interface InspectSpec {
  data: TrainDataSource;
  /** The model whose tokenizer and chat template measure the examples. */
  model?: ModelSource;
  /** The hub that serves the model and openai/gsm8k's real questions. */
  endpoint?: string;
  maxLength: number;
  /** Default 'auto': the chat template when the tokenizer has one. */
  promptStyle?: PromptStyleChoice;
  /** Records read at most (default DATA_DEFAULTS.inspectLimit). */
  limit?: number;
}

export type InspectEvent =
  | { type: 'data-log'; line: string }
  /** `file` is the data as training reads it (the synthetic teacher's records as JSONL). */
  | { type: 'data-inspected'; inspection: DataInspection; file: File; style: PromptStyle };

/** A URL's bytes as a File, so that training reads what was inspected even if the URL changes. */
async function asFile(source: File | string): Promise<File> {
  if (typeof source !== 'string') return source;
  const response = await fetch(source);
  if (!response.ok) throw new Error(`${source}: HTTP ${response.status} ${response.statusText}; check the URL`);
  const name = new URL(source, globalThis.location?.href).pathname.split('/').pop() || 'data.jsonl';
  return new File([await response.blob()], name);
}

export async function runDataInspection(spec: InspectSpec, post: (event: InspectEvent) => void): Promise<void> {
  const log = (line: string) => post({ type: 'data-log', line });
  const file = await asFile((await trainDataFile(spec.data, { endpoint: spec.endpoint, log })) as File | string);
  let tokenizer = null;
  if (spec.model !== undefined) {
    const files = await resolveSource(spec.model, { endpoint: spec.endpoint });
    tokenizer = await loadTokenizer(files);
    if (!tokenizer) log(`${files.description} has no tokenizer.json: lengths are in characters`);
  }
  const style = resolvePromptStyle(tokenizer, spec.promptStyle);
  const inspection = await inspectData(file, { tokenizer, style, maxLength: spec.maxLength, limit: spec.limit });
  post({ type: 'data-inspected', inspection, file, style });
}
