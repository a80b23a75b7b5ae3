// The data pipeline's shared types: raw records from a reader → a normalized distilled record →
// an SFT example under one strategy → token ids with a loss mask.

export type Role = 'system' | 'user' | 'assistant';

export interface ChatTurn {
  role: Role;
  content: string;
}

/** One item from a reader: a parsed record, or the reason it could not be read. */
export type ReadItem =
  | { ok: true; line: number; record: Record<string, unknown> }
  | { ok: false; line: number; reason: string };

/** A record that was dropped, and why. `line` counts from 1 (JSONL line, array index + 1, Parquet row + 1). */
export interface Skipped {
  line: number;
  reason: string;
}

/** A distilled record in one shape, whatever shape its source used. */
export interface DistilledRecord {
  line: number;
  /** Everything before the target turn: system prompt, earlier turns, and last the user turn. */
  context: ChatTurn[];
  /** The target response as the teacher wrote it (may hold reasoning tags). */
  response: string;
  /** Reasoning given in its own field (OpenAI `reasoning_content`), not inside `response`. */
  reasoning?: string;
  /** The dataset's own reference response (e.g. GSM8K's human solution), for the `original` strategy. */
  original?: string;
  /** A ready-made summary of the reasoning, for `think-summary`. */
  summary?: string;
}

/** Which record shape was detected: flat fields, OpenAI messages, or ShareGPT conversations. */
export type RecordFormat = 'fields' | 'messages' | 'sharegpt';

/** Reasoning and answer, split out of one response. */
export interface SplitResponse {
  /** null when the response has no reasoning part. */
  reasoning: string | null;
  answer: string;
  /** The convention that matched, e.g. "think", "thought/solution"; "none" when no tags. */
  convention: string;
  /** Something taken on trust that the report should show, e.g. an answer tag never closed. */
  note?: string;
}

/** A kept record with something worth a look, and what. `line` counts as in Skipped. */
export interface Noted {
  line: number;
  note: string;
}

export const STRATEGIES = ['original', 'answer', 'think-summary', 'full'] as const;
export type StrategyName = (typeof STRATEGIES)[number];

/** A prompt/completion pair under one strategy, before any chat template. */
export interface SftExample {
  line: number;
  context: ChatTurn[];
  completion: string;
  /** Token-length statistics are reported for these parts when present. */
  parts: { reasoning?: string; answer?: string };
}
