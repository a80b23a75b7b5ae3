// Stories of getting, losing, sharing and packing things, told with everyday verbs, most of which
// the template families never use ("She gleans 12 more pears.", "He tossed out 30 of his markers.",
// "She doles out the pears among 6 cousins."), in the present or the past, some of them set at
// a time or a place ("On Tuesday, Omar had 45 apricots."; "… 9 more at the bakery.").
// They help the fine-tuned model read problems phrased unlike the templates: in two fine-tunes a
// side, 1,522 of them in place of as many one- and two-step records took the hand-written problems
// from 115 to 136 of 380 (experiment/generalisation.md, "Verbs of getting and losing in the
// fine-tune"), and sharing, packing, times and places took them from 245 to 277 of 720 over three
// more, 49 to 68 of 150 on the set written before them ("A sixth set"). Used for a share of the
// training records only (`verbStories` in SynthOptions): never in the held-out eval split or in
// pretraining text.
//
// The verbs come from WordNet 3.1 (Princeton University; the WordNet license, free to use with its
// notice): the lemmas of twelve verb synsets of coming into possession and eleven of losing it,
// with their direct hyponyms tagged at least twice in SemCor, pruned by meaning; "give away" was
// added by hand. The synsets, by their WordNet 3.1 offsets: getting 02215637 (get, acquire),
// 02214901 (receive), 02242867 (obtain), 02211988 (buy), 01383303 (gather, collect), 01384737
// (pick, pluck), 02290474 and 02218118 (find), 02294200 (earn), 02293158 (win), 02310566 (pick up),
// 02309962 (accumulate); losing 02292634 and 02292463 (lose), 02247246 (sell), 02271905 (spend),
// 02204104 (give), 02227100 (discard), 01159815 (use up), 01170802 (eat), 01199565 (consume),
// 00335806 (break), 01981715 (drop); sharing 02206426 (distribute, hand out), 02299140 (share,
// portion out), 02299397 (deal out, dole out), 02473085 (divide, split); packing 01485079 (pack)
// and its hyponyms bag and bundle, 01487784 (box, package), 01492646 (load), with "put" added by
// hand.
import type { Family, MoveSpec, Operand } from './problem';
import type { Dice } from './rng';
import { ALL_OBJECTS, ANIMALS, BAKED, CONTAINERS, FRUITS, PLACES, SHARERS, SHOPS, SNACKS, TOWNS, VEGETABLES, type Noun } from './lexicon';

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
/** Parting with all of them in equal shares: "shares them equally among 6 friends". */
const SHARING = words(`share divide split split_up distribute hand_out give_out pass_out portion_out divvy_up
  deal_out dole_out parcel_out`);
/** Putting all of them into containers of a size: "packs them into bags of 6". */
const PACKING = words('pack bag bundle box package load put');

const FOODS: readonly Noun[] = [...FRUITS, ...BAKED, ...VEGETABLES, ...SNACKS];
const THINGS: readonly Noun[] = [...ALL_OBJECTS, ...ANIMALS];

