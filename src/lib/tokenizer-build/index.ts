// Our own byte-level BPE tokenizer trainer, for the app's bundled default model. The files it
// writes load unchanged in transformers.js 4 (see models/tokenizer.ts); they follow the Hugging
// Face tokenizer.json layout that Python's tokenizers (>= 0.20, for pair merges) reads too.
import { learnMerges } from './learn-merges';
import { preTokens, splitOnSpecials, toByteChars } from './pretokenize';
import { buildTokenizerConfig, buildTokenizerJson, IM_END, IM_START, type TokenizerFiles } from './tokenizer-files';

export { writeTokenizerFiles, CHAT_TEMPLATE, type TokenizerFiles } from './tokenizer-files';

/** Document boundary (bos, pad) first, then the ChatML turn markers (eos = <|im_end|>). */
export const DEFAULT_SPECIAL_TOKENS: readonly string[] = ['<|endoftext|>', IM_START, IM_END];

export interface TrainBpeOptions {
  /** Specials + 256 bytes + merges; fewer when the corpus runs out of pairs seen minFrequency times. */
  vocabSize: number;
  /** Ids 0..k-1, in order. The first is bos and pad; <|im_start|> and <|im_end|> must be present. */
  specialTokens: readonly string[];
  /** A pair seen fewer times than this is not merged. Default 2: a single sighting is noise. */
  minFrequency?: number;
  /** tokenizer_config.json's model_max_length. Default 2048. */
  modelMaxLength?: number;
}

/** Pre-token counts over the corpus, in byte characters; special tokens in the text are skipped. */
export function countWords(texts: Iterable<string>, specials: readonly string[]): Map<string, number> {
  const split = splitOnSpecials(specials);
  const raw = new Map<string, number>();
  for (const text of texts) {
    for (const part of split(text)) for (const piece of preTokens(part)) raw.set(piece, (raw.get(piece) ?? 0) + 1);
  }
  // Count first, encode once per distinct piece: far fewer UTF-8 conversions.
  const words = new Map<string, number>();
  for (const [piece, count] of raw) {
    const word = toByteChars(piece);
    words.set(word, (words.get(word) ?? 0) + count);
  }
  return words;
}

export function trainByteLevelBpe(texts: Iterable<string>, opts: TrainBpeOptions): TokenizerFiles {
  const specials = opts.specialTokens;
  const minFrequency = opts.minFrequency ?? 2;
  if (new Set(specials).size !== specials.length) throw new Error('tokenizer: special tokens must be distinct');
  for (const t of [IM_START, IM_END]) {
    if (!specials.includes(t)) throw new Error(`tokenizer: the ChatML template needs ${t} among the special tokens`);
  }
  if (!Number.isInteger(opts.vocabSize) || opts.vocabSize < specials.length + 256) {
    throw new Error(`tokenizer: vocabSize must be an integer of at least ${specials.length + 256} (specials + 256 bytes), got ${opts.vocabSize}`);
  }
  if (!(minFrequency >= 1)) throw new Error(`tokenizer: minFrequency must be at least 1, got ${minFrequency}`);
  const learned = learnMerges(countWords(texts, specials), opts.vocabSize - specials.length, minFrequency);
  return {
    tokenizerJson: buildTokenizerJson(specials, learned),
    tokenizerConfig: buildTokenizerConfig(specials, opts.modelMaxLength ?? 2048),
  };
}
