// A problem is a short arithmetic program: a chain of steps where each step combines the running
// value with one number stated in the text. Templates (moves) say how each step reads; this file
// picks a chain of moves, draws numbers that keep every value a small non-negative integer, and
// renders the question.
import type { Dice } from './rng';
import { NAMES, RELATIVES, SHOPS, PLACES, SURNAMES, TOWNS, TREATS } from './lexicon';

export type Op = '+' | '-' | '*' | '/';
export type Vars = Readonly<Record<string, string>>;

/** A number drawn for a move: a range [lo, hi], a constant, or a value the cast fixes (legs). */
export type Operand = readonly [number, number] | number | ((v: Vars) => number);

/**
 * One way a step can read. Opening moves (no `from`) state both numbers `{a}` and `{b}`; later
 * moves take the running value as `{a}` and state `{b}`. Placeholders: see `render`.
 */
export interface MoveSpec {
  op: Op;
  /** The kind of quantity the running value must be; absent on opening moves. */
  from?: string;
  /** The kind of quantity the result is (keys `Family.ask`). */
  to: string;
  /** Opening moves only. For '/', the range of the quotient (the dividend is built from it). */
  a?: Operand;
  /** For a flipped '-', the margin between the stated number and the running value. */
  b: Operand;
  /** '-' only: the stated number minus the running value ("the book has 300 pages"). */
  flip?: true;
  /** Question sentences, any of which states this step. */
  q: readonly string[];
  /** The step as a reasoning clause, for the think part: "she gives away 5 of them". */
  why: string;
  /** What the result counts: "pencils left". */
  desc: string;
  /** An optional subject for the worked line: "{N} has" → "She has 48 - 5 = 43 pencils left." */
  say?: string;
  /** A self-contained fact ("Each carton holds 12 eggs.") that may be stated before the story. */
  fact?: true;
}

/** A final question and the same question as a clause, for "let me figure out …". */
export type Ask = readonly [question: string, restatement: string];

export interface Family {
  id: string;
  theme: string;
  /** Family-specific words, added to (or overriding) the common cast. */
  cast: (d: Dice, base: Vars) => Record<string, string>;
  moves: readonly MoveSpec[];
  ask: Readonly<Record<string, readonly Ask[]>>;
}

export interface SynthStep {
  a: number;
  op: Op;
  b: number;
  result: number;
  description: string;
}

export interface SynthProblem {
  id: string;
  question: string;
  difficulty: number;
  template: string;
  steps: SynthStep[];
  answer: number;
}

/** A step with its reasoning clause and worked-line subjects, rendered for the writers. */
export interface BuiltStep {
  step: SynthStep;
  why: string;
  /** [subject by name, subject by pronoun], when the move has one. */
  say?: readonly [string, string];
}

export interface Built {
  problem: SynthProblem;
  steps: BuiltStep[];
  restatement: string;
  /** The question's statements without the final question: narrative text for pretraining. */
  statements: string[];
  /** The step each statement states (statements may be hoisted out of step order). */
  statementSteps: number[];
}

/** Every operand and result stays below this: four digits at most. */
export const MAX_VALUE = 9999;

const PRONOUNS = { f: ['she', 'her', 'her'], m: ['he', 'his', 'him'] } as const;

function commonCast(d: Dice): Record<string, string> {
  const who = d.pick(NAMES);
  const [he, his, him] = PRONOUNS[who.gender];
  const town = d.pick(TOWNS);
  const treat = d.pick(TREATS);
  return {
    name: who.name,
    title: `${who.gender === 'f' ? 'Ms.' : 'Mr.'} ${d.pick(SURNAMES)}`,
    he, his, him,
    friend: d.pickOther(NAMES, who).name,
    rel: d.pick(RELATIVES),
    shop: d.pick(SHOPS),
    place: d.pick(PLACES),
    town, town2: d.pickOther(TOWNS, town),
    treat, treat2: d.pickOther(TREATS, treat),
  };
}

function draw(d: Dice, x: Operand, v: Vars, max = MAX_VALUE): number | null {
  if (typeof x === 'number') return x <= max ? x : null;
  if (typeof x === 'function') {
    const n = x(v);
    return n <= max ? n : null;
  }
  const hi = Math.min(x[1], max);
  return hi >= x[0] ? d.int(x[0], hi) : null;
}

/** A divisor of `n` allowed by `x`, leaving a quotient of at least 2 (exact division only). */
function divisor(d: Dice, x: Operand, v: Vars, n: number): number | null {
  if (typeof x !== 'object') {
    const b = typeof x === 'number' ? x : x(v);
    return b >= 2 && n % b === 0 && n / b >= 2 ? b : null;
  }
  const fits: number[] = [];
  for (let b = Math.max(2, x[0]); b <= Math.min(x[1], n / 2); b++) if (n % b === 0) fits.push(b);
  return fits.length ? d.pick(fits) : null;
}

interface Drawn {
  step: Omit<SynthStep, 'description'>;
  /** Values shown for `{a}` and `{b}` in this move's text. */
  shown: { a: number; b: number };
}

export const apply = (a: number, op: Op, b: number): number =>
  op === '+' ? a + b : op === '-' ? a - b : op === '*' ? a * b : a / b;

/** The largest second operand that keeps `a op b` within [1, MAX_VALUE] ('/' is checked apart). */
const room = (a: number, op: Op): number =>
  op === '+' ? MAX_VALUE - a : op === '-' ? a - 1 : op === '*' ? Math.floor(MAX_VALUE / a) : MAX_VALUE;

