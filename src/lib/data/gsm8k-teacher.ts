// Real questions for the synthetic teacher: GSM8K training items written as distilled records, so
// that a fine-tune sees how people phrase word problems as well as the templates. Each item's
// human solution is the record's `answer` (what `original` trains on) and its reasoning; the
// concise answer is one line per calculation, as the synthetic teacher writes it:
//   "Natalia sold 48/2 = <<48/2=24>>24 clips in May." → "48 ÷ 2 = 24 clips in May."
// Only items the concise format can state exactly are kept (every calculation one operation on
// whole numbers, a whole-number answer), and none that states a held-out tuple of numbers in any
// run of its sentences or any calculation it writes out, annotated or not ("2*8 = 16" in its
// prose): the held-out guarantee of synth/index.ts holds for them.
import { containsHeldOut, isHeldOut } from './synth/held-out';
import type { SynthRecord } from './synth';

export interface Gsm8kTeacherOptions {
  /** Keep items of at most this many calculations (GSM8K's easy ones have one or two). */
  maxCalculations: number;
  /** Stop after this many records. */
  limit: number;
}

// Five calculations: 1,936 of GSM8K's 7,473 training items pass the format and held-out checks
// (1,582 at three; few more past five, where steps are mostly not single operations on whole
// numbers), and they taught the hand-written problems more than those of at most three (experiment/
// generalisation.md, "Two more levers"). Splitting calculations of several operations into one line
// each, and taking decimal operands, keeps about 650 more; they taught nothing more (the same file).
export const GSM8K_TEACHER_DEFAULTS: Gsm8kTeacherOptions = { maxCalculations: 5, limit: Infinity };

/** Why an item was left out, counted for the log. */
export type Gsm8kSkip = 'calculations' | 'format' | 'held out';

const SYMBOL: Record<string, string> = { '+': '+', '-': '-', '*': '×', '/': '÷' };
const ANNOTATION = /<<([^<>=]+)=([^<>]+)>>/g;
/** "1,000" as 1000: how the held-out rule reads a number, as a reader does. */
export const withoutThousands = (text: string) => text.replace(/(\d),(?=\d{3}\b)/g, '$1');
/** "2*8 =", "2 x 8=": a calculation written out in a solution's prose, annotated or not. */
const WRITTEN_CALCULATION = /(\d+) ?[-+×÷*/x] ?(\d+) ?=/g;
const writesHeldOut = (text: string) => [...withoutThousands(text).matchAll(WRITTEN_CALCULATION)].some((m) => isHeldOut(`${m[1]} ${m[2]}`));

interface Calculation {
  a: number;
  op: string;
  b: number;
  result: number;
  /** The solution's words after the result, to the end of its sentence: "clips in May". */
  words: string;
}

function calculations(solution: string): Calculation[] | null {
  const out: Calculation[] = [];
  for (const m of solution.matchAll(ANNOTATION)) {
    const expr = /^\s*(\d+)\s*([-+*/])\s*(\d+)\s*$/.exec(m[1]);
    if (!expr || !/^\s*\d+\s*$/.test(m[2])) return null;
    const rest = solution.slice(m.index + m[0].length).split('\n')[0];
    const after = rest.replace(/^[\d.,]*/, '');
    const words = after.split(/[.!?](?:\s|$)/)[0].trim().replace(/[,;:]$/, '');
    // Words apart from the number only: "4S people", "20% of …" or "/hour" would misread beside it.
    out.push({ a: Number(expr[1]), op: expr[2], b: Number(expr[3]), result: Number(m[2]), words: /^\s+[A-Za-z]/.test(after) ? words : '' });
  }
  return out;
}

/** One GSM8K item as a distilled record, or why it is left out. */
export function gsm8kRecord(item: { question: string; answer: string }, index: number, maxCalculations: number): SynthRecord | Gsm8kSkip {
  const [solution, finalText] = item.answer.split('####').map((s) => s.trim());
  const final = withoutThousands(finalText ?? '');
  const calcs = calculations(solution);
  // Every calculation one operation on whole numbers, and a whole-number answer that is the last result.
  if (calcs === null || !/^\d+$/.test(final)) return 'format';
  if (calcs.length === 0 || calcs.length > maxCalculations) return 'calculations';
  if (calcs.at(-1)!.result !== Number(final)) return 'format';
  const lines = calcs.map((c) => `${c.a} ${SYMBOL[c.op]} ${c.b} = ${c.result}${c.words && ` ${c.words}`}.`);
  const reasoning = solution.replace(ANNOTATION, '');
  if (containsHeldOut(withoutThousands(item.question)) || [solution, reasoning, ...lines].some(writesHeldOut)) return 'held out';
  return {
    question: item.question,
    answer: item.answer,
    generation: `<think>\n${reasoning}\n</think>\n\n${lines.join('\n')}\nThe answer is ${final}.\n#### ${final}`,
    difficulty: calcs.length,
    template: 'gsm8k-train',
    id: `gsm8k-train-${index}`,
  };
}

/** The items kept, in the file's order, and how many were left out for each reason. */
export function gsm8kTeacher(items: readonly { question: string; answer: string }[], opts: Partial<Gsm8kTeacherOptions> = {}) {
  const { maxCalculations, limit } = { ...GSM8K_TEACHER_DEFAULTS, ...opts };
  const records: SynthRecord[] = [];
  const skipped: Record<Gsm8kSkip, number> = { calculations: 0, format: 0, 'held out': 0 };
  for (let i = 0; i < items.length && records.length < limit; i++) {
    const r = gsm8kRecord(items[i], i, maxCalculations);
    if (typeof r === 'string') skipped[r]++;
    else records.push(r);
  }
  return { records, skipped };
}
