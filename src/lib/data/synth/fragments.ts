// Move sets shared by several families: a pile of things someone holds, selling it, and the money
// that comes of it. A family adds its own openings and moves; these supply the common next steps.
import type { Ask, MoveSpec } from './problem';

export interface Fragment {
  moves: MoveSpec[];
  ask: Record<string, Ask[]>;
}

export const range = (lo: number, hi: number) => [lo, hi] as const;

/** Merges fragments; a later fragment's questions for a kind are added to the earlier ones. */
export function merge(...parts: Fragment[]): Fragment {
  const out: Fragment = { moves: [], ask: {} };
  for (const p of parts) {
    out.moves.push(...p.moves);
    for (const [kind, asks] of Object.entries(p.ask)) (out.ask[kind] ??= []).push(...asks);
  }
  return out;
}

/** `{objs}` that `{N}` holds in kind `k`: more, fewer, shared among friends, packed into bags. */
export function pile(k: string): Fragment {
  const each = `${k}Each`;
  return {
    moves: [
      {
        op: '+', from: k, to: k, b: range(2, 30),
        q: ['{his} {rel} gives {him} {b} more {objs}.', 'Later, {N} gets {b} more {objs} from {his} {rel}.', 'Then {friend} gives {him} another {b} {objs}.'],
        why: '{he} gets {b} more {objs}', desc: '{objs} now', say: '{N} has',
      },
      {
        op: '-', from: k, to: k, b: range(2, 40),
        q: ['{N} gives {b} {objs} to {his} {rel}.', '{N} gives away {b} of the {objs} to {friend}.', '{N} hands {b} of the {objs} to {friend}.'],
        why: '{he} gives away {b} of them', desc: '{objs} left', say: '{N} has',
      },
      {
        op: '-', from: k, to: k, b: range(2, 20),
        q: ['{N} loses {b} {objs} on the way home.', 'On the way home, {N} drops {b} of the {objs} and cannot find them.'],
        why: '{b} of them are lost', desc: '{objs} left', say: '{N} has',
      },
      {
        op: '/', from: k, to: each, b: range(2, 9),
        q: ['{N} shares the {objs} equally among {b} friends.', '{N} splits the {objs} evenly between {b} friends.', '{N} divides the {objs} equally among {b} friends.'],
        why: 'the {objs} are shared equally by {b} friends', desc: '{objs} for each friend',
      },
      {
        op: '/', from: k, to: 'bags', b: range(2, 12),
        q: ['{N} puts the {objs} into bags of {b}.', '{N} packs the {objs} into bags, with {b} {objs} in each bag.'],
        why: '{he} packs them {b} to a bag', desc: 'bags', say: '{N} fills',
      },
      {
        op: '-', from: each, to: each, b: range(2, 10),
        q: ['Each friend uses {b} of them right away.', 'Each friend then gives {b} of them to a sibling.'],
        why: 'each friend uses up {b} of them', desc: '{objs} each friend has left',
      },
      {
        op: '+', from: each, to: each, b: range(2, 10),
        q: ['{friend} then gives each friend {b} more {objs}.', 'Later, each friend gets {b} more {objs} from {friend}.'],
        why: 'each friend gets {b} more', desc: '{objs} for each friend now',
      },
      ...(['bags', 'bagsLeft'] as const).map((from): MoveSpec => ({
        op: '*', from, to: 'cash', b: range(2, 9),
        q: ['{N} sells each bag for ${b}.', 'Each bag sells for ${b} at the {shop}.'],
        why: 'each bag sells for ${b}', desc: 'dollars', say: '{N} makes',
      })),
      // The bags given away still exist, so what is left is its own kind, asked as "left".
      {
        op: '-', from: 'bags', to: 'bagsLeft', b: range(2, 10),
        q: ['{N} gives {b} of the bags to {his} {rel}.', '{his} {rel} takes {b} of the bags.'],
        why: '{b} of the bags go to {his} {rel}', desc: 'bags left', say: '{N} has',
      },
    ],
    ask: {
      [k]: [
        ['How many {objs} does {name} have now?', 'how many {objs} {name} has now'],
        ['How many {objs} does {name} have in the end?', 'how many {objs} {name} has in the end'],
      ],
      [each]: [
        ['How many {objs} does each friend have now?', 'how many {objs} each friend has now'],
        ['How many {objs} does each friend end up with?', 'how many {objs} each friend ends up with'],
      ],
      bags: [
        ['How many bags does {name} have?', 'how many bags {name} has'],
        ['How many bags of {objs} are there?', 'how many bags of {objs} there are'],
      ],
      bagsLeft: [
        ['How many bags does {name} have left?', 'how many bags {name} has left'],
        ['How many bags does {name} have now?', 'how many bags {name} has now'],
      ],
    },
  };
}

/** Selling every `{obj}` of kind `k` at a price: the step from a count to money. */
export function sell(k: string): Fragment {
  return {
    moves: [
      {
        op: '*', from: k, to: 'cash', b: range(2, 9),
        q: ['{N} sells all of the {objs} for ${b} each.', '{N} sells every one of the {objs} for ${b} apiece.'],
        why: 'each of the {objs} sells for ${b}', desc: 'dollars', say: '{N} makes',
      },
    ],
    ask: {},
  };
}

/** Money `{N}` has in kind `k`: earning more, spending some, splitting it into envelopes. */
export function cash(k = 'cash'): Fragment {
  return {
    moves: [
      {
        op: '+', from: k, to: k, b: range(2, 50),
        q: ['{his} {rel} gives {him} ${b} more.', '{N} also earns ${b} helping {his} {rel}.'],
        why: '{he} gets ${b} more', desc: 'dollars in total', say: '{N} has',
      },
      {
        op: '-', from: k, to: k, b: range(2, 60),
        q: ['{N} spends ${b} on {treat2}.', '{N} then buys {treat2} for ${b}.'],
        why: '{he} spends ${b}', desc: 'dollars left', say: '{N} has',
      },
      {
        op: '/', from: k, to: `${k}Each`, b: range(2, 10),
        q: ['{N} puts the money into {b} envelopes, with the same amount in each.', '{N} divides the money equally among {b} envelopes.'],
        why: 'the money is split equally into {b} envelopes', desc: 'dollars in each envelope',
      },
    ],
    ask: {
      [k]: [
        ['How much money does {name} have now?', 'how much money {name} has now'],
        ['How many dollars does {name} have in the end?', 'how many dollars {name} has in the end'],
      ],
      [`${k}Each`]: [['How many dollars are in each envelope?', 'how many dollars are in each envelope']],
    },
  };
}
