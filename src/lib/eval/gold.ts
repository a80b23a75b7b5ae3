// A doc's gold answer: GSM8K's full solution ("… #### N"), or a number, as PAL's releases
// ({"input", "target"}: GSM-Hard, SVAMP, ASDiv, MAWPS) and SVAMP's own file ({"Answer"}) give it;
// and whether a completion's final answer equals it (the teacher's rejection sampling).
import { scoreCompletion } from './scoring';
import type { EvalDoc } from './tasks';

/** gsm8k: scored by exact_match alone, as the harness does; number: by value as well. */
export type GoldKind = 'gsm8k' | 'number';

const ANSWER_LINE = /####\s*(-?[\d,.]+)\s*$/;
// A number as text: a sign, digits, decimals. Commas only between groups of three ("1,234"; "1,5"
// may be a decimal comma, so it is refused). No exponents, units or currency signs.
const NUMBER_TEXT = /^[+-]?(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+)$/;

export type ParsedGold = { ok: true; answer: string; gold?: number } | { ok: false; reason: string };

/**
 * A record's answer as a doc's `answer` and `gold`: a GSM8K solution as it is; a number as `gold`,
 * with its text as `answer`, the reference exact_match compares with: a string as written ("3.50",
 * "1,234"), a JSON number as its shortest decimal ("42" for 42.0, "2.5").
 */
export function parseGold(value: string | number, field: string): ParsedGold {
  if (typeof value === 'number') {
    return Number.isFinite(value) ? { ok: true, answer: String(value), gold: value } : { ok: false, reason: `"${field}" is ${value}; a gold number must be finite (42, -3.5)` };
  }
  if (ANSWER_LINE.test(value)) return { ok: true, answer: value };
  const text = value.trim();
  if (NUMBER_TEXT.test(text)) return { ok: true, answer: text, gold: Number(text.replaceAll(',', '')) };
  return { ok: false, reason: `"${field}" does not end with "#### N", the GSM8K answer line, and is not a number either (42, -3.5, 1,234)` };
}

export const goldKind = (doc: { gold?: number }): GoldKind => (doc.gold === undefined ? 'gsm8k' : 'number');

/** The one kind of gold a set of docs has (loadEvalDocs never mixes them). */
export function goldKindOf(docs: readonly EvalDoc[]): GoldKind {
  const kinds = new Set(docs.map(goldKind));
  if (kinds.size > 1) throw new Error('the eval items mix GSM8K solutions and numeric gold answers, which are scored differently: evaluate them as two sets');
  return kinds.has('number') ? 'number' : 'gsm8k';
}

const KIND_TEXT: Record<GoldKind, string> = { gsm8k: 'a GSM8K solution', number: 'a number' };

/** Holds an eval set to one kind of gold answer, its first item's: the two are scored differently. */
export class OneGoldKind {
  kind: GoldKind | undefined;
  #firstLine = 0;

  /** null when the item's gold is of the set's kind, else why it is left out. */
  check(gold: { gold?: number }, field: string, line: number): string | null {
    const kind = goldKind(gold);
    if (this.kind === undefined) [this.kind, this.#firstLine] = [kind, line];
    if (kind === this.kind) return null;
    return `"${field}" is ${KIND_TEXT[kind]} but line ${this.#firstLine}'s is ${KIND_TEXT[this.kind]}: one eval set holds one kind of gold answer; split the file`;
  }
}

/**
 * Whether the completion's final answer by the chat task's rules ("#### N", \boxed{}, "The answer
 * is", the last number) equals the doc's gold: as exact_match for a GSM8K solution, within
 * NUMERIC_TOLERANCE for a numeric gold.
 */
export function answerMatches(completion: string, doc: EvalDoc): boolean {
  const { answer } = scoreCompletion('chat', completion, doc.answer, doc.gold);
  return (doc.gold === undefined ? answer?.exact : answer?.numeric) === 1;
}
