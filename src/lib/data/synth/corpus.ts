// Plain text for pretraining the base model: problem statements, narrative sentences and
// arithmetic facts. No worked answers, no "####", no <think>: the model should learn the language
// and the arithmetic here, and the answer format only in fine-tuning.
import { apply, MAX_VALUE, type Built } from './problem';
import type { Dice } from './rng';
import { ALL_OBJECTS, NAMES, PLACES, RELATIVES, SHOPS, TOWNS } from './lexicon';

const SYMBOLS = { '+': ['+'], '-': ['-'], '*': ['*', '×'], '/': ['/', '÷'] } as const;

/** One fact "a op b = r" with operands shaped like the problems' steps: small, often 2–3 digits. */
function fact(d: Dice): string {
  const op = d.pick(['+', '-', '*', '/'] as const);
  const a = d.int(1, d.pick([9, 99, 99, 999]));
  const small = d.int(2, 12);
  const capped = Math.min(a, Math.floor(MAX_VALUE / small));
  const [x, y] =
    op === '+' ? [a, d.int(1, d.pick([9, 99, 999]))]
    : op === '-' ? [a, d.int(1, a)]
    : op === '*' ? [capped, small]
    : [capped * small, small];
  return `${x} ${d.pick(SYMBOLS[op])} ${y} = ${apply(x, op, y)}`;
}

export function factBlock(d: Dice): string {
  return Array.from({ length: d.int(6, 12) }, () => fact(d)).join('\n');
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
