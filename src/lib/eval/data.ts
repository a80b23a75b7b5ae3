// Evaluation items from a file, a URL, the hub's Parquet files of openai/gsm8k, or the synthetic
// teacher's held-out split. Gold answers are GSM8K solutions ({question, answer ending "#### N"})
// or numbers (PAL's {input, target}; SVAMP's {Body, Question, Answer} through a field map).
import { DEFAULT_HUB_ENDPOINT } from '../../../models/files';
import { DataSourceError, describeSource, readRecords, type DataSource, type ReadOptions } from '../data/readers';
import { describeSkips } from '../data/report';
import type { Skipped } from '../data/types';
import { Rng, shuffledIndices } from '../../../models/random';
import { synthEvalSet } from '../data/synth';
import { OneGoldKind, parseGold } from './gold';
import type { EvalDoc } from './tasks';

export interface EvalFieldMap {
  /** The question's field, or fields whose values are joined with QUESTION_JOIN (SVAMP's Body and Question). */
  question?: string | string[];
  answer?: string;
}

/** Field names tried in order when the map names none: GSM8K's, then PAL's. */
const QUESTION_FIELDS = ['question', 'input'];
const ANSWER_FIELDS = ['answer', 'target'];
/** Between joined question fields: SVAMP's own data joins Body and Question with one space. */
export const QUESTION_JOIN = ' ';

const FIELD_MAP_SYNTAX = 'question=FIELD,answer=FIELD';

/** Parses "question=Body+Question,answer=Answer": `+` joins fields into the question. Throws on bad syntax. */
export function parseEvalFieldMap(spec: string): EvalFieldMap {
  const map: EvalFieldMap = {};
  for (const part of spec.split(',')) {
    const [key, value, ...extra] = part.split('=').map((s) => s.trim());
    const fields = (value ?? '').split('+').map((s) => s.trim());
    if ((key !== 'question' && key !== 'answer') || extra.length > 0 || fields.some((f) => !f)) {
      throw new Error(`expected ${FIELD_MAP_SYNTAX} (+ joins question fields, as in question=Body+Question), got "${part.trim()}"`);
    }
    if (map[key] !== undefined) throw new Error(`"${key}" is given twice`);
    if (key === 'question') map.question = fields.length > 1 ? fields : fields[0];
    else if (fields.length > 1) throw new Error(`only the question joins fields; the answer is one field, got "${part.trim()}"`);
    else map.answer = fields[0];
  }
  return map;
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

/** The fields a record's question and answer are read from: the map's, else the first usual name it has. */
function fieldsOf(record: Record<string, unknown>, map: EvalFieldMap = {}): { question: string[]; answer: string } {
  const guess = (names: string[]) => names.find((n) => n in record) ?? names[0];
  return { question: [map.question ?? guess(QUESTION_FIELDS)].flat(), answer: map.answer ?? guess(ANSWER_FIELDS) };
}

function missingFields(fields: { question: string[]; answer: string }, record: Record<string, unknown>): string {
  const names = [...fields.question, fields.answer].map((f) => `"${f}"`);
  return (
    `needs string fields ${names.slice(0, -1).join(', ')} and ${names.at(-1)}, the answer may be a number (the record has ${Object.keys(record).join(', ') || 'no fields'}); ` +
    `map yours with --field-map ${FIELD_MAP_SYNTAX}, + joining fields (question=Body+Question)`
  );
}

export async function loadEvalDocs(source: DataSource, opts: LoadEvalOptions = {}): Promise<{ docs: EvalDoc[]; skipped: Skipped[] }> {
  const docs: EvalDoc[] = [];
  const skipped: Skipped[] = [];
  const oneKind = new OneGoldKind();
  // Without a seeded subset, reading stops at the limit: a 1 GB file is not read to the end.
  const stopAt = opts.subsetSeed === undefined ? opts.limit : undefined;
  for await (const item of readRecords(source, opts.read)) {
    if (stopAt !== undefined && docs.length >= stopAt) break;
    if (!item.ok) {
      skipped.push({ line: item.line, reason: item.reason });
      continue;
    }
    const fields = fieldsOf(item.record, opts.fieldMap);
    const parts = fields.question.map((f) => item.record[f]);
    const answer = item.record[fields.answer];
    if (!parts.every((p) => typeof p === 'string') || (typeof answer !== 'string' && typeof answer !== 'number')) {
      skipped.push({ line: item.line, reason: missingFields(fields, item.record) });
      continue;
    }
    const gold = parseGold(answer, fields.answer);
    if (!gold.ok) {
      skipped.push({ line: item.line, reason: gold.reason });
      continue;
    }
    const otherKind = oneKind.check(gold, fields.answer, item.line);
    if (otherKind) {
      skipped.push({ line: item.line, reason: otherKind });
      continue;
    }
    const difficulty = typeof item.record.difficulty === 'number' ? item.record.difficulty : undefined;
    docs.push({
      id: item.line - 1,
      question: parts.join(QUESTION_JOIN),
      answer: gold.answer,
      ...(gold.gold !== undefined && { gold: gold.gold }),
      ...(difficulty !== undefined && { difficulty }),
    });
  }
  if (docs.length === 0 && opts.limit !== 0) throw noItems(source, skipped);
  return { docs: pickSubset(docs, opts), skipped };
}

function noItems(source: DataSource, skipped: Skipped[]): DataSourceError {
  const what = describeSource(source);
  if (skipped.length === 0) {
    return new DataSourceError(
      `${what} has no eval items: it is empty. Give a GSM8K-schema file ({"question", "answer"} ending "#### N"), or one whose answer is a number (PAL's {"input", "target"}).`,
    );
  }
  return new DataSourceError(
    `${what} has no eval items: ${skipped.length === 1 ? 'its only line was' : `all ${skipped.length} lines were`} skipped.\n` +
      `${describeSkips(skipped).join('\n')}\n` +
      `Fix those lines, or map your field names with --field-map ${FIELD_MAP_SYNTAX} (+ joins question fields: question=Body+Question).`,
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
