// Every number a training run uses, with its default: one object, saved in every checkpoint.
import { LORA_DEFAULTS, type LoraConfig } from '../../../models/lora-config';

export type Schedule = 'cosine' | 'linear' | 'constant';

export interface TrainConfig {
  /** Full fine-tuning, or LoRA adapters beside frozen weights. */
  mode: 'full' | 'lora';
  lora: LoraConfig;
  learningRate: number;
  /** Decoupled weight decay (AdamW); not applied to norms and biases. */
  weightDecay: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  schedule: Schedule;
  /** Warmup steps; when 0, warmupRatio × total steps. */
  warmupSteps: number;
  warmupRatio: number;
  /** The schedule decays to learningRate × minLrRatio. */
  minLrRatio: number;
  /** Global gradient-norm clip; 0 turns clipping off. */
  maxGradNorm: number;
  /** Micro-batches summed into one optimizer step. */
  gradAccumSteps: number;
  /** Rows per micro-batch (when batchTokens is 0). */
  batchSize: number;
  /**
   * When > 0: micro-batches hold at most this many tokens, counted as rows × their longest (padded
   * or not, so that a padding-free run takes the same examples per step), instead of batchSize rows.
   */
  batchTokens: number;
  /** Passes over the data, unless maxSteps is set. */
  epochs: number;
  /** Optimizer steps; 0 = derive from epochs. */
  maxSteps: number;
  maxLength: number;
  /** Pack several examples per row (best-fit decreasing), attention kept inside each. */
  packing: boolean;
  /**
   * Lay each micro-batch's examples end to end in one row, with no padding, each attending only
   * within itself (TRL's padding_free): the same examples per step and the same loss, fewer tokens.
   */
  paddingFree: boolean;
  /** Put rows of similar length in the same micro-batch (transformers' group_by_length): less padding when paddingFree is off. */
  groupByLength: boolean;
  seed: number;
  /** Evaluate the held-out loss every N steps (0 = never). */
  evalEvery: number;
  /** Save a checkpoint every N steps (0 = only on pause and at the end). */
  checkpointEvery: number;
  /** Rows of logits computed at once in the loss. */
  lossChunkRows: number;
  /** Recompute each block in the backward pass instead of keeping its activations. */
  gradientCheckpointing: boolean;
  /** Stop after this many non-finite steps in a row. */
  maxNonFiniteSteps: number;
}

export const TRAIN_DEFAULTS: TrainConfig = {
  mode: 'full',
  lora: LORA_DEFAULTS,
  learningRate: 1e-4,
  weightDecay: 0.01,
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-8,
  schedule: 'cosine',
  warmupSteps: 0,
  warmupRatio: 0.05,
  minLrRatio: 0,
  maxGradNorm: 1,
  gradAccumSteps: 1,
  batchSize: 8,
  batchTokens: 0,
  epochs: 1,
  maxSteps: 0,
  maxLength: 512,
  packing: false,
  paddingFree: true,
  groupByLength: false,
  seed: 0,
  evalEvery: 0,
  checkpointEvery: 0,
  lossChunkRows: 256,
  gradientCheckpointing: false,
  maxNonFiniteSteps: 3,
};

export function trainConfig(overrides: Partial<TrainConfig> = {}): TrainConfig {
  const c = { ...TRAIN_DEFAULTS, ...overrides, lora: { ...TRAIN_DEFAULTS.lora, ...overrides.lora } };
  const positive: (keyof TrainConfig)[] = ['learningRate', 'gradAccumSteps', 'maxLength', 'lossChunkRows', 'maxNonFiniteSteps'];
  for (const key of positive) if (!((c[key] as number) > 0)) throw new Error(`training config: ${key} must be positive, got ${c[key]}`);
  if (c.batchTokens === 0 && !(c.batchSize > 0)) throw new Error(`training config: batchSize must be positive, got ${c.batchSize}`);
  if (c.maxSteps === 0 && !(c.epochs > 0)) throw new Error('training config: give epochs or maxSteps');
  if (c.batchTokens > 0 && c.batchTokens < c.maxLength) {
    throw new Error(`training config: batchTokens (${c.batchTokens}) must hold at least one row of maxLength (${c.maxLength}) tokens`);
  }
  return c;
}
