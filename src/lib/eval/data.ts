// Evaluation items: GSM8K's schema ({question, answer ending "#### N"}) from a file, a URL, the
// hub's Parquet files of openai/gsm8k, or the synthetic teacher's held-out split.
import { DEFAULT_HUB_ENDPOINT } from '../../../models/files';
import { DataSourceError, describeSource, readRecords, type DataSource, type ReadOptions } from '../data/readers';
import { describeSkips } from '../data/report';
import type { Skipped } from '../data/types';
import { Rng, shuffledIndices } from '../../../models/random';
import { synthEvalSet } from '../data/synth';
import type { EvalDoc } from './tasks';

export interface EvalFieldMap {
  question?: string;
  answer?: string;
}

export interface LoadEvalOptions {
  fieldMap?: EvalFieldMap;
  /** Keep the first N items (after the seeded subset, when one is asked for). */
  limit?: number;
  /** Draw `limit` items at random with this seed instead of the first ones. */
  subsetSeed?: number;
  read?: ReadOptions;
}

/** openai/gsm8k's Parquet file of a split on the hub (what `datasets` downloads). */
export function gsm8kHubUrl(split: 'train' | 'test', endpoint = DEFAULT_HUB_ENDPOINT): string {
  return `${endpoint.replace(/\/+$/, '')}/datasets/openai/gsm8k/resolve/main/main/${split}-00000-of-00001.parquet`;
}

const ANSWER_LINE = /####\s*(-?[\d,.]+)\s*$/;

export async function loadEvalDocs(source: DataSource, opts: LoadEvalOptions = {}): Promise<{ docs: EvalDoc[]; skipped: Skipped[] }> {
  const q = opts.fieldMap?.question ?? 'question';
  const a = opts.fieldMap?.answer ?? 'answer';
  const docs: EvalDoc[] = [];
  const skipped: Skipped[] = [];
  // Without a seeded subset, reading stops at the limit: a 1 GB file is not read to the end.
  const stopAt = opts.subsetSeed === undefined ? opts.limit : undefined;
  for await (const item of readRecords(source, opts.read)) {
    if (stopAt !== undefined && docs.length >= stopAt) break;
    if (!item.ok) {
      skipped.push({ line: item.line, reason: item.reason });
      continue;
    }
    const question = item.record[q];
    const answer = item.record[a];
    if (typeof question !== 'string' || typeof answer !== 'string') {
      skipped.push({ line: item.line, reason: `needs string fields "${q}" and "${a}" (map yours with --field-map question=FIELD,answer=FIELD)` });
      continue;
    }
    if (!ANSWER_LINE.test(answer)) {
      skipped.push({ line: item.line, reason: `"${a}" does not end with "#### N", the GSM8K answer line` });
      continue;
    }
    const difficulty = typeof item.record.difficulty === 'number' ? item.record.difficulty : undefined;
    docs.push({ id: item.line - 1, question, answer, ...(difficulty !== undefined && { difficulty }) });
  }
  if (docs.length === 0 && opts.limit !== 0) throw noItems(source, skipped);
  return { docs: pickSubset(docs, opts), skipped };
}

function noItems(source: DataSource, skipped: Skipped[]): DataSourceError {
  const what = describeSource(source);
  if (skipped.length === 0) return new DataSourceError(`${what} has no eval items: it is empty. Give a GSM8K-schema file ({"question", "answer"} ending "#### N").`);
  return new DataSourceError(
    `${what} has no eval items: ${skipped.length === 1 ? 'its only line was' : `all ${skipped.length} lines were`} skipped.\n` +
      `${describeSkips(skipped).join('\n')}\n` +
      'Fix those lines, or map your field names with --field-map question=FIELD,answer=FIELD.',
  );
}

function pickSubset(docs: EvalDoc[], opts: LoadEvalOptions): EvalDoc[] {
  if (opts.limit === undefined || opts.subsetSeed === undefined) return docs.slice(0, opts.limit);
  return shuffledIndices(docs.length, new Rng(opts.subsetSeed))
    .slice(0, opts.limit)
    .sort((x, y) => x - y)
    .map((i) => docs[i]);
}

/** The synthetic teacher's held-out split as eval docs. */
export function synthEvalDocs(n: number, seed: number, difficulty?: number | [number, number]): EvalDoc[] {
  return synthEvalSet({ n, seed, difficulty }).map((r, id) => ({ id, question: r.question, answer: r.answer, difficulty: r.difficulty }));
}
