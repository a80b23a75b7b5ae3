// Raw distilled data → SFT examples under one strategy, streaming, with a report of what was
// kept, what was dropped and why. Used by the CLI, the data worker and the trainer alike.
import type { TextTokenizer } from '../../../models/tokenizer';
import { describeSource, readRecords, type DataSource, type ReadOptions } from './readers';
import { normalizeRecord, type FieldMap } from './records';
import { ReportBuilder, type DataReport } from './report';
import { buildExample, type StrategyOptions } from './strategies';
import { tokenizeExample, type TokenizedExample, type TokenizeOptions } from './tokenize';
import type { SftExample, StrategyName } from './types';

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

/**
 * Streams the kept examples; `report()` describes everything seen so far (call it at the end).
 */
export function sftPipeline(source: DataSource, opts: PipelineOptions): { items: AsyncGenerator<PipelineItem>; report: () => DataReport } {
  const tokenizer = opts.tokenizer ?? null;
  if (tokenizer && !opts.tokenize) throw new Error('sftPipeline: a tokenizer needs tokenize options (style, maxLength)');
  const report = new ReportBuilder(describeSource(source), opts.strategy, tokenizer ? 'tokens' : 'chars');
  const size = (text: string) => (tokenizer ? tokenizer.encode(text, { addSpecialTokens: false }).length : text.length);

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
      const built = buildExample(normalized.record, opts.strategy, opts);
      if (!built.ok) {
        report.skip(item.line, built.reason);
        continue;
      }
      const example = built.example;
      let tokenized: TokenizedExample | undefined;
      if (tokenizer) {
        const t = tokenizeExample(example, tokenizer, opts.tokenize!);
        if (!t.ok) {
          report.skip(item.line, t.reason);
          continue;
        }
        tokenized = t.example;
        if (tokenized.truncated) report.truncate();
        report.measure('prompt', tokenized.promptTokens);
        report.measure('completion', tokenized.completionTokens);
      } else {
        report.measure('prompt', example.context.reduce((n, turn) => n + turn.content.length, 0));
        report.measure('completion', example.completion.length);
      }
      if (example.parts.reasoning) report.measure('reasoning', size(example.parts.reasoning));
      if (example.parts.answer) report.measure('answer', size(example.parts.answer));
      kept++;
      yield { example, tokenized };
    }
  }
  return { items: items(), report: () => report.build() };
}

/** The prompt as the CLI writes it: the user turn, with system and earlier turns before it. */
export function promptText(example: SftExample): string {
  return example.context
    .map((turn) => (turn.role === 'user' && turn === example.context.at(-1) ? turn.content : `${turn.role}: ${turn.content}`))
    .join('\n\n');
}
