// Plain text for pretraining the base model. No questions with their solutions, no "The answer
// is", no "####", no <think>: the answer format is what fine-tuning teaches. What a small model
// needs first is here instead (Lee et al. 2023, "Teaching Arithmetic to Small Transformers"):
// - stories that say each quantity as it changes, in the answers' notation ("48 - 5 = 43 pencils"),
//   so the model links wording to an operation and copies operands out of the text;
// - copying practice: a story, then its numbers restated in order;
// - blocks of arithmetic facts, with units as the answers write them.
import { apply, MAX_VALUE, type Built, type Op } from './problem';
import type { Dice } from './rng';
import { ALL_OBJECTS, NAMES, PLACES, RELATIVES, SHOPS, TOWNS } from './lexicon';

/** The symbols of the worked answers (writers.ts) and of GSM8K's solutions. */
const SYMBOLS: Record<Op, readonly string[]> = { '+': ['+'], '-': ['-'], '*': ['×', '×', '*'], '/': ['÷', '÷', '/'] };
const OPS: readonly Op[] = ['+', '-', '*', '/'];

/** One fact "a op b = r" with operands shaped like the problems' steps: small, often 2–3 digits. */
function fact(d: Dice): string {
  const op = d.pick(OPS);
  const a = d.int(1, d.pick([9, 20, 99, 99, 999]));
  const small = d.int(2, d.pick([9, 12, 20]));
  const capped = Math.max(1, Math.min(a, Math.floor(MAX_VALUE / small)));
  const [x, y] =
    op === '+' ? [a, d.int(1, d.pick([9, 50, 99, 999]))]
    : op === '-' ? [a, d.int(1, a)]
    : op === '*' ? [capped, small]
    : [capped * small, small];
  const line = `${x} ${d.pick(SYMBOLS[op])} ${y} = ${apply(x, op, y)}`;
  return d.chance(0.5) ? `${line} ${d.pick(ALL_OBJECTS).many}.` : line;
}

export function factBlock(d: Dice): string {
  return Array.from({ length: d.int(6, 12) }, () => fact(d)).join('\n');
}

/** The story, each statement followed by the quantity it makes: "… 5 more. 12 + 5 = 17 pencils now." */
export function workedStory(d: Dice, built: Built): string {
  const said = new Set<number>();
  /** The worked lines of the steps up to `last` not yet worked out, in step order. */
  const workThrough = (last: number): string[] =>
    built.steps.slice(0, last + 1).flatMap(({ step: s }, j) => {
      if (said.has(j)) return [];
      said.add(j);
      return [`${s.a} ${d.pick(SYMBOLS[s.op])} ${s.b} = ${s.result} ${s.description}.`];
    });
  const lines = built.statements.map((statement, i) => {
    const step = built.statementSteps[i];
    // A hoisted fact ("An hour has 60 minutes.") comes before the steps it follows: its quantity
    // is worked out once those are.
    const hoisted = built.steps.slice(0, step).some((_, j) => !said.has(j));
    return hoisted ? statement : [statement, ...workThrough(step)].join(' ');
  });
  const rest = workThrough(built.steps.length - 1);
  return [...lines, ...(rest.length ? [rest.join(' ')] : [])].join(d.chance(0.5) ? '\n' : ' ');
}

/** Copying practice: the story, then the numbers it states, in order. */
export function numbersRestated(d: Dice, built: Built): string {
  const text = built.statements.join(' ');
  const numbers = text.match(/\d+/g) ?? [];
  const lead = d.pick(['The numbers in this story are', 'Numbers:', 'In order, the story gives']);
  return `${text}\n${lead} ${numbers.join(', ')}.`;
}

/** A problem's statements with a sentence or two of everyday scene around them. */
export function narrative(d: Dice, built: Built): string {
  const who = d.pick(NAMES).name;
  const obj = d.pick(ALL_OBJECTS);
  const scene = d.pick([
    `${who} lives in ${d.pick(TOWNS)}.`,
    `${who} and ${d.pick(NAMES).name} walk to the ${d.pick(PLACES)} together.`,
    `${who}'s ${d.pick(RELATIVES)} works at the ${d.pick(SHOPS)}.`,
    `The ${d.pick(SHOPS)} sells ${obj.many}.`,
    `${who} likes to count the ${obj.many} on the shelf.`,
    'There are 60 minutes in an hour and 7 days in a week.',
    'A dozen is 12 things.',
  ]);
  return d.chance(0.5) ? `${scene} ${built.statements.join(' ')}` : `${built.statements.join(' ')} ${scene}`;
}
