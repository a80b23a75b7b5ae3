// Task prompts against the harness's own task files: gsm8k_cot's 8-shot prompt is rebuilt here from
// gsm8k-cot.yaml and must be byte-identical to ours; the other layouts follow their yaml.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { TextTokenizer } from '../models/tokenizer';
import { renderPrompt } from '../src/lib/data/prompt-format';
import { TASK_RULES } from '../src/lib/eval/scoring';
import { promptText, type EvalDoc } from '../src/lib/eval/tasks';
import { sharedPath, skipUnlessShared } from './helpers/shared';

const DOC: EvalDoc = { id: 7, question: 'Janet has 3 apples and buys 2 more. How many apples does she have?', answer: 'She has 3 + 2 = <<3+2=5>>5 apples.\n#### 5' };
const tokenizer = {} as TextTokenizer; // the harness tasks render text without a tokenizer
const yamlOf = (name: string) => parse(readFileSync(sharedPath('data', 'lm-eval', name), 'utf8'));
/** The harness's Jinja here is only {{question}} substitution. */
const fill = (template: string, q: string) => template.replace('{{question}}', q);

describe('task prompts match the harness', () => {
  it('gsm8k_cot: 8 fixed exemplars, byte-identical to the harness prompt built from gsm8k-cot.yaml', (ctx) => {
    skipUnlessShared(ctx, 'data', 'lm-eval', 'gsm8k-cot.yaml');
    const y = yamlOf('gsm8k-cot.yaml');
    // fewshot_delimiter "\n\n" and target_delimiter " " are the harness defaults.
    const shots = y.fewshot_config.samples.map((s: { question: string; target: string }) => `${fill(y.doc_to_text, s.question)} ${s.target}`);
    const expected = [...shots, fill(y.doc_to_text, DOC.question)].join('\n\n');
    expect(y.fewshot_config.samples).toHaveLength(8);
    expect(promptText('gsm8k_cot', DOC, { tokenizer })).toBe(expected);
    expect(y.num_fewshot).toBe(8);
  });

  it('gsm8k_cot_zeroshot follows its yaml', (ctx) => {
    skipUnlessShared(ctx, 'data', 'lm-eval', 'gsm8k-cot-zeroshot.yaml');
    expect(promptText('gsm8k_cot_zeroshot', DOC, { tokenizer })).toBe(fill(yamlOf('gsm8k-cot-zeroshot.yaml').doc_to_text, DOC.question));
  });

  it('gsm8k: 5 train examples with their full solutions, then the question', (ctx) => {
    skipUnlessShared(ctx, 'data', 'lm-eval', 'gsm8k.yaml');
    const y = yamlOf('gsm8k.yaml');
    const pool: EvalDoc[] = Array.from({ length: 12 }, (_, i) => ({ id: i, question: `Q${i}?`, answer: `A${i}\n#### ${i}` }));
    const text = promptText('gsm8k', DOC, { tokenizer, fewshotPool: pool, fewshotSeed: 1234 });
    const blocks = text.split('\n\n');
    expect(blocks.at(-1)).toBe(fill(y.doc_to_text, DOC.question));
    // Each exemplar block: "Question: Qi?\nAnswer: Ai" then its "#### i" line.
    const shots = text.slice(0, text.lastIndexOf('\n\nQuestion: Janet')).split('\n\nQuestion: ');
    expect(shots).toHaveLength(5);
    for (const shot of shots) expect(shot).toMatch(/^(Question: )?Q(\d+)\?\nAnswer: A\2\n#### \2$/);
    expect(new Set(shots).size).toBe(5);
    // Seeded: the same doc gets the same exemplars; another doc other ones.
    expect(promptText('gsm8k', DOC, { tokenizer, fewshotPool: pool, fewshotSeed: 1234 })).toBe(text);
    expect(promptText('gsm8k', { ...DOC, id: 8 }, { tokenizer, fewshotPool: pool, fewshotSeed: 1234 })).not.toBe(text);
    expect(y.num_fewshot).toBe(5);
  });

  it('chat is the training prompt format', () => {
    expect(promptText('chat', DOC, { tokenizer, style: 'plain' })).toBe(renderPrompt([{ role: 'user', content: DOC.question }], 'plain', null).text);
    expect(promptText('chat', DOC, { tokenizer, style: 'plain' })).toBe(`Question: ${DOC.question}\nAnswer:`);
  });

  it('stop sequences are the yaml ones', (ctx) => {
    skipUnlessShared(ctx, 'data', 'lm-eval', 'gsm8k.yaml');
    skipUnlessShared(ctx, 'data', 'lm-eval', 'gsm8k-cot.yaml');
    expect(TASK_RULES.gsm8k.until).toEqual(yamlOf('gsm8k.yaml').generation_kwargs.until);
    expect(TASK_RULES.gsm8k_cot.until).toEqual(yamlOf('gsm8k-cot.yaml').generation_kwargs.until);
  });
});
