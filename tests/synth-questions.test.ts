// Every synthetic question asks for what its answer computes. For each template family and each
// move, problems whose last step is that move are built for real (`buildProblem` on the family cut
// down to a shortest chain ending in the move), and the question's last sentence is checked
// against the final step: the unit its description counts, and the qualifiers in RULES.
import { describe, expect, it } from 'vitest';
import { synthProblems, type SynthProblem } from '../src/lib/data/synth';
import { buildProblem, type Family, type MoveSpec } from '../src/lib/data/synth/problem';
import { Dice } from '../src/lib/data/synth/rng';
import { FAMILIES } from '../src/lib/data/synth/templates';
import { VERB_STORY_FAMILIES } from '../src/lib/data/synth/verb-stories';

const TOTAL = /\b(in total|in all|altogether)\b/;
/** Words that ask for the state after a change rather than the whole before it. */
const AFTER = /\b(left|still|remain\w*|now|in the end|end up|more)\b/;

interface Rule {
  name: string;
  /** Matched against the final step's description ("students present"). */
  desc: RegExp;
  /** The question must say this: it asks for that quantity. */
  ask?: RegExp;
  /** The question must not say this: it would ask for another quantity. */
  not?: RegExp;
}

// The qualifiers the templates' descriptions use, and what each one demands of the question.
// A remainder ("left", "present", "good", …) is never asked as a total or as "how many are
// there" (the things taken away still exist); a share ("each", "a day") is asked per share.
const RULES: readonly Rule[] = [
  { name: 'left', desc: /\b(left|still to)\b/, ask: AFTER, not: TOTAL },
  { name: 'now', desc: /\bnow\b/, ask: /\b(now|in the end|end up|in total|in all|altogether)\b/ },
  { name: 'present', desc: /\bpresent\b/, ask: /\b(present|at school)\b/, not: TOTAL },
  { name: 'going', desc: /\bgoing\b/, ask: /\bgo(es)?\b/, not: TOTAL },
  { name: 'good', desc: /\bgood\b/, ask: /\bgood\b/, not: TOTAL },
  { name: 'free', desc: /\bfree\b/, ask: /\bfree\b/, not: TOTAL },
  { name: 'on the shelves', desc: /\bon the shelves\b/, ask: /\bshel(f|ves)\b/, not: TOTAL },
  { name: 'each', desc: /\b(each|per)\b/, ask: /\b(each|per)\b/, not: TOTAL },
  { name: 'rate', desc: /\ba (day|week)\b/, ask: /\b(a|each|per|one) (day|week)\b/, not: TOTAL },
  { name: 'period', desc: /\b(over|this (week|month)|in \d+ (days|weeks))\b/, not: /\b(each|per|a day|a week)\b/ },
  { name: 'total', desc: /\bin (total|all)\b/, not: /\b(each|per|left)\b/ },
  { name: 'change', desc: /\bin change\b/, ask: /\bchange\b/ },
  { name: 'discount', desc: /\bafter the discount\b/, ask: /\bafter the discount\b/ },
  { name: 'to buy', desc: /\bto buy\b/, ask: /\bbuy\b/ },
  { name: 'to hand out', desc: /\bto hand out\b/, ask: /\bhand out\b/ },
  { name: 'more', desc: /\bmore$/, ask: /\bmore\b/ },
  { name: 'saves', desc: /\bsaves\b/, ask: /\bsave\b/ },
];

/** Other words a question may use for a description's unit. */
const UNIT_SYNONYMS: Readonly<Record<string, RegExp>> = { dollars: /\b(dollars|money|how much)\b/ };
/** Adjectives before the unit in a description ("good hats"): qualifiers, checked by RULES. */
const ADJECTIVES = new Set(['good', 'free']);

/** The question itself: the text after the last sentence end (not the one of "Ms. Chen"). */
const lastSentence = (text: string): string => text.split(/(?<=[.?!])(?<!\b(?:Mr|Ms)\.)\s+/).at(-1)!;

