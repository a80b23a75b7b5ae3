// Stories of getting and losing things, told with everyday verbs, most of which the template
// families never use ("She gleans 12 more pears.", "He tossed out 30 of his markers."), in the
// present or the past.
// They help the fine-tuned model read problems phrased unlike the templates: in two fine-tunes a
// side, 1,522 of them in place of as many one- and two-step records took the hand-written problems
// from 115 to 136 of 380 (experiment/generalisation.md, "Verbs of getting and losing in the
// fine-tune"). Used for a share of the training records only (`verbStories` in SynthOptions):
// never in the held-out eval split or in pretraining text.
//
// The verbs come from WordNet 3.1 (Princeton University; the WordNet license, free to use with its
// notice): the lemmas of twelve verb synsets of coming into possession and eleven of losing it,
// with their direct hyponyms tagged at least twice in SemCor, pruned by meaning; "give away" was
// added by hand. The synsets, by their WordNet 3.1 offsets: getting 02215637 (get, acquire),
// 02214901 (receive), 02242867 (obtain), 02211988 (buy), 01383303 (gather, collect), 01384737
// (pick, pluck), 02290474 and 02218118 (find), 02294200 (earn), 02293158 (win), 02310566 (pick up),
// 02309962 (accumulate); losing 02292634 and 02292463 (lose), 02247246 (sell), 02271905 (spend),
// 02204104 (give), 02227100 (discard), 01159815 (use up), 01170802 (eat), 01199565 (consume),
// 00335806 (break), 01981715 (drop).
import type { Family, MoveSpec } from './problem';
import type { Dice } from './rng';
import { ALL_OBJECTS, ANIMALS, BAKED, FRUITS, SNACKS, VEGETABLES, type Noun } from './lexicon';

const words = (text: string): string[] => text.trim().split(/\s+/).map((w) => w.replace('_', ' '));

/** Taking in things of any kind. */
const GETTING = words(`accept accumulate acquire amass borrow bring_in buy buy_up catch collect dig_up discover
  find gain garner gather gather_up get get_back glean harvest hoard inherit locate make obtain pick pick_up
  pile_up pluck procure purchase reap receive reclaim recover regain retrieve round_up secure take take_in win
  win_back`);
/** Parting with things of any kind, with no one receiving them. */
const LOSING = words(`abandon break cast_away chuck_out demolish discard drop dump lose sell smash throw_away
  throw_out toss toss_away toss_out use_up give_up give_away`);
/** Parting with things to someone: "gives 5 pears to Omar". */
const GIVING = words('give lend loan return present contribute');
/** Parting with food by eating it. */
const EATING = words('consume devour eat eat_up gobble finish');
const EARNING = words('earn make win receive get');
const SPENDING = words('spend expend invest');

const FOODS: readonly Noun[] = [...FRUITS, ...BAKED, ...VEGETABLES, ...SNACKS];
const THINGS: readonly Noun[] = [...ALL_OBJECTS, ...ANIMALS];

const PAST: Readonly<Record<string, string>> = {
  buy: 'bought', catch: 'caught', dig: 'dug', find: 'found', get: 'got', make: 'made', take: 'took', win: 'won',
  bring: 'brought', break: 'broke', give: 'gave', lend: 'lent', lose: 'lost', sell: 'sold', throw: 'threw',
  eat: 'ate', spend: 'spent', cast: 'cast',
};

function presentTense(verb: string): string {
  if (/[^aeiou]y$/.test(verb)) return verb.slice(0, -1) + 'ies';
  return /(s|x|z|ch|sh|o)$/.test(verb) ? verb + 'es' : verb + 's';
}

function pastTense(verb: string): string {
  if (PAST[verb]) return PAST[verb];
  if (verb.endsWith('e')) return verb + 'd';
  if (/[^aeiou]y$/.test(verb)) return verb.slice(0, -1) + 'ied';
  // One short syllable ending in a consonant doubles it: "drop" → "dropped".
  if (verb.length <= 4 && /[^aeiou][aeiou][bdgmnprt]$/.test(verb)) return verb + verb.at(-1) + 'ed';
  return verb + 'ed';
}

export type Tense = 'present' | 'past';

/** "pick up" → "picks up" or "picked up": the verb inflected, its particle kept. */
export function inflect(lemma: string, tense: Tense): string {
  const [verb, ...particle] = lemma.split(' ');
  return [tense === 'present' ? presentTense(verb) : pastTense(verb), ...particle].join(' ');
}

/** The tense's words for the cast: {has}, {does}, {now}. */
const TENSE_WORDS: Readonly<Record<Tense, Record<string, string>>> = {
  present: { has: 'has', does: 'does', now: 'now' },
  past: { has: 'had', does: 'did', now: 'in the end' },
};

/** The cast's verbs: two of each list, inflected in one tense, as {key} and {key2}. */
function verbCast(d: Dice, tense: Tense, lists: Readonly<Record<string, readonly string[]>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, list] of Object.entries(lists)) {
    out[key] = inflect(d.pick(list), tense);
    out[`${key}2`] = inflect(d.pick(list), tense);
  }
  return out;
}

/** The amount a story starts with: mostly two digits, sometimes hundreds. */
const startAmount = (d: Dice): string => String(d.chance(0.8) ? d.int(10, 99) : d.int(100, 500));

const START = (v: Readonly<Record<string, string>>) => Number(v.start);
const GAIN = [2, 60] as const;
const LOSS = [1, 499] as const;

