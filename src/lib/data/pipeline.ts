// Raw distilled data → SFT examples under one strategy, streaming, with a report of what was
// kept, what was dropped and why. Used by the CLI, the data worker and the trainer alike.
import type { TextTokenizer } from '../../../models/tokenizer';
import { describeSource, readRecords, type DataSource, type ReadOptions } from './readers';
import { normalizeRecord, type FieldMap } from './records';
import { ReportBuilder, type DataReport } from './report';
import { buildExample, type StrategyOptions } from './strategies';
import { tokenizeExample, type TokenizedExample, type TokenizeOptions } from './tokenize';
import type { ChatTurn, DistilledRecord, SftExample, StrategyName } from './types';

export interface PipelineOptions extends StrategyOptions {
  strategy: StrategyName;
  fieldMap?: FieldMap;
  read?: ReadOptions;
  /** With a tokenizer, examples are tokenized and lengths reported in tokens. */
  tokenizer?: TextTokenizer | null;
  tokenize?: TokenizeOptions;
  /** Stop after this many kept examples. */
  limit?: number;
}

export interface PipelineItem {
  example: SftExample;
  tokenized?: TokenizedExample;
}

/** Counts, measures and (with a tokenizer) tokenizes one record's example under one strategy. */
export class ExampleBuilder {
  readonly report: ReportBuilder;
  readonly #tokenizer: TextTokenizer | null;

  constructor(
    source: string,
    private readonly opts: Omit<PipelineOptions, 'fieldMap' | 'read' | 'limit'>,
  ) {
    this.#tokenizer = opts.tokenizer ?? null;
    if (this.#tokenizer && !opts.tokenize) throw new Error('sftPipeline: a tokenizer needs tokenize options (style, maxLength)');
    this.report = new ReportBuilder(source, opts.strategy, this.#tokenizer ? 'tokens' : 'chars');
  }

  #size(text: string): number {
    return this.#tokenizer ? this.#tokenizer.encode(text, { addSpecialTokens: false }).length : text.length;
  }

  /** The record's example, or null when it is skipped (the report says why). */
  add(record: DistilledRecord): PipelineItem | null {
    const { report } = this;
    const built = buildExample(record, this.opts.strategy, this.opts);
    if (!built.ok) {
      report.skip(record.line, built.reason);
      return null;
    }
    const example = built.example;
    let tokenized: TokenizedExample | undefined;
    if (this.#tokenizer) {
      const t = tokenizeExample(example, this.#tokenizer, this.opts.tokenize!);
      if (!t.ok) {
        report.skip(record.line, t.reason);
        return null;
      }
      tokenized = t.example;
      if (tokenized.truncated) report.truncate();
      report.measure('prompt', tokenized.promptTokens);
      report.measure('completion', tokenized.completionTokens);
    } else {
      report.measure('prompt', example.context.reduce((n, turn) => n + turn.content.length, 0));
      report.measure('completion', example.completion.length);
    }
    if (built.note) report.note(record.line, built.note);
    if (example.parts.reasoning) report.measure('reasoning', this.#size(example.parts.reasoning));
    if (example.parts.answer) report.measure('answer', this.#size(example.parts.answer));
    return { example, tokenized };
  }
}

/**
 * Streams the kept examples; `report()` describes everything seen so far (call it at the end).
 */
export function sftPipeline(source: DataSource, opts: PipelineOptions): { items: AsyncGenerator<PipelineItem>; report: () => DataReport } {
  const builder = new ExampleBuilder(describeSource(source), opts);
  const report = builder.report;

  async function* items(): AsyncGenerator<PipelineItem> {
    let kept = 0;
    for await (const item of readRecords(source, opts.read)) {
      if (opts.limit !== undefined && kept >= opts.limit) return;
      report.seen();
      if (!item.ok) {
        report.skip(item.line, item.reason);
        continue;
      }
      const normalized = normalizeRecord(item.record, item.line, opts.fieldMap);
      if (!normalized.ok) {
        report.skip(item.line, normalized.reason);
        continue;
      }
      report.format(normalized.format);
      const built = builder.add(normalized.record);
      if (!built) continue;
      kept++;
      yield built;
    }
  }
  return { items: items(), report: () => report.build() };
}

/** A prompt as the CLI writes it and the app shows it: the user turn, with system and earlier turns before it. */
export function contextText(context: readonly ChatTurn[]): string {
  return context.map((turn) => (turn.role === 'user' && turn === context.at(-1) ? turn.content : `${turn.role}: ${turn.content}`)).join('\n\n');
}