const words = (s: string): string[] => s.toLowerCase().split(/[^a-z0-9']+/).filter(Boolean);

/** What is wrong with `question` as the question for a final step `op` described by `desc`. */
function mismatches(desc: string, op: string, question: string): string[] {
  const asked = lastSentence(question);
  const q = asked.toLowerCase();
  const out: string[] = [];
  const unit = words(desc).find((w) => !ADJECTIVES.has(w))!;
  if (!(UNIT_SYNONYMS[unit] ?? new RegExp(`\\b${unit}\\b`)).test(q)) out.push(`unit "${unit}" not asked`);
  const named = desc.match(/\bfor ([A-Z][a-z]+)\b/);
  if (named && !asked.includes(named[1])) out.push(`asks about someone other than ${named[1]}`);
  const matched = RULES.filter((r) => r.desc.test(desc));
  for (const r of matched) {
    if (r.ask && !r.ask.test(q)) out.push(`${r.name}: question lacks ${r.ask}`);
    if (r.not?.test(q)) out.push(`${r.name}: question says ${r.not}`);
  }
  // And the other way: a question for a share or a remainder needs an answer that is one.
  if (/\b(each|per)\b/.test(q) && !matched.some((r) => r.name === 'each' || r.name === 'rate')) out.push('asks per share, the answer is not one');
  if (/\bleft\b/.test(q) && !matched.some((r) => r.name === 'left')) out.push('asks what is left, the answer is not a remainder');
  if (op === '-' && TOTAL.test(q)) out.push('asks for a total after a subtraction');
  return out;
}

/** The kinds reached by shortest chains from the openings, each with its chain. */
function shortestChains(family: Family): Map<string, MoveSpec[]> {
  const chains = new Map<string, MoveSpec[]>();
  let frontier = family.moves.filter((m) => m.from === undefined).map((m) => [m]);
  while (frontier.length) {
    const next: MoveSpec[][] = [];
    for (const chain of frontier) {
      const kind = chain.at(-1)!.to;
      if (chains.has(kind)) continue;
      chains.set(kind, chain);
      for (const m of family.moves) if (m.from === kind) next.push([...chain, m]);
    }
    frontier = next;
  }
  return chains;
}

/**
 * The family with only a shortest chain ending in `move`: its kinds are distinct, so the chain
 * can only be built in that order, and `buildProblem` of its length always ends with `move`.
 */
function endingIn(family: Family, move: MoveSpec, chains: Map<string, MoveSpec[]>): Family | null {
  if (move.from === undefined) return { ...family, moves: [move] };
  const lead = chains.get(move.from);
  return lead ? { ...family, moves: [...lead, move] } : null;
}

/** "How many {objs} does {name} have?" → a pattern its renderings match. */
const askPattern = (ask: string): RegExp =>
  new RegExp(`^${ask.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{\w+\}/g, '.+')}$`);

const SAMPLES = 24;

describe('synth questions ask for what the answer computes', () => {
  it.each([...FAMILIES, ...VERB_STORY_FAMILIES.map((v) => v.family)].map((f) => [f.id, f] as const))('%s: every move, as the last step, against every question for its kind', (_, family) => {
    const chains = shortestChains(family);
    const failures = new Map<string, string>();
    const asked = new Set<string>();
    family.moves.forEach((move, i) => {
      const cut = endingIn(family, move, chains);
      const where = `${family.id} move ${i} (${move.from ?? 'opening'} → ${move.to}, "${move.desc}")`;
      if (!cut) {
        failures.set(where, `${where}: no chain reaches it`);
        return;
      }
      let built = 0;
      for (let seed = 0; built < SAMPLES && seed < 4 * SAMPLES; seed++) {
        const b = buildProblem(new Dice(seed * 7919 + i), cut, cut.moves.length, 'x');
        if (!b) continue;
        built++;
        const last = b.problem.steps.at(-1)!;
        const question = lastSentence(b.problem.question);
        for (const [ask] of family.ask[move.to] ?? []) if (askPattern(ask).test(question)) asked.add(`${move.to}: ${ask}`);
        for (const why of mismatches(last.description, last.op, question)) {
          const key = `${where} ${why.replace(/"[^"]*"/g, '')}`;
          if (!failures.has(key)) failures.set(key, `${where}: ${why}\n    answer: ${last.result} ${last.description}\n    question: ${question}`);
        }
      }
      if (built < SAMPLES / 2) failures.set(where, `${where}: built only ${built} problems`);
    });
    // Every question a kind can end with was drawn and checked.
    const kinds = new Set(family.moves.map((m) => m.to));
    const unasked = [...kinds].flatMap((k) => (family.ask[k] ?? []).map(([a]) => `${k}: ${a}`)).filter((a) => !asked.has(a));
    expect([...failures.values()].join('\n')).toBe('');
    expect(unasked).toEqual([]);
  });

  it('holds on a generated dataset', () => {
    const problems: SynthProblem[] = synthProblems({ n: 2000, seed: 23 });
    const bad = problems.flatMap((p) => {
      const last = p.steps.at(-1)!;
      return mismatches(last.description, last.op, p.question).map((why) => `${p.template}: ${why}: "${last.description}" ← ${p.question}`);
    });
    expect(bad.slice(0, 10)).toEqual([]);
  });

  it('catches the reported held-out item', () => {
    const question = "There are 18 boys and 30 girls in Olivia's grade. Today 3 of the students are home sick. How many students are there?";
    expect(mismatches('students present', '-', question)).toEqual([expect.stringMatching(/^present:/)]);
    expect(mismatches('students present', '-', 'How many students are at school today?')).toEqual([]);
  });
});
