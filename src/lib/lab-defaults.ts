// The app's starting values for each step, sized for the bundled default model (870k parameters)
// so that a workshop laptop gets through a run in minutes. Every field is editable in the page.
import type { TaskName } from './eval/scoring';
import type { StrategyName } from './data/types';

export const DATA_DEFAULTS = {
  /** The synthetic teacher: records, seed, and steps per problem. */
  synthN: 1200,
  synthSeed: 11,
  difficulty: '1-4',
  /** Tokens per example; longer ones are cut. */
  maxLength: 320,
  /** Records read when the data is inspected. */
  inspectLimit: 5000,
};

export const TRAIN_FORM_DEFAULTS = {
  strategy: 'answer' as StrategyName,
  mode: 'full' as 'full' | 'lora',
  epochs: 1,
  /** 0: as many steps as the epochs take. */
  maxSteps: 0,
  learningRate: 1e-3,
  warmupSteps: 10,
  batchSize: 16,
  loraRank: 8,
  /** LoRA's scale is alpha / rank. */
  loraAlpha: 16,
  /** Examples held out for the eval loss, and how often it is measured. */
  evalSize: 32,
  evalEvery: 10,
  checkpointEvery: 10,
  seed: 5,
};

export const EVAL_FORM_DEFAULTS = {
  task: 'chat' as TaskName,
  dataKind: 'synth' as 'synth' | 'hub' | 'url' | 'file',
  synthN: 100,
  synthSeed: 0,
  difficulty: '1-2',
  limit: 100,
  batchSize: 32,
  maxNewTokens: 192,
};

/** "Run the demo": base eval, answer-only fine-tune, eval again, compare. */
export const DEMO_DEFAULTS = {
  trainRecords: 600,
  /** Steps of batch TRAIN_FORM_DEFAULTS.batchSize. */
  trainSteps: 40,
  evalItems: 50,
  maxNewTokens: 160,
};

/** Step charts and the saved run are refreshed at most this often while training. */
export const SAVE_INTERVAL_MS = 2000;
