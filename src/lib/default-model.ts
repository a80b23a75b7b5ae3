// The bundled default model: what `npm run pretrain-default` makes and the app opens on. One
// definition of its shape and recipe, read by the script, the experiment and the tests.
import type { PretrainMix } from './data/synth';

export const DEFAULT_MODEL_NAME = 'distill-tiny';
/** Where the app fetches it (served from public/). */
export const DEFAULT_MODEL_URL_PATH = `/models/${DEFAULT_MODEL_NAME}/`;
/** Where it lives in the repo. */
export const DEFAULT_MODEL_DIR = `public/models/${DEFAULT_MODEL_NAME}`;

/** The first phase's optimizer and rows; the second phase changes only its rate, warmup and steps. */
const PRETRAIN_TRAIN = {
  learningRate: 2e-3,
  warmupSteps: 60,
  schedule: 'cosine' as const,
  minLrRatio: 0.1,
  weightDecay: 0.1,
  batchSize: 16,
  maxLength: 256,
  packing: true,
  maxSteps: 3600,
  checkpointEvery: 50,
};

export const DEFAULT_MODEL_RECIPE = {
  seed: 7,
  tokenizer: { vocabSize: 1024, corpusDocs: 20000 },
  /** Pretraining documents (synth's pretrainCorpus, mixed as PRETRAIN_MIX says): no question with its answer. */
  corpus: { docs: 200000 },
  architecture: {
    hidden_size: 128,
    intermediate_size: 352,
    num_hidden_layers: 4,
    num_attention_heads: 4,
    num_key_value_heads: 2,
    max_position_embeddings: 512,
    rms_norm_eps: 1e-5,
    rope_theta: 10000,
    tie_word_embeddings: true,
  },
  train: PRETRAIN_TRAIN,
  /**
   * A second phase on the first one's weights: fresh text (its own seed) with more arithmetic facts
   * and worked stories, a fresh optimizer and a shorter cosine. Multi-step answers fail mostly on a
   * wrong sum or product, and arithmetic improves with the tokens a small model sees.
   */
  continued: {
    seed: 8,
    corpus: { docs: 100000, mix: { question: 5, workedStory: 50, numbersRestated: 5, facts: 40, narrative: 0 } satisfies PretrainMix },
    train: { ...PRETRAIN_TRAIN, learningRate: 1e-3, warmupSteps: 50, maxSteps: 1800 },
  },
};
