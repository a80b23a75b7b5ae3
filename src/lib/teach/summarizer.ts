// The paper's think-summary: a loaded model, prompted to summarize a teacher's reasoning (beside
// the rule-based extractive summary in data/summarize.ts). Summaries are cached by content, so the
// same reasoning, model, prompt and length are never summarized twice, and a stopped run resumes
// from the cache.
import type { FileStore } from '../storage/file-store';

export interface SummarizerSettings {
  /** The instruction; {reasoning} is replaced by the reasoning and {question} by the question. */
  prompt: string;
  maxNewTokens: number;
  /** Reasoning traces summarized together. */
  batchSize: number;
}

export const SUMMARIZER_DEFAULTS: SummarizerSettings = {
  prompt:
    'Summarize the reasoning below in a few sentences. Keep the steps that lead to the answer, with their numbers; ' +
    'leave out hesitation, re-checks and wrong turns.\n\nQuestion: {question}\n\nReasoning:\n{reasoning}',
  maxNewTokens: 256,
  batchSize: 8,
};

/** The summary request for one trace: the prompt with its placeholders filled. */
export function summaryRequest(prompt: string, question: string, reasoning: string): string {
  return prompt.replaceAll('{question}', question).replaceAll('{reasoning}', reasoning);
}

/** The cache file, in the cache's own folder (shared by every summarizer run). */
export const SUMMARY_CACHE_FILE = 'summaries.jsonl';

/** The summarized records a summarizer run writes, in its output folder. */
export const SUMMARIZED_FILE = 'summarized.jsonl';

interface CacheLine {
  key: string;
  summary: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** SHA-256 (hex) of what a summary depends on: the model (with its prompt style), the filled prompt and the length limit. */
export async function summaryKey(model: string, request: string, maxNewTokens: number): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', encoder.encode(JSON.stringify([model, request, maxNewTokens])));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Summaries by key, read from a cache folder; new ones are appended as each batch finishes. */
export class SummaryCache {
  private constructor(
    private readonly store: FileStore,
    private readonly entries: Map<string, string>,
  ) {}

  /** A line cut short by a crash is ignored (its summary is made again). */
  static async open(store: FileStore): Promise<SummaryCache> {
    const entries = new Map<string, string>();
    const bytes = await store.read(SUMMARY_CACHE_FILE);
    for (const line of bytes ? decoder.decode(bytes).split('\n') : []) {
      try {
        const { key, summary } = JSON.parse(line) as CacheLine;
        if (typeof key === 'string' && typeof summary === 'string') entries.set(key, summary);
      } catch {
        // the cut line, or the empty piece after the last "\n"
      }
    }
    return new SummaryCache(store, entries);
  }

  get(key: string): string | undefined {
    return this.entries.get(key);
  }

  get size(): number {
    return this.entries.size;
  }

  async add(lines: CacheLine[]): Promise<void> {
    if (lines.length === 0) return;
    // A line starts afresh after a crash left half of one.
    await this.store.append(SUMMARY_CACHE_FILE, encoder.encode(lines.map((l) => `\n${JSON.stringify(l)}`).join('') + '\n'));
    for (const { key, summary } of lines) this.entries.set(key, summary);
  }
}
