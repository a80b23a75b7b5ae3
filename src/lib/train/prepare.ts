// Training data from a file: read, build the strategy, tokenize, and hold out an eval split.
// One function for the CLI and the training worker.
import type { TextTokenizer } from '../../../models/tokenizer';
import { sftPipeline } from '../data/pipeline';
import type { PromptStyle } from '../data/prompt-format';
import type { DataSource } from '../data/readers';
import type { FieldMap } from '../data/records';
import type { DataReport } from '../data/report';
import type { TokenizedExample } from '../data/tokenize';
import type { StrategyName } from '../data/types';
import { epochOrder } from './batches';
import type { TrainData } from './trainer';

export interface PrepareOptions {
  strategy: StrategyName;
  tokenizer: TextTokenizer;
  style: PromptStyle;
  maxLength: number;
  /** Examples held out for the eval loss; 0 for none. */
  evalSize: number;
  seed: number;
  fieldMap?: FieldMap;
  limit?: number;
}

export async function prepareTrainingData(source: DataSource, opts: PrepareOptions): Promise<{ data: TrainData; report: DataReport }> {
  const pipeline = sftPipeline(source, {
    strategy: opts.strategy,
    fieldMap: opts.fieldMap,
    tokenizer: opts.tokenizer,
    tokenize: { style: opts.style, maxLength: opts.maxLength },
    limit: opts.limit,
  });
  const examples: TokenizedExample[] = [];
  for await (const item of pipeline.items) examples.push(item.tokenized!);
  const report = pipeline.report();
  if (opts.evalSize >= examples.length && opts.evalSize > 0) {
    throw new Error(`${report.source}: ${examples.length} usable examples, too few to hold out ${opts.evalSize} for evaluation`);
  }
  // A seeded choice of held-out examples, the same for the same data and seed.
  const held = new Set(epochOrder(examples.length, opts.seed, -1).slice(0, opts.evalSize));
  return {
    data: { train: examples.filter((_, i) => !held.has(i)), eval: examples.filter((_, i) => held.has(i)) },
    report,
  };
}
