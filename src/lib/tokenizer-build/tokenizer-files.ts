// tokenizer.json and tokenizer_config.json in the Hugging Face layout, as transformers.js 4 (and
// Python's PreTrainedTokenizerFast) load them unchanged: ids 0..k-1 the special tokens, then the
// 256 bytes in byte order, then the learned merges.
import type { LearnedBpe } from './learn-merges';
import { DECODER, PRE_TOKENIZER } from './pretokenize';

export const IM_START = '<|im_start|>';
export const IM_END = '<|im_end|>';

/** ChatML; no system-prompt default and no BOS, like Qwen2's template without its extras. */
export const CHAT_TEMPLATE =
  `{% for message in messages %}${IM_START}{{ message.role }}\n{{ message.content }}${IM_END}\n{% endfor %}` +
  `{% if add_generation_prompt %}${IM_START}assistant\n{% endif %}`;

export function buildTokenizerJson(specials: readonly string[], learned: LearnedBpe) {
  const ids = new Map<string, number>(); // a Map, so tokens like "__proto__" or "toString" are plain keys
  for (const [id, token] of [...specials, ...learned.tokens].entries()) {
    if (ids.has(token)) throw new Error(`tokenizer: special token ${JSON.stringify(token)} is also a byte or learned token`);
    ids.set(token, id);
  }
  const vocab: Record<string, number> = Object.fromEntries(ids);
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: specials.map((content, id) => ({
      id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true,
    })),
    normalizer: null,
    pre_tokenizer: PRE_TOKENIZER,
    // No BOS insertion: ChatML text carries its own markers, and documents are joined by the packer.
    post_processor: null,
    decoder: DECODER,
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null, // every byte has a token, so nothing is unknown
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab,
      // Pairs, not "a b" strings: the newer tokenizers format, read by transformers.js 4 as is.
      merges: learned.merges,
    },
  };
}

/**
 * The first special token marks document boundaries (bos, pad); eos is <|im_end|>, so a chat
 * completion ends where its turn does and generation stops there.
 */
export function buildTokenizerConfig(specials: readonly string[], modelMaxLength: number) {
  const [boundary] = specials;
  return {
    tokenizer_class: 'PreTrainedTokenizerFast',
    bos_token: boundary,
    eos_token: IM_END,
    pad_token: boundary,
    additional_special_tokens: specials.slice(1),
    model_max_length: modelMaxLength,
    clean_up_tokenization_spaces: false,
    chat_template: CHAT_TEMPLATE,
  };
}

export interface TokenizerFiles {
  tokenizerJson: ReturnType<typeof buildTokenizerJson>;
  tokenizerConfig: ReturnType<typeof buildTokenizerConfig>;
}

/** Writes tokenizer.json and tokenizer_config.json into `dir` (Node; node:fs is imported lazily). */
export async function writeTokenizerFiles(dir: string, files: TokenizerFiles): Promise<void> {
  const { mkdir, writeFile } = await import('node:fs/promises');
  const { join } = await import('node:path');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'tokenizer.json'), JSON.stringify(files.tokenizerJson, null, 2) + '\n');
  await writeFile(join(dir, 'tokenizer_config.json'), JSON.stringify(files.tokenizerConfig, null, 2) + '\n');
}
