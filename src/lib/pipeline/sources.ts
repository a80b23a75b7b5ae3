// Where a pipeline's data comes from, for training and for evaluation, and how each source is
// turned into something the readers take (a path, a URL, a site path or a File). One set of
// kinds for the page, the CLI and the experiment.
import { GSM8K_TEACHER_DEFAULTS, gsm8kTeacher } from '../data/gsm8k-teacher';
import type { DataSource } from '../data/readers';
import { DataSourceError, describeSource } from '../data/readers';
import { synthDataset, toJsonl, type SynthRecord } from '../data/synth';
import { gsm8kHubUrl, loadEvalDocs, synthEvalDocs } from '../eval/data';
import type { EvalDoc } from '../eval/tasks';

export type Difficulty = number | [number, number];

/** The synthetic teacher, seeded: the same n, seed and difficulty give the same records. */
export interface SynthSource {
  kind: 'synth';
  n: number;
  seed: number;
  difficulty?: Difficulty;
}

/** Real questions beside the synthetic teacher's: GSM8K training items written as it writes them (data/gsm8k-teacher.ts). */
export interface Gsm8kTrainItems {
  /** At most this many, in the file's order. */
  items: number;
  /** Keep items of at most this many calculations (default GSM8K_TEACHER_DEFAULTS). */
  maxCalculations?: number;
  /** A file in GSM8K's schema (a URL, a path on this site, or a file path in Node); openai/gsm8k's train split on the hub when left out. */
  url?: string;
}

/** The synthetic teacher's records, then `gsm8kTrain`'s real questions after them. */
export interface SynthTrainSource extends SynthSource {
  /** The share of one- and two-step records told as stories with everyday verbs (data/synth/verb-stories.ts); 0 when left out. */
  verbStories?: number;
  gsm8kTrain?: Gsm8kTrainItems;
}

/** Distilled training data: the synthetic teacher, or a JSONL, JSON or Parquet file. */
export type TrainDataSource =
  | SynthTrainSource
  /** An http(s) URL, a path on this site (browser) or a file path (Node). */
  | { kind: 'url'; url: string }
  | { kind: 'file'; file: File };

/** Eval items, all in GSM8K's schema ({question, answer ending "#### N"}). */
export type EvalDataSource =
  /** The synthetic teacher's held-out split. */
  | SynthSource
  /** A JSONL, JSON or Parquet file: an http(s) URL, a path on this site (browser) or a file path (Node). */
  | { kind: 'url'; url: string }
  /** openai/gsm8k's Parquet file of a split, from the hub at the request's endpoint. */
  | { kind: 'hub'; split: 'test' | 'train' }
  | { kind: 'file'; file: File };

const difficultyText = (d: Difficulty | undefined) => (d === undefined ? '' : Array.isArray(d) ? d.join('-') : String(d));

/** The synthetic data's file name says how to make it again. */
export function synthFileName(data: Omit<SynthTrainSource, 'gsm8kTrain'>, gsm8kItems = 0): string {
  const d = difficultyText(data.difficulty);
  const verbs = data.verbStories ? `-verbs${data.verbStories}` : '';
  return `synth-n${data.n}-seed${data.seed}${d && `-d${d}`}${verbs}${gsm8kItems ? `-gsm8k${gsm8kItems}` : ''}.jsonl`;
}

export interface SourceOptions {
  /** The hub that serves openai/gsm8k (DEFAULT_HUB_ENDPOINT when left out). */
  endpoint?: string;
  log?: (line: string) => void;
}

/**
 * GSM8K items as the synthetic teacher writes them, and a line saying what was left out and why.
 * Throws, naming the file and line, when an item cannot be read: a bad line is not skipped quietly.
 */
