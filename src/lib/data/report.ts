// What a data build read, kept and dropped (with line and reason), and how long things are.

import type { RecordFormat, Skipped, StrategyName } from './types';

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

/** Collects a report while records stream past. */
export class ReportBuilder {
  private read = 0;
  private readonly skipped: Skipped[] = [];
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
      formats: { ...this.formats },
      truncated: this.truncated,
      unit: this.unit,
      lengths,
    };
  }
}
