// A look at a data file before training on it: what format it is, which lines were skipped and
// why, the first records under every strategy side by side, and histograms of their lengths.
// One pass over the (first `limit`) records; what the app's Data step shows.
import { rememberEncodings, type TextTokenizer } from '../../../models/tokenizer';
import { contextText, ExampleBuilder } from './pipeline';
import type { PromptStyle } from './prompt-format';
import { describeSource, readRecords, type DataSource } from './readers';
import { normalizeRecord, type FieldMap } from './records';
import { splitRecord } from './split';
import { summarizeReasoning } from './summarize';
import type { DataReport } from './report';
import { STRATEGIES, type RecordFormat, type Skipped, type StrategyName } from './types';

export const INSPECT_DEFAULTS = { limit: 5000, previewCount: 8, bins: 20 };

export interface InspectOptions {
  /** Lengths in tokens with a tokenizer, else in characters. */
  tokenizer: TextTokenizer | null;
  style: PromptStyle;
  maxLength: number;
  fieldMap?: FieldMap;
  /** Records read at most. */
  limit?: number;
  previewCount?: number;
  bins?: number;
}

/** counts[i] values fall in [edges[i], edges[i + 1]); the last bin also holds its upper edge. */
export interface Histogram {
  edges: number[];
  counts: number[];
}

/** The completion one strategy trains on, or why that strategy skips the record. */
export type StrategyView = { completion: string } | { skipped: string };

export interface PreviewRecord {
  line: number;
  /** The user turn (with any system prompt or earlier turns before it). */
  prompt: string;
  views: Record<StrategyName, StrategyView>;
  /**
   * The reasoning's two summaries, side by side: the extractive rules' (null without reasoning)
   * and the record's own `summary` (a model summarizer's; null when it has none). think-summary
   * trains on the record's own when there is one.
   */
  summaries: { extractive: string | null; given: string | null };
}

export interface DataInspection {
  source: string;
  /** Records looked at; `complete` is false when the file has more than `limit`. */
  read: number;
  complete: boolean;
  formats: Partial<Record<RecordFormat, number>>;
  /** Lines no strategy can use: unreadable, or not a recognisable record. */
  unreadable: Skipped[];
  reports: Record<StrategyName, DataReport>;
  preview: PreviewRecord[];
  unit: 'tokens' | 'chars';
  /** Prompt lengths (the same under every strategy); completion lengths per strategy, on shared bins. */
  promptLengths: Histogram;
  completionLengths: Record<StrategyName, Histogram>;
}

/** Equal-width bins over [min, max] of all `series` together, so their histograms line up. */
export function histograms(series: number[][], bins: number): Histogram[] {
  const all = series.flat();
  if (all.length === 0) return series.map(() => ({ edges: [0, 1], counts: [0] }));
  const lo = all.reduce((a, b) => Math.min(a, b));
  const hi = all.reduce((a, b) => Math.max(a, b));
  const width = Math.max(1, Math.ceil((hi - lo + 1) / bins));
  const n = Math.ceil((hi - lo + 1) / width);
  const edges = Array.from({ length: n + 1 }, (_, i) => lo + i * width);
  return series.map((values) => {
    const counts = new Array<number>(n).fill(0);
    for (const v of values) counts[Math.min(n - 1, Math.floor((v - lo) / width))]++;
    return { edges, counts };
  });
}

export async function inspectData(source: DataSource, opts: InspectOptions): Promise<DataInspection> {
  const limit = opts.limit ?? INSPECT_DEFAULTS.limit;
  const previewCount = opts.previewCount ?? INSPECT_DEFAULTS.previewCount;
  const name = describeSource(source);
  const tokenize = { style: opts.style, maxLength: opts.maxLength };
  // The strategies of one record share its prompt, answer and reasoning: each is encoded once.
  const tokenizer = opts.tokenizer && rememberEncodings(opts.tokenizer);
  const builders = Object.fromEntries(STRATEGIES.map((s) => [s, new ExampleBuilder(name, { strategy: s, tokenizer, tokenize })])) as Record<StrategyName, ExampleBuilder>;
  const prompts: number[] = [];
  const completions = Object.fromEntries(STRATEGIES.map((s) => [s, [] as number[]])) as Record<StrategyName, number[]>;
  const formats: Partial<Record<RecordFormat, number>> = {};
  const unreadable: Skipped[] = [];
  const preview: PreviewRecord[] = [];
  let read = 0;
  let complete = true;

  for await (const item of readRecords(source)) {
    if (read >= limit) {
      complete = false;
      break;
    }
    read++;
    tokenizer?.forget();
    for (const b of Object.values(builders)) b.report.seen();
    const normalized = item.ok ? normalizeRecord(item.record, item.line, opts.fieldMap) : item;
    if (!normalized.ok) {
      unreadable.push({ line: item.line, reason: normalized.reason });
      for (const b of Object.values(builders)) b.report.skip(item.line, normalized.reason);
      continue;
    }
    formats[normalized.format] = (formats[normalized.format] ?? 0) + 1;
    const views = {} as Record<StrategyName, StrategyView>;
    let promptLength: number | null = null;
    for (const strategy of STRATEGIES) {
      const builder = builders[strategy];
      builder.report.format(normalized.format);
      const built = builder.add(normalized.record);
      if (!built) {
        views[strategy] = { skipped: builder.report.lastSkipReason() };
        continue;
      }
      const { example, tokenized } = built;
      views[strategy] = { completion: example.completion };
      completions[strategy].push(tokenized ? tokenized.completionTokens : example.completion.length);
      promptLength ??= tokenized ? tokenized.promptTokens : contextText(example.context).length;
    }
    if (promptLength !== null) prompts.push(promptLength);
    if (preview.length < previewCount) {
      const split = splitRecord(normalized.record);
      const reasoning = split.ok ? split.split.reasoning : null;
      const summaries = { extractive: reasoning ? summarizeReasoning(reasoning) : null, given: normalized.record.summary ?? null };
      preview.push({ line: item.line, prompt: contextText(normalized.record.context), views, summaries });
    }
  }
  const bins = opts.bins ?? INSPECT_DEFAULTS.bins;
  const [promptLengths] = histograms([prompts], bins);
  const perStrategy = histograms(STRATEGIES.map((s) => completions[s]), bins);
  return {
    source: name,
    read,
    complete,
    formats,
    unreadable,
    reports: Object.fromEntries(STRATEGIES.map((s) => [s, builders[s].report.build()])) as Record<StrategyName, DataReport>,
    preview,
    unit: opts.tokenizer ? 'tokens' : 'chars',
    promptLengths,
    completionLengths: Object.fromEntries(STRATEGIES.map((s, i) => [s, perStrategy[i]])) as Record<StrategyName, Histogram>,
  };
}
