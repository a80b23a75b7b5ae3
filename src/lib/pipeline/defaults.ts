// The pipeline's starting values that are not training hyperparameters (those are TRAIN_DEFAULTS
// in train/config.ts, saved in every checkpoint) nor generation settings of an eval (EVAL_DEFAULTS
// in eval/runner.ts). The CLI, the page and the experiment all start here; the page and the
// experiment then apply BUNDLED_PRESET, which is sized for the bundled default model.
import type { PromptStyle } from '../data/prompt-format';
import type { StrategyName } from '../data/types';
import type { TaskName } from '../eval/scoring';
import type { TrainConfig } from '../train/config';

export type PromptStyleChoice = PromptStyle | 'auto';

export const DATA_DEFAULTS = {
  /** The paper's best strategy on GSM8K (92.2 against 83.7 for the original responses). */
  strategy: 'answer' as StrategyName,
  /** The chat template when the tokenizer has one, else "Question: …\nAnswer:". */
  promptStyle: 'auto' as PromptStyleChoice,
  /** Examples held out for the eval loss. */
  evalSize: 0,
  /** Character budget of the extractive think-summary. */
  summaryChars: 600,
  /** Records read when the data is inspected. */
  inspectLimit: 5000,
};

export const EVAL_DATA_DEFAULTS = {
  task: 'chat' as TaskName,
  /** The synthetic teacher's held-out split. */
  synthN: 200,
  synthSeed: 0,
  /** Synthetic train records in gsm8k's few-shot pool. */
  synthFewshotPool: 200,
};

/**
 * The bundled distill-tiny model's settings (870k parameters, 512-token context): the page's
 * forms, its demo and `npm run experiment` start from these instead of the general defaults.
 */
export const BUNDLED_PRESET = {
  synth: { n: 1200, seed: 11, difficulty: '1-4' },
  train: {
    // A tiny model fine-tuned for a few dozen steps needs ten times the 1e-4 that suits
    // pretrained models of 100M+ parameters.
    learningRate: 1e-3,
    warmupSteps: 10,
    batchSize: 16,
    // Synthetic prompts and answers fit in 320 tokens; shorter rows train faster.
    maxLength: 320,
    seed: 5,
  } satisfies Partial<TrainConfig>,
  eval: {
    synthN: 100,
    difficulty: '1-2',
    // Small models decode fastest in wide batches on wasm; a 32-row KV cache is a few MB.
    batchSize: 32,
    // Answer-only completions of synthetic problems stay under 150 tokens.
    maxNewTokens: 192,
  },
};
