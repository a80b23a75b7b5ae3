// Plain text for pretraining the base model. No questions with their solutions, no "The answer
// is", no "####", no <think>: the answer format is what fine-tuning teaches. What a small model
// needs first is here instead (Lee et al. 2023, "Teaching Arithmetic to Small Transformers"):
// - stories that say each quantity as it changes, in the answers' notation ("48 - 5 = 43 pencils"),
//   so the model links wording to an operation and copies operands out of the text;
// - copying practice: a story, then its numbers restated in order;
// - blocks of arithmetic facts, with units as the answers write them.
import { apply, MAX_VALUE, type Built, type Op } from './problem';
import type { Dice } from './rng';
import { containsHeldOut, isHeldOut } from './held-out';
import { ALL_OBJECTS, NAMES, PLACES, RELATIVES, SHOPS, TOWNS } from './lexicon';

/** The symbols of the worked answers (writers.ts) and of GSM8K's solutions. */
const SYMBOLS: Record<Op, readonly string[]> = { '+': ['+'], '-': ['-'], '*': ['×', '×', '*'], '/': ['÷', '÷', '/'] };

/** A number with `digits` digits, at least 2 (×1, ÷1 and +0 teach nothing). */
const ofDigits = (d: Dice, digits: number) => d.int(Math.max(2, 10 ** (digits - 1)), 10 ** digits - 1);

/**
 * One fact "a op b = r" shaped like the problems' steps (counted over synth's problems: sums of two
 * 2-digit numbers, a 1-digit number times a 2-digit one, 3-digit minus 2-digit, 2–3 digits ÷ 1 digit
 * are the common ones). Its operands are never a held-out tuple, as problems' are not.
 */
function fact(d: Dice): string {
  for (;;) {
    const op = d.pick(['+', '+', '*', '*', '-', '/'] as const);
    let x: number, y: number;
    if (op === '+') [x, y] = [ofDigits(d, d.pick([1, 2, 2, 2, 3])), ofDigits(d, d.pick([1, 2, 2, 2, 3]))];
    else if (op === '-') {
      x = ofDigits(d, d.pick([2, 2, 3]));
      y = Math.min(x - 1, ofDigits(d, d.int(1, String(x).length)));
    } else {
      const [small, big] = [ofDigits(d, d.pick([1, 1, 1, 2])), ofDigits(d, d.pick([1, 2, 2, 3]))];
      if (op === '*') [x, y] = d.chance(0.5) ? [small, big] : [big, small];
      else [x, y] = [small * big, small];
    }
    const result = apply(x, op, y);
    if (result > MAX_VALUE || isHeldOut(`${x} ${y}`)) continue;
    const line = `${x} ${d.pick(SYMBOLS[op])} ${y} = ${result}`;
    return d.chance(0.5) ? `${line} ${d.pick(ALL_OBJECTS).many}.` : line;
  }
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

/**
 * A problem's statements with a sentence of everyday scene before or after them. Some scenes state
 * numbers ("A dozen is 12 things."), so the scene is drawn again while a run of the document's
 * sentences states a held-out tuple, as training questions' runs may not.
 */
export function narrative(d: Dice, built: Built): string {
  for (;;) {
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
    const text = d.chance(0.5) ? `${scene} ${built.statements.join(' ')}` : `${built.statements.join(' ')} ${scene}`;
    // Most scenes state no number, so a redraw ends soon.
    if (!containsHeldOut(text)) return text;
  }
}
