// Builds one SFT example from a distilled record under one of the paper's data strategies.
import { splitRecord, type SplitOptions } from './split';
import { summarizeReasoning, type SummaryOptions } from './summarize';
import type { DistilledRecord, SftExample, SplitResponse, StrategyName } from './types';

export interface StrategyOptions extends SplitOptions, SummaryOptions {}

/** `note`: what the splitter took on trust (e.g. an answer tag never closed), for the report. */
export type Built = { ok: true; example: SftExample; note?: string } | { ok: false; reason: string };

export function buildExample(record: DistilledRecord, strategy: StrategyName, opts: StrategyOptions = {}): Built {
  const example = (completion: string, parts: SftExample['parts'], note?: string): Built => ({
    ok: true,
    example: { line: record.line, context: record.context, completion, parts },
    ...(note && { note }),
  });
  const split = splitRecord(record, opts);
  if (strategy === 'original') {
    // The dataset's own response, unchanged: the paper's baseline. Its parts are known only when it
    // is the teacher's response and that splits cleanly.
    if (record.original !== undefined) return example(record.original, {});
    return split.ok ? example(record.response, partsOf(split.split), split.split.note) : example(record.response, {});
  }
  if (!split.ok) return split;
  const { reasoning, answer, note } = split.split;
  switch (strategy) {
    case 'answer':
      return example(answer, { answer }, note);
    case 'think-summary': {
      const given = record.summary?.trim();
      if (!given && reasoning === null) return { ok: false, reason: 'no reasoning to summarize' };
      const summary = given || summarizeReasoning(reasoning ?? '', opts);
      if (!summary) return { ok: false, reason: 'the reasoning summary is empty: only hesitation and re-checks were found' };
      return example(`${summary}\n\n${answer}`, { reasoning: summary, answer }, note);
    }
    case 'full':
      if (reasoning === null) return { ok: false, reason: 'no reasoning to keep' };
      // One convention for every source, so the student learns a single way to mark its thinking.
      return example(`<think>\n${reasoning}\n</think>\n\n${answer}`, { reasoning, answer }, note);
  }
}

function partsOf({ reasoning, answer }: SplitResponse): SftExample['parts'] {
  return reasoning === null ? { answer } : { reasoning, answer };
}
