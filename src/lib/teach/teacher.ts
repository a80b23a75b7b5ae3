// The teacher's work and its outputs. Each question is answered `samples` times, in a fixed
// order, and each response draws from its own seed (seed, question, sample), so a run that was
// stopped and resumed writes what an uninterrupted run writes. Responses are appended to the
// output as each batch finishes: a closed tab or a Ctrl-C loses at most the batch in flight.
import type { FinishReason } from '../../../models/generate';
import { answerMatches } from '../eval/gold';
import type { EvalDoc } from '../eval/tasks';
import type { FileStore } from '../storage/file-store';

export interface TeachSettings {
  /** Divides the logits before softmax; 0 is greedy. */
  temperature: number;
  /** Nucleus sampling: keep the most likely tokens whose probability reaches p. */
  topP: number;
  maxNewTokens: number;
  /** Responses per question. */
  samples: number;
  /** Prompts generated together. */
  batchSize: number;
  seed: number;
  /** Rejection sampling: keep only responses whose final answer matches the gold answer. */
  reject: boolean;
}

/** DeepSeek-R1's recommended sampling (temperature 0.6, top-p 0.95), one response a question. */
export const TEACH_DEFAULTS: TeachSettings = { temperature: 0.6, topP: 0.95, maxNewTokens: 1024, samples: 1, batchSize: 8, seed: 0, reject: false };

/** One response. `question` and `generation` are what the Data step reads; the rest says where it came from. */
export interface TeacherRecord {
  question: string;
  generation: string;
  /** The question's gold answer as its source gave it ("… #### N", or a number). */
  gold: string | number;
  /** The question's position in its source (0-based) and which of its samples this is. */
  id: number;
  sample: number;
  /** Whether the response's final answer matches the gold answer. */
  correct: boolean;
  finish_reason: FinishReason;
}

/** The output folder: kept responses (the distilled data), dropped ones, and the run's settings. */
export const TEACH_FILES = { kept: 'distilled.jsonl', dropped: 'rejected.jsonl', settings: 'teach.json' } as const;

export interface TeachItem {
  doc: EvalDoc;
  sample: number;
}

export const itemKey = (id: number, sample: number) => `${id}/${sample}`;

/** One response as saved, judged against the question's gold answer. */
export function teacherRecord({ doc, sample }: TeachItem, generation: string, finishReason: FinishReason): TeacherRecord {
  return { question: doc.question, generation, gold: doc.gold ?? doc.answer, id: doc.id, sample, correct: answerMatches(generation, doc), finish_reason: finishReason };
}

/** Rejection sampling: with `reject`, responses whose final answer is not the gold one are dropped. */
export function sortResponses(records: TeacherRecord[], reject: boolean): { kept: TeacherRecord[]; dropped: TeacherRecord[] } {
  return reject ? { kept: records.filter((r) => r.correct), dropped: records.filter((r) => !r.correct) } : { kept: records, dropped: [] };
}

/** Every (question, sample) pair, question by question. */
export function workList(docs: EvalDoc[], samples: number): TeachItem[] {
  return docs.flatMap((doc) => Array.from({ length: samples }, (_, sample) => ({ doc, sample })));
}

/** The sampling seed of one response: a hash of (seed, question id, sample). */
export function rowSeed(seed: number, id: number, sample: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (id + 0x632be5ab), 0xc2b2ae35);
  h = Math.imul(h ^ (sample + 0x27d4eb2f), 0x165667b1);
  return (h ^ (h >>> 16)) >>> 0;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export const recordLines = (records: TeacherRecord[]) => encoder.encode(records.map((r) => `${JSON.stringify(r)}\n`).join(''));

/** What earlier runs in this folder already wrote: the pairs done, and how many were kept and dropped. */
export interface TeachProgressSoFar {
  done: Set<string>;
  kept: number;
  dropped: number;
  /** The question each saved id answered, to check that the questions did not change. */
  questions: Map<number, string>;
}

/**
 * Reads the responses already saved. A last line cut short (the process died mid-write) is
 * removed from its file, so its pair is generated again; any other unreadable line is damage
 * that a person must look at.
 */
export async function readSaved(store: FileStore): Promise<TeachProgressSoFar> {
  const saved: TeachProgressSoFar = { done: new Set(), kept: 0, dropped: 0, questions: new Map() };
  for (const name of [TEACH_FILES.kept, TEACH_FILES.dropped]) {
    const bytes = await store.read(name);
    if (!bytes) continue;
    const text = decoder.decode(bytes);
    // Whole lines end in "\n": the last piece is '' or a line cut short.
    const complete = text.split('\n').slice(0, -1);
    if (!text.endsWith('\n') && text !== '') await store.write(name, encoder.encode(complete.map((l) => `${l}\n`).join('')));
    complete.forEach((line, i) => {
      const record = parseSaved(line);
      if (!record) throw new Error(`${store.description}/${name}, line ${i + 1}: not a saved response; the file is damaged. Fix or delete that line, then run again to resume.`);
      saved.done.add(itemKey(record.id, record.sample));
      saved.questions.set(record.id, record.question);
      if (name === TEACH_FILES.kept) saved.kept++;
      else saved.dropped++;
    });
  }
  return saved;
}

function parseSaved(line: string): Pick<TeacherRecord, 'id' | 'sample' | 'question'> | null {
  try {
    const r = JSON.parse(line) as Partial<TeacherRecord>;
    return Number.isInteger(r.id) && Number.isInteger(r.sample) && typeof r.question === 'string' ? { id: r.id!, sample: r.sample!, question: r.question } : null;
  } catch {
    return null;
  }
}
