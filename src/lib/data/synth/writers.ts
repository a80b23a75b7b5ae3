// The two solutions of a built problem: the GSM8K-style human solution (calculator annotations,
// "#### N") and the R1-style teacher response (<think> with one caught mistake, then a concise
// worked answer). The concise answer has one fixed shape, so a tiny model can learn it.
import { apply, type Built, type Op, type SynthStep } from './problem';
import type { Dice } from './rng';

const ASCII: Record<Op, string> = { '+': '+', '-': '-', '*': '*', '/': '/' };
const MATH: Record<Op, string> = { '+': '+', '-': '-', '*': '×', '/': '÷' };
const VERB: Record<Op, string> = { '+': 'add', '-': 'subtract', '*': 'multiply', '/': 'divide' };
/** The operation a hurried solver confuses with each one. */
const CONFUSED: Record<Op, Op> = { '+': '-', '-': '+', '*': '+', '/': '*' };
/** Undoes each operation, for the check "r ÷ b = a". */
const INVERSE: Record<Op, Op> = { '+': '-', '-': '+', '*': '/', '/': '*' };

const upper = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

const calc = (s: Pick<SynthStep, 'a' | 'op' | 'b'>, value: number): string => `${s.a} ${MATH[s.op]} ${s.b} = ${value}`;

/** "Natalia sold 48 / 2 = <<48/2=24>>24 clips in May." lines, then "#### N". */
export function writeOriginal(built: Built, d: Dice): string {
  const lines = built.steps.map(({ step: s, say }, i) => {
    const lead = say && d.chance(0.6) ? `${say[i === 0 ? 0 : 1]} ` : i === 0 ? '' : d.pick(['', 'So ', 'Then ']);
    const op = ASCII[s.op];
    return upper(`${lead}${s.a} ${op} ${s.b} = <<${s.a}${op}${s.b}=${s.result}>>${s.result} ${s.description}.`);
  });
  return `${lines.join('\n')}\n#### ${built.problem.answer}`;
}

/** A wrong value for a step (a slip, or the confused operation) that is neither its result nor the answer. */
function mistake(d: Dice, s: SynthStep, answer: number): { value: number; confused?: Op } {
  const ok = (w: number) => Number.isInteger(w) && w >= 0 && w !== s.result && w !== answer;
  const confused = CONFUSED[s.op];
  if (d.chance(0.4) && ok(apply(s.a, confused, s.b))) return { value: apply(s.a, confused, s.b), confused };
  const near = s.op === '*' ? [s.b, -s.b, 10, -10] : s.op === '/' ? [1, -1] : [1, -1, 10, -10];
  const slip = d.pick(near);
  if (ok(s.result + slip)) return { value: s.result + slip };
  return { value: ok(s.result + 1) ? s.result + 1 : s.result + 2 };
}

const OPENINGS = ['Okay, let me figure out {}.', 'Okay, so I need to find {}.', 'Alright, the question asks {}.', 'Okay, let me work out {}.'];
const PLANS = ['Let me go through it step by step.', 'Let me read the problem carefully.', 'Let me break it down.'];

function thinkSteps(built: Built, d: Dice): string[] {
  const { steps, problem } = built;
  const wrongAt = d.int(0, steps.length - 1);
  return steps.map(({ step: s, why }, i) => {
    const opener = i === 0 ? d.pick(['First, ', 'To start, ', '']) : d.pick(['Then ', 'Next, ', 'After that, ', 'Now ']);
    const hmm = i > 0 && d.chance(0.2) ? 'Hmm, ' : '';
    const head = `${hmm}${hmm ? opener.toLowerCase() : opener}${why}${d.pick([', so ', ', which gives ', '. That gives '])}`;
    if (i !== wrongAt) return upper(`${head}${calc(s, s.result)}${d.chance(0.5) ? ` ${s.description}` : ''}.`);
    const wrong = mistake(d, s, problem.answer);
    const shown = wrong.confused ? calc({ ...s, op: wrong.confused }, wrong.value) : calc(s, wrong.value);
    const fix = wrong.confused
      ? `I should ${VERB[s.op]} here, not ${VERB[wrong.confused]}: `
      : d.pick(['Let me redo that: ', 'I slipped there. ', 'Let me recompute: ']);
    return upper(`${head}${shown}. Wait, that's not right. ${fix}${calc(s, s.result)}.`);
  });
}

/**
 * The operand pairs of every calculation the writers (and the corpus's worked stories) print: each
 * step's own, its slips' and confusions' too, and the check's "result ÷ b" on the last step.
 */
export const calculationOperands = (steps: readonly SynthStep[]): [number, number][] => [
  ...steps.map((s): [number, number] => [s.a, s.b]),
  [steps[steps.length - 1].result, steps[steps.length - 1].b],
];

/** "<think>\n…\n</think>\n\n" then the worked answer, ending "The answer is N.\n#### N". */
export function writeGeneration(built: Built, d: Dice): string {
  const { steps, problem } = built;
  const last = steps[steps.length - 1].step;
  const think = [d.pick(OPENINGS).replace('{}', built.restatement)];
  if (d.chance(0.5)) think.push(d.pick(PLANS));
  think.push(...thinkSteps(built, d));
  const check = calc({ a: last.result, op: INVERSE[last.op], b: last.b }, last.a);
  think.push(`${d.pick(['Let me double-check.', 'Hmm, let me double-check that.'])} Check: ${check}. Yes.`);
  think.push(d.pick([`So that's ${last.result} ${last.description}.`, `So the result is ${last.result} ${last.description}.`]));
  const answer = steps.map(({ step: s }) => `${calc(s, s.result)} ${s.description}.`);
  return `<think>\n${think.join('\n')}\n</think>\n\n${answer.join('\n')}\nThe answer is ${problem.answer}.\n#### ${problem.answer}`;
}
