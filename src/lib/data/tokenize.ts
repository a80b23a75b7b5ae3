// Prompt/completion pairs → token ids with a loss mask: only the completion and the EOS that
// ends it are trained. Sequences longer than max_length are cut at the end, and counted.
import type { TextTokenizer } from '../../../models/tokenizer';
import { encodePrompt, renderPrompt, type PromptStyle } from './prompt-format';
import type { SftExample } from './types';

export interface TokenizeOptions {
  style: PromptStyle;
  maxLength: number;
  /** Appended after every completion; default: the tokenizer's EOS. */
  eosTokenId?: number;
}

export interface TokenizedExample {
  line: number;
  ids: number[];
  /** 1 where the token is a training target (completion and EOS), 0 for the prompt. */
  mask: number[];
  promptTokens: number;
  completionTokens: number;
  truncated: boolean;
}

export type TokenizeResult = { ok: true; example: TokenizedExample } | { ok: false; reason: string };

export function eosOf(tokenizer: TextTokenizer, opts: Pick<TokenizeOptions, 'eosTokenId'>): number {
  const eos = opts.eosTokenId ?? tokenizer.eosTokenId;
  if (eos === null || eos === undefined) throw new Error('the tokenizer has no EOS token; give eosTokenId');
  return eos;
}

export function tokenizeExample(example: SftExample, tokenizer: TextTokenizer, opts: TokenizeOptions): TokenizeResult {
  const prompt = renderPrompt(example.context, opts.style, tokenizer);
  const promptIds = encodePrompt(prompt, tokenizer);
  if (promptIds.length >= opts.maxLength) {
    return { ok: false, reason: `the prompt alone is ${promptIds.length} tokens, not shorter than max_length ${opts.maxLength}` };
  }
  const completionIds = [...tokenizer.encode(prompt.completionPrefix + example.completion, { addSpecialTokens: false }), eosOf(tokenizer, opts)];
  let ids = [...promptIds, ...completionIds];
  const truncated = ids.length > opts.maxLength;
  if (truncated) ids = ids.slice(0, opts.maxLength);
  const mask = ids.map((_, i) => (i < promptIds.length ? 0 : 1));
  return {
    ok: true,
    example: { line: example.line, ids, mask, promptTokens: promptIds.length, completionTokens: ids.length - promptIds.length, truncated },
  };
}
