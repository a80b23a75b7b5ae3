// Training data from a file: read, build the strategy, tokenize, and hold out an eval split.
// One function for the CLI and the training worker.
import type { TextTokenizer } from '../../../models/tokenizer';
import { sftPipeline, type PipelineItem } from '../data/pipeline';
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

/**
 * The strategy's examples, tokenized, in file order: what training (and an exported recipe)
 * starts from. Records the strategy or the length limit rules out are left out and reported.
 */
export async function sftExamples(source: DataSource, opts: Omit<PrepareOptions, 'evalSize' | 'seed'>): Promise<{ items: PipelineItem[]; report: DataReport }> {
  const pipeline = sftPipeline(source, {
    strategy: opts.strategy,
    fieldMap: opts.fieldMap,
    tokenizer: opts.tokenizer,
    tokenize: { style: opts.style, maxLength: opts.maxLength },
    limit: opts.limit,
  });
  const items: PipelineItem[] = [];
  for await (const item of pipeline.items) items.push(item);
  return { items, report: pipeline.report() };
}

/** A seeded choice of held-out examples: the same ones for the same examples and seed. */
export function holdOut<T>(items: T[], evalSize: number, seed: number, source: string): { train: T[]; eval: T[] } {
  if (evalSize >= items.length && evalSize > 0) throw new Error(`${source}: ${items.length} usable examples, too few to hold out ${evalSize} for evaluation`);
  const held = new Set(epochOrder(items.length, seed, -1).slice(0, evalSize));
  return { train: items.filter((_, i) => !held.has(i)), eval: items.filter((_, i) => held.has(i)) };
}

export async function prepareTrainingData(source: DataSource, opts: PrepareOptions): Promise<{ data: TrainData; report: DataReport }> {
  const { items, report } = await sftExamples(source, opts);
  const examples: TokenizedExample[] = items.map((item) => item.tokenized!);
  return { data: holdOut(examples, opts.evalSize, opts.seed, report.source), report };
}