export async function gsm8kTrainRecords(spec: Gsm8kTrainItems, opts: SourceOptions = {}): Promise<{ records: SynthRecord[]; report: string }> {
  const source = spec.url ?? gsm8kHubUrl('train', opts.endpoint);
  const maxCalculations = spec.maxCalculations ?? GSM8K_TEACHER_DEFAULTS.maxCalculations;
  const { docs, skipped: unreadable } = await loadEvalDocs(source).catch((e: unknown) => {
    // From the hub, say which setting needs the network: the synthetic records alone do not.
    if (spec.url !== undefined || !(e instanceof DataSourceError)) throw e;
    throw new DataSourceError(`${e.message} GSM8K's training items (real questions) come from the hub; to train offline, add none.`);
  });
  if (unreadable.length) {
    const [first] = unreadable;
    throw new DataSourceError(
      `${describeSource(source)}, line ${first.line}: ${first.reason}; ${unreadable.length} such line(s): fix or remove them (GSM8K's schema: {"question", "answer" ending "#### N"})`,
    );
  }
  const { records, skipped } = gsm8kTeacher(docs, { limit: spec.items, maxCalculations });
  const looked = records.length + skipped.calculations + skipped.format + skipped['held out'];
  const report =
    `GSM8K items: ${records.length} kept of the first ${looked} of ${docs.length}; left out: ${skipped.calculations} of none or more than ${maxCalculations} calculations, ` +
    `${skipped.format} that one-operation whole-number lines cannot state, ${skipped['held out']} stating a held-out tuple`;
  return { records, report };
}

/** The synthetic teacher's records, then real ones already written as it writes, as one JSONL File. */
export function synthRecordsFile(data: Omit<SynthTrainSource, 'gsm8kTrain'>, real: SynthRecord[]): File {
  return new File([toJsonl([...synthDataset(data), ...real])], synthFileName(data, real.length), { type: 'application/jsonl' });
}

/** The synthetic teacher's records and any real questions, as one JSONL File, and how many of them are GSM8K's. */
export async function synthTrainFile(data: SynthTrainSource, opts: SourceOptions = {}): Promise<{ file: File; gsm8kItems: number }> {
  const real = data.gsm8kTrain ? await gsm8kTrainRecords(data.gsm8kTrain, opts) : null;
  if (real) opts.log?.(real.report);
  const records = real?.records ?? [];
  return { file: synthRecordsFile(data, records), gsm8kItems: records.length };
}

/** The training data as the readers take it; the synthetic teacher's records become a JSONL File. */
export async function trainDataFile(data: TrainDataSource, opts: SourceOptions = {}): Promise<DataSource> {
  switch (data.kind) {
    case 'synth':
      return (await synthTrainFile(data, opts)).file;
    case 'url':
      return data.url;
    case 'file':
      return data.file;
  }
}

/** Human words for an eval source, for logs and results.json. */
export function describeEvalData(data: EvalDataSource): string {
  switch (data.kind) {
    case 'synth': {
      const d = difficultyText(data.difficulty);
      return `synthetic held-out set (n ${data.n}, seed ${data.seed}${d && `, difficulty ${d}`})`;
    }
    case 'url':
      return data.url;
    case 'hub':
      return `openai/gsm8k ${data.split} split`;
    case 'file':
      return describeSource(data.file);
  }
}

/** The synthetic eval items; other kinds are read from their DataSource. */
export function synthEvalItems(data: SynthSource): EvalDoc[] {
  return synthEvalDocs(data.n, data.seed, data.difficulty);
}

/** The readable location of a non-synthetic eval source. */
export function evalDataLocation(data: Exclude<EvalDataSource, SynthSource>, endpoint?: string): DataSource {
  return data.kind === 'hub' ? gsm8kHubUrl(data.split, endpoint) : data.kind === 'url' ? data.url : data.file;
}

/** An eval source as results.json keeps it (plain JSON: a picked file by its name), so an export can name it again. */
export type SavedEvalData = Exclude<EvalDataSource, { kind: 'file' }> | { kind: 'file'; name: string };

export const savedEvalData = (data: EvalDataSource): SavedEvalData => (data.kind === 'file' ? { kind: 'file', name: data.file.name } : data);
