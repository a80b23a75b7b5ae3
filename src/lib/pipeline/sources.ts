// Where a pipeline's data comes from, for training and for evaluation, and how each source is
// turned into something the readers take (a path, a URL, a site path or a File). One set of
// kinds for the page, the CLI and the experiment.
import type { DataSource } from '../data/readers';
import { describeSource } from '../data/readers';
import { synthDataset, toJsonl } from '../data/synth';
import { gsm8kHubUrl, synthEvalDocs } from '../eval/data';
import type { EvalDoc } from '../eval/tasks';

export type Difficulty = number | [number, number];

/** The synthetic teacher, seeded: the same n, seed and difficulty give the same records. */
export interface SynthSource {
  kind: 'synth';
  n: number;
  seed: number;
  difficulty?: Difficulty;
}

/** Distilled training data: the synthetic teacher, or a JSONL, JSON or Parquet file. */
export type TrainDataSource =
  | SynthSource
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
export function synthFileName(data: SynthSource): string {
  const d = difficultyText(data.difficulty);
  return `synth-n${data.n}-seed${data.seed}${d && `-d${d}`}.jsonl`;
}

/** The training data as the readers take it; the synthetic teacher's records become a JSONL File. */
export function trainDataFile(data: TrainDataSource): DataSource {
  switch (data.kind) {
    case 'synth':
      return new File([toJsonl(synthDataset(data))], synthFileName(data), { type: 'application/jsonl' });
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
