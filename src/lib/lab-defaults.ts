// The page's starting values for each step: the pipeline's defaults (pipeline/defaults.ts and
// TRAIN_DEFAULTS) with the bundled model's preset applied, so that a workshop laptop gets
// through a run in minutes. Every field is editable in the page. Values the page alone has say
// why beside them.
import { BUNDLED_PRESET, DATA_DEFAULTS, EVAL_DATA_DEFAULTS } from './pipeline/defaults';
import { SUMMARIZER_DEFAULTS } from './teach/summarizer';
import { TEACH_DEFAULTS } from './teach/teacher';
import { TRAIN_DEFAULTS } from './train/config';

export const DATA_FORM_DEFAULTS = {
  synthN: BUNDLED_PRESET.synth.n,
  synthSeed: BUNDLED_PRESET.synth.seed,
  difficulty: BUNDLED_PRESET.synth.difficulty,
  // None: the page works offline, and GSM8K's items come from the hub (the experiment adds 1,936).
  gsm8kItems: 0,
  // None: the records are the template families' (the experiment tells 0.39 of the one- and
  // two-step ones as stories told with everyday verbs).
  verbStories: 0,
  /** Tokens per example; longer ones are cut. */
  maxLength: BUNDLED_PRESET.train.maxLength,
  inspectLimit: DATA_DEFAULTS.inspectLimit,
};

export const TRAIN_FORM_DEFAULTS = {
  strategy: DATA_DEFAULTS.strategy,
  mode: TRAIN_DEFAULTS.mode,
  epochs: TRAIN_DEFAULTS.epochs,
  /** 0: as many steps as the epochs take. */
  maxSteps: TRAIN_DEFAULTS.maxSteps,
  learningRate: BUNDLED_PRESET.train.learningRate,
  warmupSteps: BUNDLED_PRESET.train.warmupSteps,
  batchSize: BUNDLED_PRESET.train.batchSize,
  loraRank: TRAIN_DEFAULTS.lora.rank,
  /** LoRA's scale is alpha / rank. */
  loraAlpha: TRAIN_DEFAULTS.lora.alpha,
  // The page draws an eval-loss curve beside the training loss, so it holds out a few examples
  // (the CLI holds out none unless asked).
  evalSize: 32,
  evalEvery: 10,
  // A closed tab loses at most this many steps (the CLI checkpoints on Ctrl-C instead).
  checkpointEvery: 10,
  seed: BUNDLED_PRESET.train.seed,
};

export const EVAL_FORM_DEFAULTS = {
  task: EVAL_DATA_DEFAULTS.task,
  dataKind: 'synth' as 'synth' | 'hub' | 'url' | 'file',
  synthN: BUNDLED_PRESET.eval.synthN,
  synthSeed: EVAL_DATA_DEFAULTS.synthSeed,
  difficulty: BUNDLED_PRESET.eval.difficulty,
  // All of the synthetic set; a limit keeps GSM8K from the hub (1,319 items) to minutes.
  limit: 100,
  batchSize: BUNDLED_PRESET.eval.batchSize,
  maxNewTokens: BUNDLED_PRESET.eval.maxNewTokens,
};

/** The Data step's teacher: the loaded model answers questions. */
export const TEACH_FORM_DEFAULTS = {
  questionsKind: 'synth' as 'synth' | 'hub' | 'url' | 'file',
  // A few minutes on a laptop with the bundled model; a 1.5B teacher on WebGPU wants fewer.
  synthN: 64,
  synthSeed: BUNDLED_PRESET.synth.seed,
  difficulty: BUNDLED_PRESET.synth.difficulty,
  /** Questions read from the hub or a file. */
  limit: 64,
  temperature: TEACH_DEFAULTS.temperature,
  topP: TEACH_DEFAULTS.topP,
  samples: TEACH_DEFAULTS.samples,
  seed: TEACH_DEFAULTS.seed,
  reject: TEACH_DEFAULTS.reject,
  // The bundled model's answers are short; a reasoning model needs thousands.
  maxNewTokens: BUNDLED_PRESET.eval.maxNewTokens,
  batchSize: BUNDLED_PRESET.eval.batchSize,
};

/** The Data step's model summarizer (think-summary with a model). */
export const SUMMARIZE_FORM_DEFAULTS = { ...SUMMARIZER_DEFAULTS };

/** "Run the demo": base eval, answer-only fine-tune, eval again, compare. */
export const DEMO_DEFAULTS = {
  // Sized to finish in under 3 minutes on a 2-core laptop (wasm, Chromium, 2026-12-07: 138–150 s,
  // the bundled model 0% → 62% on the 50 held-out items). More steps learn more but leave less of
  // the 3 minutes: 264 steps on 4,224 records scored 64% in 151–169 s, 288 on 4,608 70% in 173–182
  // s (README, "What works today").
  trainRecords: 3840,
  /** Steps of batch TRAIN_FORM_DEFAULTS.batchSize. */
  trainSteps: 240,
  evalItems: 50,
  maxNewTokens: 160,
  // Not in the demo's form. The Data step's inspection tokenizes every record under all four
  // strategies (3,840 records: 9 s on this machine); its histograms and preview read the first
  // ones, and training still reads them all.
  inspectRecords: 640,
  // Points on the eval-loss curve: each costs about two-thirds of a training step (32 examples,
  // forward only), so a point every 10 of 240 steps spent 10–13 s of the demo's 3 minutes.
  evalPoints: 8,
};

/** Step charts and the saved run are refreshed at most this often while training. */
export const SAVE_INTERVAL_MS = 2000;
