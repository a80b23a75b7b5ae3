// Tokenizers come from @huggingface/transformers, built from the same files (and the same
// source, progress and cache) as the weights: tokenizer.json + tokenizer_config.json, and the
// chat template from tokenizer_config.json or a separate chat_template.jinja.
import type * as transformers from '@huggingface/transformers';
import type { ModelFiles, ProgressCallback } from './files';

export type ChatMessage = { role: 'system' | 'user' | 'assistant'; content: string };

/** The small surface the rest of the code uses; `hf` is the transformers.js object itself. */
export interface TextTokenizer {
  readonly hf: transformers.PreTrainedTokenizer;
  readonly eosTokenId: number | null;
  readonly bosTokenId: number | null;
  readonly hasChatTemplate: boolean;
  encode(text: string, opts?: { addSpecialTokens?: boolean }): number[];
  decode(ids: number[], opts?: { skipSpecialTokens?: boolean }): string;
  applyChatTemplate(messages: ChatMessage[], opts?: { addGenerationPrompt?: boolean }): string;
}

const decoder = new TextDecoder();

function parseJson(bytes: Uint8Array, where: string): Record<string, unknown> {
  try {
    return JSON.parse(decoder.decode(bytes));
  } catch (e) {
    throw new Error(`${where}: not valid JSON (${(e as Error).message}). The file is damaged; download it again.`);
  }
}

export function wrapTokenizer(hf: transformers.PreTrainedTokenizer): TextTokenizer {
  return {
    hf,
    eosTokenId: hf.eos_token_id ?? null,
    bosTokenId: hf.bos_token_id ?? null,
    hasChatTemplate: !!hf.chat_template,
    encode: (text, opts = {}) => hf.encode(text, { add_special_tokens: opts.addSpecialTokens ?? true }),
    decode: (ids, opts = {}) => hf.decode(ids, { skip_special_tokens: opts.skipSpecialTokens ?? false }),
    applyChatTemplate: (messages, opts = {}) =>
      hf.apply_chat_template(messages, { tokenize: false, add_generation_prompt: opts.addGenerationPrompt ?? true }) as string,
  };
}

/**
 * `tokenizer` that remembers what it encoded until `forget()`. Measuring one record under every
 * strategy encodes the same prompt, answer and reasoning several times over; a caller that forgets
 * after each record keeps the memory to one record's texts.
 */
export function rememberEncodings(tokenizer: TextTokenizer): TextTokenizer & { forget(): void } {
  const seen = new Map<string, number[]>();
  return {
    ...tokenizer,
    encode: (text, opts = {}) => {
      const key = `${opts.addSpecialTokens ?? true}:${text}`;
      let ids = seen.get(key);
      if (!ids) seen.set(key, (ids = tokenizer.encode(text, opts)));
      return [...ids];
    },
    forget: () => seen.clear(),
  };
}

/** The model's tokenizer, or null when the source has no tokenizer.json (id-level use only). */
export async function loadTokenizer(files: ModelFiles, onProgress?: ProgressCallback): Promise<TextTokenizer | null> {
  const json = await files.get('tokenizer.json', onProgress);
  if (!json) return null;
  const configBytes = await files.get('tokenizer_config.json', onProgress);
  const tokenizerConfig = configBytes ? parseJson(configBytes, files.locate('tokenizer_config.json')) : {};
  if (!tokenizerConfig.chat_template) {
    const template = await files.get('chat_template.jinja', onProgress);
    if (template) tokenizerConfig.chat_template = decoder.decode(template);
  }
  const className = String(tokenizerConfig.tokenizer_class ?? 'PreTrainedTokenizer').replace(/Fast$/, '');
  // Imported here, not at the top: a worker starts its backend and downloads while this evaluates.
  const transformers = await import('@huggingface/transformers');
  const registry = transformers as unknown as Record<string, typeof transformers.PreTrainedTokenizer | undefined>;
  const Cls = registry[className]?.prototype instanceof transformers.PreTrainedTokenizer ? registry[className]! : transformers.PreTrainedTokenizer;
  return wrapTokenizer(new Cls(parseJson(json, files.locate('tokenizer.json')), tokenizerConfig));
}