const PAST: Readonly<Record<string, string>> = {
  buy: 'bought', catch: 'caught', dig: 'dug', find: 'found', get: 'got', make: 'made', take: 'took', win: 'won',
  bring: 'brought', break: 'broke', give: 'gave', lend: 'lent', lose: 'lost', sell: 'sold', throw: 'threw',
  eat: 'ate', spend: 'spent', cast: 'cast', split: 'split', put: 'put', deal: 'dealt',
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

// Phrases of time and place, from a small grammar: a preposition with a day, a part of the day, a
// place, a shop or a town. A story may open with a time ("On Monday, Mia has …") and any move may
// end at a place ("… 9 more at the bakery."): in a trial, one such word anywhere in a question
// moved the plan's model to the wrong number (experiment/generalisation.md, "Where the plan's model
// misses").
const DAYS = words('Monday Tuesday Wednesday Thursday Friday Saturday Sunday');
const TIMES: Readonly<Record<Tense, readonly string[]>> = {
  present: ['in the morning', 'in the afternoon', 'after school', 'at lunch', 'today', 'this week'],
  past: ['in the morning', 'after school', 'yesterday', 'last week', 'last weekend', 'this morning'],
};
/** The share of stories that open with a time, and of moves that end at a place. */
const WHEN_SHARE = 0.35;
const WHERE_SHARE = 0.3;

function timePhrase(d: Dice, tense: Tense): string {
  const roll = d.int(0, 2);
  if (roll === 0) return `on ${d.pick(DAYS)}`;
  if (roll === 1 && tense === 'past') return `last ${d.pick(DAYS)}`;
  return d.pick(TIMES[tense]);
}

function placePhrase(d: Dice): string {
  const roll = d.int(0, 5);
  if (roll <= 1) return `at the ${d.pick(PLACES)}`;
  if (roll === 2) return `at the ${d.pick(SHOPS)}`;
  if (roll === 3) return `in ${d.pick(TOWNS)}`;
  return d.pick(['at school', 'at home', 'on the way home', 'on the way to school']);
}

/** {when} opens the story ("on Monday, " or nothing); {where} ends its first move and {where2} a later one. */
function phraseCast(d: Dice, tense: Tense): Record<string, string> {
  const where = () => (d.chance(WHERE_SHARE) ? ` ${placePhrase(d)}` : '');
  return { when: d.chance(WHEN_SHARE) ? `${timePhrase(d, tense)}, ` : '', where: where(), where2: where() };
}

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

/** What a move does to the amount, and the kind of quantity it leaves. */
interface Effect {
  op: MoveSpec['op'];
  to: string;
  b: Operand;
  /** Division only: the opening's amount is built from this quotient. */
  quotient?: Operand;
}

const EFFECTS = {
  gain: { op: '+', to: 'gained', b: [2, 60] },
  loss: { op: '-', to: 'left', b: [1, 499] },
  // Sharing and packing divide all of it.
  share: { op: '/', to: 'each', b: [2, 9], quotient: [2, 15] },
  pack: { op: '/', to: 'groups', b: [2, 12], quotient: [2, 15] },
} as const satisfies Record<string, Effect>;

interface Move {
  /** The move's sentences; {V} is its verb and {W} its place phrase. */
  q: readonly string[];
  /** The move as a reasoning clause, after its subject: "{V} {b} more". */
  why: string;
  effect: keyof typeof EFFECTS;
  /** The cast's key for the verb: the opening uses {key}, a later step {key2}. */
  verb: string;
}

interface Unit {
  /** The opening's first sentence, stating {a}, and the same as a clause for the think part. */
  has: string;
  hasWhy: string;
  /** What the result of each effect counts, by the kind it leaves: "{objs} left". */
  desc: Readonly<Partial<Record<string, string>>>;
  asks: Family['ask'];
}

/**
 * A family from its moves: each as an opening ("{name} {has} {a} {objs}." then the move) and as a
 * later step after a gain or a loss, so that chains of any length mix them. Sharing and packing
 * use up the amount, so nothing follows them.
 */
function storyFamily(id: string, cast: Family['cast'], moves: readonly Move[], unit: Unit, openings: readonly MoveSpec[] = []): Family {
  const specs: MoveSpec[] = moves.flatMap((m) => {
    const effect: Effect = EFFECTS[m.effect];
    const { op, to, b } = effect;
    const desc = unit.desc[to];
    if (desc === undefined) throw new Error(`verb stories: family ${id} has a move to "${to}" and no description for it`);
    const bind = (text: string, n: '' | '2') => text.replaceAll('{V}', `{${m.verb}${n}}`).replaceAll('{W}', `{where${n}}`);
    const opening: MoveSpec = {
      op, to, a: effect.quotient ?? START, b, desc, say: '{N} {has}',
      q: m.q.map((q) => `{when}${unit.has} ${bind(q, '')}`),
      why: `${unit.hasWhy} and ${bind(m.why, '')}`,
    };
    const later = (from: string): MoveSpec => ({
      op, from, to, b, desc, say: '{N} {has}',
      q: m.q.map((q) => bind(q, '2')),
      why: `{he} ${bind(m.why, '2')}`,
    });
    return [opening, later('gained'), later('left')];
  });
  return { id, theme: 'everyday stories', cast, moves: [...openings, ...specs], ask: unit.asks };
}

const objectAsks: Family['ask'] = {
  gained: [['How many {objs} {does} {name} have {now}?', 'how many {objs} {name} {has} {now}']],
  left: [
    ['How many {objs} {does} {name} have left?', 'how many {objs} {name} {has} left'],
    ['How many {objs} {does} {name} have {now}?', 'how many {objs} {name} {has} {now}'],
  ],
};

const OBJECT_UNIT: Unit = {
  has: '{name} {has} {a} {objs}.', hasWhy: '{he} {has} {a} {objs}', desc: { gained: '{objs}', left: '{objs} left' }, asks: objectAsks,
};

const GET: Move = { q: ['{N} {V} {b} more {objs}{W}.', '{N} {V} {b} {objs}{W}.'], why: '{V} {b} more', effect: 'gain', verb: 'gets' };
const LOSE: Move = { q: ['{N} {V} {b} of {his} {objs}{W}.', '{N} {V} {b} {objs}{W}.'], why: '{V} {b} of them', effect: 'loss', verb: 'loses' };
const GIVE: Move = { q: ['{N} {V} {b} {objs} to {friend}{W}.'], why: '{V} {b} of them to {friend}', effect: 'loss', verb: 'gives' };
const EAT: Move = { q: ['{N} {V} {b} of {his} {objs}{W}.', '{N} {V} {b} {objs}{W}.'], why: '{V} {b} of them', effect: 'loss', verb: 'eats' };
const SHARE: Move = {
  q: ['{N} {V} the {objs} equally among {b} {people}{W}.', '{N} {V} the {objs} among {b} {people}{W}, the same number for each.'],
  why: '{V} them equally among {b} {people}', effect: 'share', verb: 'shares',
};
const PACK: Move = {
  q: ['{N} {V} the {objs} into {conts} of {b}{W}.', '{N} {V} them into {conts}{W}, {b} in each {cont}.'],
  why: '{V} them into {conts} of {b}', effect: 'pack', verb: 'packs',
};

/** "{name} buys 4 boxes of pears. Each box holds 12 pears.": an amount given as containers of a size. */
const CONTAINERS_OF: MoveSpec = {
  op: '*', to: 'gained', a: [2, 9], b: [2, 20], desc: '{objs}', say: '{N} {has}',
  q: ['{when}{name} {gets} {a} {boxes} of {objs}{where}. Each {box} holds {b} {objs}.', '{when}{name} {gets} {a} {boxes} of {objs}{where}, with {b} {objs} in each {box}.'],
  why: '{he} {gets} {a} {boxes} with {b} {objs} in each',
};

/** A story's cast: one tense for all its words, its verbs, its objects (none for money), its start and its phrases. */
function storyCast(lists: Readonly<Record<string, readonly string[]>>, nouns?: readonly Noun[]): Family['cast'] {
  return (d) => {
    const tense: Tense = d.chance(0.5) ? 'present' : 'past';
    const objs = nouns && { objs: d.pick(nouns).many };
    return { ...TENSE_WORDS[tense], ...verbCast(d, tense, lists), ...objs, start: startAmount(d), ...phraseCast(d, tense) };
  };
}

/** The sharing story's cast adds the people it shares among and two kinds of container. */
function sharingCast(lists: Readonly<Record<string, readonly string[]>>, nouns: readonly Noun[]): Family['cast'] {
  const story = storyCast(lists, nouns);
  return (d, base) => {
    const sharer = d.pick(SHARERS);
    const box = d.pick(CONTAINERS);
    const cont = d.pickOther(CONTAINERS, box);
    return { ...story(d, base), person: sharer.one, people: sharer.many, box: box.one, boxes: box.many, cont: cont.one, conts: cont.many };
  };
}

const moneyAsks: Family['ask'] = {
  gained: [['How much money {does} {name} have {now}?', 'how much money {name} {has} {now}']],
  left: [
    ['How many dollars {does} {name} have left?', 'how many dollars {name} {has} left'],
    ['How much money {does} {name} have {now}?', 'how much money {name} {has} {now}'],
  ],
};

const SHARING_UNIT: Unit = {
  ...OBJECT_UNIT,
  desc: { ...OBJECT_UNIT.desc, each: '{objs} for each {person}', groups: '{conts}' },
  asks: {
    ...objectAsks,
    each: [['How many {objs} {does} each {person} get?', 'how many {objs} each {person} gets']],
    groups: [['How many {conts} {does} {name} fill?', 'how many {conts} {name} fills']],
  },
};

/** The stories, each with the share of the verb stories it tells. */
export const VERB_STORY_FAMILIES: readonly { family: Family; weight: number }[] = [
  {
    family: storyFamily('getting-and-losing', storyCast({ gets: GETTING, loses: LOSING, gives: GIVING }, THINGS), [GET, LOSE, GIVE], OBJECT_UNIT),
    weight: 0.45,
  },
  {
    family: storyFamily('getting-and-eating', storyCast({ gets: GETTING, loses: LOSING, gives: GIVING, eats: EATING }, FOODS), [GET, LOSE, GIVE, EAT], OBJECT_UNIT),
    weight: 0.2,
  },
  {
    family: storyFamily(
      'earning-and-spending',
      storyCast({ earns: EARNING, spends: SPENDING }),
      [
        { q: ['{N} {V} ${b} more{W}.'], why: '{V} ${b} more', effect: 'gain', verb: 'earns' },
        { q: ['{N} {V} ${b}{W}.'], why: '{V} ${b}', effect: 'loss', verb: 'spends' },
      ],
      { has: '{name} {has} ${a}.', hasWhy: '{he} {has} ${a}', desc: { gained: 'dollars', left: 'dollars left' }, asks: moneyAsks },
    ),
    weight: 0.15,
  },
  {
    family: storyFamily(
      'sharing-and-packing',
      sharingCast({ gets: GETTING, loses: LOSING, shares: SHARING, packs: PACKING }, ALL_OBJECTS),
      [GET, LOSE, SHARE, PACK],
      SHARING_UNIT,
      [CONTAINERS_OF],
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