interface Move {
  /** The move's sentences; {V} is its verb. */
  q: readonly string[];
  /** The move as a reasoning clause, after its subject: "{V} {b} more". */
  why: string;
  gain: boolean;
  /** The cast's key for the verb: the opening uses {key}, a later step {key2}. */
  verb: string;
}

interface Unit {
  /** The opening's first sentence, stating {a}, and the same as a clause for the think part. */
  has: string;
  hasWhy: string;
  gained: string;
  left: string;
  asks: Family['ask'];
}

/**
 * A family from its moves: each as an opening ("{name} {has} {a} {objs}." then the move) and as a
 * later step after a gain or a loss, so that chains of any length mix them.
 */
function storyFamily(id: string, cast: Family['cast'], moves: readonly Move[], unit: Unit): Family {
  const specs: MoveSpec[] = moves.flatMap((m) => {
    const [op, to, desc, b] = m.gain ? (['+', 'gained', unit.gained, GAIN] as const) : (['-', 'left', unit.left, LOSS] as const);
    const withVerb = (text: string, key: string) => text.replaceAll('{V}', `{${key}}`);
    const opening: MoveSpec = {
      op, to, a: START, b, desc, say: '{N} {has}',
      q: m.q.map((q) => `${unit.has} ${withVerb(q, m.verb)}`),
      why: `${unit.hasWhy} and ${withVerb(m.why, m.verb)}`,
    };
    const later = (from: string): MoveSpec => ({
      op, from, to, b, desc, say: '{N} {has}',
      q: m.q.map((q) => withVerb(q, `${m.verb}2`)),
      why: `{he} ${withVerb(m.why, `${m.verb}2`)}`,
    });
    return [opening, later('gained'), later('left')];
  });
  return { id, theme: 'getting and losing', cast, moves: specs, ask: unit.asks };
}

const objectAsks: Family['ask'] = {
  gained: [['How many {objs} {does} {name} have {now}?', 'how many {objs} {name} {has} {now}']],
  left: [
    ['How many {objs} {does} {name} have left?', 'how many {objs} {name} {has} left'],
    ['How many {objs} {does} {name} have {now}?', 'how many {objs} {name} {has} {now}'],
  ],
};

const OBJECT_UNIT: Unit = { has: '{name} {has} {a} {objs}.', hasWhy: '{he} {has} {a} {objs}', gained: '{objs}', left: '{objs} left', asks: objectAsks };

const GET: Move = { q: ['{N} {V} {b} more {objs}.', '{N} {V} {b} {objs}.'], why: '{V} {b} more', gain: true, verb: 'gets' };
const LOSE: Move = { q: ['{N} {V} {b} of {his} {objs}.', '{N} {V} {b} {objs}.'], why: '{V} {b} of them', gain: false, verb: 'loses' };
const GIVE: Move = { q: ['{N} {V} {b} {objs} to {friend}.'], why: '{V} {b} of them to {friend}', gain: false, verb: 'gives' };
const EAT: Move = { q: ['{N} {V} {b} of {his} {objs}.', '{N} {V} {b} {objs}.'], why: '{V} {b} of them', gain: false, verb: 'eats' };

/** A story's cast: one tense for all its words, its verbs, its objects (none for money) and its start. */
function storyCast(lists: Readonly<Record<string, readonly string[]>>, nouns?: readonly Noun[]): Family['cast'] {
  return (d) => {
    const tense: Tense = d.chance(0.5) ? 'present' : 'past';
    const objs = nouns && { objs: d.pick(nouns).many };
    return { ...TENSE_WORDS[tense], ...verbCast(d, tense, lists), ...objs, start: startAmount(d) };
  };
}

const moneyAsks: Family['ask'] = {
  gained: [['How much money {does} {name} have {now}?', 'how much money {name} {has} {now}']],
  left: [
    ['How many dollars {does} {name} have left?', 'how many dollars {name} {has} left'],
    ['How much money {does} {name} have {now}?', 'how much money {name} {has} {now}'],
  ],
};

/** The stories, each with the share of the verb stories it tells. */
export const VERB_STORY_FAMILIES: readonly { family: Family; weight: number }[] = [
  {
    family: storyFamily('getting-and-losing', storyCast({ gets: GETTING, loses: LOSING, gives: GIVING }, THINGS), [GET, LOSE, GIVE], OBJECT_UNIT),
    weight: 0.55,
  },
  {
    family: storyFamily('getting-and-eating', storyCast({ gets: GETTING, loses: LOSING, gives: GIVING, eats: EATING }, FOODS), [GET, LOSE, GIVE, EAT], OBJECT_UNIT),
    weight: 0.25,
  },
  {
    family: storyFamily(
      'earning-and-spending',
      storyCast({ earns: EARNING, spends: SPENDING }),
      [
        { q: ['{N} {V} ${b} more.'], why: '{V} ${b} more', gain: true, verb: 'earns' },
        { q: ['{N} {V} ${b}.'], why: '{V} ${b}', gain: false, verb: 'spends' },
      ],
      { has: '{name} {has} ${a}.', hasWhy: '{he} {has} ${a}', gained: 'dollars', left: 'dollars left', asks: moneyAsks },
    ),
    weight: 0.2,
  },
];

/** A verb story's family, drawn by the weights. */
export function pickVerbFamily(d: Dice): Family {
  let roll = d.int(0, 99);
  return VERB_STORY_FAMILIES.find(({ weight }) => (roll -= Math.round(weight * 100)) < 0)!.family;
}

/** Whether a record's template is one of these stories. */
export const isVerbStory = (template: string): boolean => VERB_STORY_FAMILIES.some(({ family }) => family.id === template);
