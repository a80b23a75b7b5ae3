// What the three Hugging Face-based trainers (axolotl, TRL, LLaMA-Factory) share when our run's
// settings are written for them: the schedule's name, how warmup and length are given, and the
// settings none of them has.
import type { TrainConfig } from '../train/config';

/** Our schedule as transformers' SchedulerType; cosine to a floor is cosine_with_min_lr. */
export function schedulerName(c: TrainConfig): string {
  if (c.schedule === 'cosine') return c.minLrRatio > 0 ? 'cosine_with_min_lr' : 'cosine';
  return c.schedule === 'linear' ? 'linear' : 'constant_with_warmup';
}

/** Steps when the run gave them, else the ratio (0.05 of the steps by default). */
export const warmup = (c: TrainConfig): { steps: number } | { ratio: number } => (c.warmupSteps > 0 ? { steps: c.warmupSteps } : { ratio: c.warmupRatio });

/** Rows per micro-batch: the run's, or what its token budget held at its length limit. */
export const microBatch = (c: TrainConfig): number => (c.batchTokens > 0 ? Math.max(1, Math.floor(c.batchTokens / c.maxLength)) : c.batchSize);

/** max_steps when the run set them, else the epochs. */
export const length = (c: TrainConfig): { maxSteps: number } | { epochs: number } => (c.maxSteps > 0 ? { maxSteps: c.maxSteps } : { epochs: c.epochs });

/** Settings of the run that the HF trainers cannot reproduce, in words, for a comment in each file. */
export function notMapped(c: TrainConfig, revision?: string): string[] {
  const out = [
    `data order: ours shuffles with our own RNG (seed ${c.seed}); theirs shuffles with torch's, so the same seed gives another order`,
    'initial LoRA and dropout draws come from our RNG, not torch\'s',
  ];
  if (c.batchTokens > 0) out.push(`batchTokens ${c.batchTokens}: micro-batches of at most that many tokens; these trainers batch by rows (${microBatch(c)} rows of ${c.maxLength} here)`);
  if (c.schedule === 'linear' && c.minLrRatio > 0) out.push(`minLrRatio ${c.minLrRatio} with the linear schedule: theirs decays to 0`);
  if (revision) out.push(`the model's revision ${revision}: pin it where you download the model`);
  if (c.packing) out.push('packing: our best-fit bins differ from theirs (attention stays inside each example in both, given the setting below)');
  out.push(`maxNonFiniteSteps ${c.maxNonFiniteSteps}: ours stops after that many non-finite steps in a row; theirs go on`);
  out.push(`lossChunkRows ${c.lossChunkRows}: how many rows of logits ours computes at once; memory only, the loss is the same`);
  return out;
}
