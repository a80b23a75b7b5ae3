// What a data build read, kept, kept with a note and dropped (with line and reason), and how long
// things are.

import type { Noted, RecordFormat, Skipped, StrategyName } from './types';

export interface LengthStats {
  count: number;
  min: number;
  max: number;
  mean: number;
  median: number;
  p95: number;
}

export type MeasuredPart = 'prompt' | 'reasoning' | 'answer' | 'completion';

export interface DataReport {
  source: string;
  strategy: StrategyName;
  /** Records seen, readable or not. */
  read: number;
  kept: number;
  skipped: Skipped[];
  /** Kept records with something taken on trust (e.g. an answer tag never closed). */
  notes: Noted[];
  formats: Partial<Record<RecordFormat, number>>;
  /** Examples cut at max_length (only when tokenized). */
  truncated: number;
  /** Token lengths when a tokenizer was given, else character lengths. */
  unit: 'tokens' | 'chars';
  lengths: Partial<Record<MeasuredPart, LengthStats>>;
}

export function lengthStats(values: number[]): LengthStats {
  if (values.length === 0) return { count: 0, min: 0, max: 0, mean: 0, median: 0, p95: 0 };
  const s = Float64Array.from(values).sort();
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return { count: s.length, min: s[0], max: s[s.length - 1], mean: s.reduce((a, b) => a + b, 0) / s.length, median: at(0.5), p95: at(0.95) };
}

/** "line 3: reason" for the first `shown` skips, then "… and N more skipped". */
export const REPORT_DEFAULTS = {
  /** Skipped lines quoted with their reasons in messages and logs; the report itself keeps all. */
  shownSkips: 5,
};

/** The first `shown` of a list as "line N: text", and how many more there are. */
function describeLines<T extends { line: number }>(items: readonly T[], text: (item: T) => string, more: string, shown: number): string[] {
  const lines = items.slice(0, shown).map((s) => `line ${s.line}: ${text(s)}`);
  if (items.length > shown) lines.push(`… and ${items.length - shown} more ${more}`);
  return lines;
}

export const describeSkips = (skipped: readonly Skipped[], shown = REPORT_DEFAULTS.shownSkips) => describeLines(skipped, (s) => s.reason, 'skipped', shown);

export const describeNotes = (notes: readonly Noted[], shown = REPORT_DEFAULTS.shownSkips) => describeLines(notes, (n) => n.note, 'notes', shown);

/** Collects a report while records stream past. */
export class ReportBuilder {
  private read = 0;
  private readonly skipped: Skipped[] = [];
  private readonly notes: Noted[] = [];
  private readonly formats: Partial<Record<RecordFormat, number>> = {};
  private truncated = 0;
  private readonly lengths: Record<MeasuredPart, number[]> = { prompt: [], reasoning: [], answer: [], completion: [] };

  constructor(
    private readonly source: string,
    private readonly strategy: StrategyName,
    private readonly unit: 'tokens' | 'chars',
  ) {}

  seen(): void {
    this.read++;
  }

  skip(line: number, reason: string): void {
    this.skipped.push({ line, reason });
  }

  note(line: number, note: string): void {
    this.notes.push({ line, note });
  }

  /** The reason of the latest skip ('' when nothing was skipped). */
  lastSkipReason(): string {
    return this.skipped.at(-1)?.reason ?? '';
  }

  format(f: RecordFormat): void {
    this.formats[f] = (this.formats[f] ?? 0) + 1;
  }

  measure(part: MeasuredPart, length: number): void {
    this.lengths[part].push(length);
  }

  truncate(): void {
    this.truncated++;
  }

  build(): DataReport {
    const lengths: Partial<Record<MeasuredPart, LengthStats>> = {};
    for (const [part, values] of Object.entries(this.lengths) as [MeasuredPart, number[]][]) {
      if (values.length) lengths[part] = lengthStats(values);
    }
    return {
      source: this.source,
      strategy: this.strategy,
      read: this.read,
      kept: this.read - this.skipped.length,
      skipped: [...this.skipped].sort((a, b) => a.line - b.line),
      notes: [...this.notes].sort((a, b) => a.line - b.line),
      formats: { ...this.formats },
      truncated: this.truncated,
      unit: this.unit,
      lengths,
    };
  }
}
