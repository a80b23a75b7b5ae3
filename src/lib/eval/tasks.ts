// The evaluation tasks' prompts, as lm-evaluation-harness builds them (v3.0 task files in
// ../shared/data/lm-eval/), plus `chat`: zero-shot in the prompt format training used.
import type { TextTokenizer } from '../../../models/tokenizer';
import { encodePrompt, renderPrompt, type PromptStyle } from '../data/prompt-format';
import { Rng } from '../../../models/random';
import { GSM8K_COT_EXEMPLARS } from './gsm8k-cot-exemplars';
import type { TaskName } from './scoring';

export interface EvalDoc {
  /** Position in the source (0-based), the key that pairs samples across runs. */
  id: number;
  question: string;
  /** GSM8K's full solution, ending "#### N"; for a numeric gold, the number as text ("42", "2.5"). */
  answer: string;
  /** A numeric gold (PAL's `target`, SVAMP's `Answer`): scored by value as well as by exact_match. */
  gold?: number;
  difficulty?: number;
}

export const TASK_NAMES: TaskName[] = ['gsm8k', 'gsm8k_cot', 'gsm8k_cot_zeroshot', 'chat'];

export const FEWSHOT_DEFAULTS = { gsm8kShots: 5, seed: 1234 };

export interface PromptOptions {
  tokenizer: TextTokenizer;
  /** gsm8k: the train docs its 5 exemplars are drawn from. */
  fewshotPool?: EvalDoc[];
  fewshotSeed?: number;
  /** chat: the prompt style training used (chat template or plain). */
  style?: PromptStyle;
}

const FEWSHOT_DELIMITER = '\n\n';
const TARGET_DELIMITER = ' ';

function withExemplars(shots: { text: string; target: string }[], query: string): string {
  return shots.map((s) => s.text + TARGET_DELIMITER + s.target).join(FEWSHOT_DELIMITER) + FEWSHOT_DELIMITER + query;
}

/**
 * gsm8k's exemplars: a seeded draw of 5 train docs for each test doc (the harness draws with
 * Python's random.Random(1234) over the whole run, so its exact picks differ; the layout is the same).
 */
function gsm8kShots(doc: EvalDoc, pool: EvalDoc[], seed: number): EvalDoc[] {
  const needed = FEWSHOT_DEFAULTS.gsm8kShots;
  // Exemplars must differ from the test question; the draw below needs that many to end.
  const usable = pool.reduce((n, p) => n + (p.question === doc.question ? 0 : 1), 0);
  if (usable < needed) {
    throw new Error(
      `gsm8k needs ${needed} few-shot exemplars whose question differs from the test question (item ${doc.id}), but the pool has ${usable} ` +
        `(of ${pool.length}). Give a bigger train split as the few-shot pool (--fewshot-data TRAIN.jsonl, or fewshotUrl), ` +
        'or use gsm8k_cot (fixed exemplars), gsm8k_cot_zeroshot or chat.',
    );
  }
  const rng = new Rng((Math.imul(seed, 0x9e3779b1) ^ doc.id) >>> 0);
  const picked = new Set<number>();
  while (picked.size < needed) {
    const i = Math.floor(rng.next() * pool.length);
    if (pool[i].question !== doc.question) picked.add(i);
  }
  return [...picked].map((i) => pool[i]);
}

export function promptText(task: TaskName, doc: EvalDoc, opts: PromptOptions): string {
  switch (task) {
    case 'gsm8k': {
      const shots = gsm8kShots(doc, opts.fewshotPool ?? [], opts.fewshotSeed ?? FEWSHOT_DEFAULTS.seed);
      return withExemplars(shots.map((s) => ({ text: `Question: ${s.question}\nAnswer:`, target: s.answer })), `Question: ${doc.question}\nAnswer:`);
    }
    case 'gsm8k_cot':
      return withExemplars(GSM8K_COT_EXEMPLARS.map((s) => ({ text: `Q: ${s.question}\nA:`, target: s.target })), `Q: ${doc.question}\nA:`);
    case 'gsm8k_cot_zeroshot':
      return `Q: ${doc.question}\nA: Let's think step by step.`;
    case 'chat':
      return renderPrompt([{ role: 'user', content: doc.question }], opts.style ?? 'plain', opts.tokenizer).text;
  }
}

/** Prompt token ids: with BOS for the harness tasks; the chat task as training encoded it. */
export function promptIds(task: TaskName, doc: EvalDoc, opts: PromptOptions): number[] {
  if (task === 'chat') return encodePrompt(renderPrompt([{ role: 'user', content: doc.question }], opts.style ?? 'plain', opts.tokenizer), opts.tokenizer);
  return opts.tokenizer.encode(promptText(task, doc, opts), { addSpecialTokens: true });
}
