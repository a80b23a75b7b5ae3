// How a prompt is laid out for the model, the same at training and at evaluation time: the
// model's chat template when it has one, otherwise lm-evaluation-harness's GSM8K layout
// ("Question: …\nAnswer:", with the completion after one space).
import type { TextTokenizer } from '../../../models/tokenizer';
import type { ChatTurn } from './types';

export type PromptStyle = 'chat' | 'plain';

export interface RenderedPrompt {
  style: PromptStyle;
  text: string;
  /** Put between the prompt and the completion: the harness's target delimiter for plain prompts. */
  completionPrefix: string;
}

/** 'auto' picks the chat template when the tokenizer has one. */
export function resolvePromptStyle(tokenizer: TextTokenizer | null, requested: PromptStyle | 'auto' = 'auto'): PromptStyle {
  if (requested === 'chat' && !tokenizer?.hasChatTemplate) {
    throw new Error('the chat prompt style needs a tokenizer with a chat template; this model has none (use the plain style)');
  }
  if (requested !== 'auto') return requested;
  return tokenizer?.hasChatTemplate ? 'chat' : 'plain';
}

export function plainPrompt(question: string): string {
  return `Question: ${question}\nAnswer:`;
}

/** Earlier turns become earlier Question/Answer pairs; a system prompt goes first. */
function renderPlain(context: ChatTurn[]): string {
  const blocks: string[] = [];
  for (const turn of context) {
    if (turn.role === 'system') blocks.push(turn.content);
    else if (turn.role === 'user') blocks.push(plainPrompt(turn.content));
    else blocks[blocks.length - 1] += ` ${turn.content}`;
  }
  return blocks.join('\n\n');
}

export function renderPrompt(context: ChatTurn[], style: PromptStyle, tokenizer: TextTokenizer | null): RenderedPrompt {
  if (style === 'plain') return { style, text: renderPlain(context), completionPrefix: ' ' };
  if (!tokenizer) throw new Error('the chat prompt style needs a tokenizer');
  return { style, text: tokenizer.applyChatTemplate(context, { addGenerationPrompt: true }), completionPrefix: '' };
}

/**
 * Prompt token ids. Plain prompts get the tokenizer's special tokens (BOS); a chat template
 * writes its own, so they are not added twice.
 */
export function encodePrompt(prompt: RenderedPrompt, tokenizer: TextTokenizer): number[] {
  return tokenizer.encode(prompt.text, { addSpecialTokens: prompt.style === 'plain' });
}