function drawOpening(d: Dice, m: MoveSpec, v: Vars): Drawn | null {
  let a = draw(d, m.a!, v);
  if (a === null) return null;
  const b = draw(d, m.b, v, room(a, m.op));
  if (b === null) return null;
  if (m.op === '/') a *= b; // `a` was the quotient
  return { step: { a, op: m.op, b, result: apply(a, m.op, b) }, shown: { a, b } };
}

function drawNext(d: Dice, m: MoveSpec, v: Vars, prev: number): Drawn | null {
  if (m.flip) {
    const margin = draw(d, m.b, v);
    if (margin === null || margin < 1) return null;
    const total = prev + margin;
    return { step: { a: total, op: '-', b: prev, result: margin }, shown: { a: prev, b: total } };
  }
  const b = m.op === '/' ? divisor(d, m.b, v, prev) : draw(d, m.b, v, room(prev, m.op));
  if (b === null) return null;
  return { step: { a: prev, op: m.op, b, result: apply(prev, m.op, b) }, shown: { a: prev, b } };
}

const inBounds = (s: Drawn['step']): boolean =>
  Number.isInteger(s.result) && s.result >= 1 && Math.max(s.a, s.b, s.result) <= MAX_VALUE;

/** A chain of `length` moves through the family's kinds, each move used once, or null at a dead end. */
function chain(d: Dice, family: Family, length: number, v: Vars): { move: MoveSpec; drawn: Drawn }[] | null {
  const out: { move: MoveSpec; drawn: Drawn }[] = [];
  let kind: string | undefined;
  let prev = 0;
  for (let i = 0; i < length; i++) {
    const options = family.moves.filter((m) => m.from === kind && !out.some((o) => o.move === m));
    let found: { move: MoveSpec; drawn: Drawn } | null = null;
    while (options.length && !found) {
      const move = options.splice(d.int(0, options.length - 1), 1)[0];
      const drawn = i === 0 ? drawOpening(d, move, v) : drawNext(d, move, v, prev);
      if (drawn && inBounds(drawn.step)) found = { move, drawn };
    }
    if (!found) return null;
    out.push(found);
    kind = found.move.to;
    prev = found.drawn.step.result;
  }
  return out;
}

const capitalize = (s: string): string => s.replace(/(^|[.!?] )([a-z])/g, (_, pre, c: string) => pre + c.toUpperCase());

/**
 * Fills `{key}` from `vars`. `{N}` is the subject: the name at its first mention, after that the
 * name or the pronoun at random (`subject.pronoun` forces the pronoun, for reasoning clauses).
 */
function render(tpl: string, vars: Vars, subject: { named: boolean; pronoun?: boolean }, d: Dice, sentence = true): string {
  const out = tpl.replace(/\{(\w+)\}/g, (_, key: string) => {
    if (key === 'N') {
      if (subject.pronoun || (subject.named && d.chance(0.5))) return vars.he;
      subject.named = true;
      return vars.name;
    }
    if (key === 'name') subject.named = true;
    const value = vars[key];
    if (value === undefined) throw new Error(`synth template: no value for {${key}} in "${tpl}"`);
    return value;
  });
  return sentence ? capitalize(out) : out;
}

const MAX_TRIES = 64;

/** A problem of `family`, or null when random draws found no in-bounds chain of that length. */
export function buildProblem(d: Dice, family: Family, difficulty: number, id: string): Built | null {
  for (let attempt = 0; attempt < MAX_TRIES; attempt++) {
    const base = commonCast(d);
    const vars: Vars = { ...base, ...family.cast(d, base) };
    const moves = chain(d, family, difficulty, vars);
    if (moves) return renderProblem(d, family, difficulty, id, vars, moves);
  }
  return null;
}

function renderProblem(
  d: Dice, family: Family, difficulty: number, id: string, vars: Vars,
  moves: { move: MoveSpec; drawn: Drawn }[],
): Built {
  const stepVars = moves.map(({ drawn }) => ({ ...vars, a: String(drawn.shown.a), b: String(drawn.shown.b) }));
  // Rates and sizes may come first, as textbooks often state them; the story keeps its order.
  const hoisted = moves.map(({ move }, i) => i > 0 && move.fact === true && d.chance(0.3));
  const order = [...moves.keys()].sort((i, j) => Number(hoisted[j]) - Number(hoisted[i]));
  const subject = { named: false };
  const statements = order.map((i) => render(d.pick(moves[i].move.q), stepVars[i], subject, d));
  const kind = moves[moves.length - 1].move.to;
  const asks = family.ask[kind];
  if (!asks) throw new Error(`synth: family ${family.id} has no question for kind ${kind}`);
  const [ask, restate] = d.pick(asks);
  const question = render(ask, vars, { named: true }, d);
  const restatement = render(restate, vars, { named: true }, d, false);

  const steps = moves.map(({ move, drawn }, i): BuiltStep => {
    const v = stepVars[i];
    const step = { ...drawn.step, description: render(move.desc, v, { named: true }, d, false) };
    const why = render(move.why, v, { named: true, pronoun: true }, d, false);
    if (!move.say) return { step, why };
    const say = [render(move.say, v, { named: false }, d), render(move.say, v, { named: true, pronoun: true }, d)] as const;
    return { step, why, say };
  });
  return {
    problem: {
      id,
      question: `${statements.join(' ')} ${question}`,
      difficulty,
      template: family.id,
      steps: steps.map((s) => s.step),
      answer: steps[steps.length - 1].step.result,
    },
    steps,
    restatement,
    statements,
    statementSteps: order,
  };
}
