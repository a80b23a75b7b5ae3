// The problem families. Each one is a small story world: openings that state two numbers, then
// moves that each add one step, through the kinds of quantity that world has ("items", "cash").
// Texts use placeholders filled by `render` in problem.ts: {name} (always the name), {N} (the
// subject: name or pronoun), {he} {his} {him}, {a} {b} (the step's numbers), and the cast's words.
import type { Ask, Family, MoveSpec } from './problem';
import { cash, merge, pile, range, sell, type Fragment } from './fragments';
import {
  ANIMALS, BAKED, CHORE_VERBS, CHORES, CONTAINERS, CRAFTS, DISHES, FLOWERS, FRUITS, GOODS, INGREDIENTS,
  INSTRUMENTS, MATERIALS, SAVING_GOALS, SCHOOL_ITEMS, SNACKS, TOYS, UNITS, VEGETABLES, VEHICLES,
  withArticle, type Noun,
} from './lexicon';

const noun = (n: Noun, key = 'obj'): Record<string, string> => ({ [key]: n.one, [`${key}s`]: n.many });

function family(
  id: string, theme: string, cast: Family['cast'],
  own: { moves: MoveSpec[]; ask: Record<string, Ask[]> }, ...shared: Fragment[]
): Family {
  const { moves, ask } = merge(own, ...shared);
  return { id, theme, cast, moves, ask };
}

const HOURS: MoveSpec = {
  op: '/', from: 'mins', to: 'hours', b: 60, fact: true,
  q: ['There are 60 minutes in an hour.', 'An hour has 60 minutes.'],
  why: 'an hour has 60 minutes', desc: 'hours', say: 'That is',
};

export const FAMILIES: readonly Family[] = [
  family('shop-packs', 'shopping', (d) => ({ ...noun(d.pick([...SCHOOL_ITEMS, ...TOYS, ...CRAFTS])), ...noun(d.pick(CONTAINERS.slice(0, 3)), 'cont') }), {
    moves: [
      {
        op: '*', to: 'items', a: range(2, 9), b: range(3, 12),
        q: ['{name} buys {a} {conts} of {objs} at the {shop}. Each {cont} has {b} {objs}.', 'At the {shop}, {name} picks up {a} {conts} of {objs}, with {b} {objs} in every {cont}.', 'Each {cont} of {objs} at the {shop} holds {b} {objs}. {name} buys {a} {conts}.'],
        why: '{he} buys {a} {conts} with {b} {objs} in each', desc: '{objs}', say: '{N} buys',
      },
      {
        op: '+', to: 'items', a: range(4, 40), b: range(3, 30),
        q: ['{name} has {a} {objs}. {N} buys {b} more at the {shop}.', '{name} already owns {a} {objs}, and {he} gets {b} more at the {shop}.'],
        why: '{he} has {a} {objs} and buys {b} more', desc: '{objs} in total', say: '{N} has',
      },
    ],
    ask: {},
  }, pile('items'), sell('items'), cash()),

  family('shop-budget', 'shopping', (d) => {
    const n = d.pick([...GOODS, ...TOYS]);
    return { ...noun(n), aobj: withArticle(n.one) };
  }, {
    moves: [
      {
        op: '-', to: 'cash', a: range(20, 200), b: range(3, 60),
        q: ['{name} has ${a} and spends ${b} on {treat} at the {shop}.', '{name} takes ${a} to the {shop}. {N} spends ${b} on {treat}.'],
        why: '{he} starts with ${a} and spends ${b}', desc: 'dollars left', say: '{N} has',
      },
      {
        op: '*', to: 'cost', a: range(2, 9), b: range(2, 25),
        q: ['{name} buys {a} {objs} for ${b} each.', 'At the {shop}, {objs} cost ${b} each, and {name} buys {a} of them.'],
        why: '{a} {objs} at ${b} each', desc: 'dollars', say: '{N} spends',
      },
      {
        op: '+', to: 'cost', a: range(5, 80), b: range(3, 60),
        q: ['{name} buys {aobj} for ${a} and {treat} for ${b}.', 'At the {shop}, {name} pays ${a} for {aobj} and ${b} for {treat}.'],
        why: '{he} pays ${a} and then ${b}', desc: 'dollars in total', say: '{N} spends',
      },
      {
        op: '+', from: 'cost', to: 'cost', b: range(2, 40),
        q: ['{N} also pays ${b} for {treat2}.', 'On top of that, {N} buys {treat2} for ${b}.'],
        why: '{he} also pays ${b}', desc: 'dollars in total', say: '{N} pays',
      },
      // Not asked as "in total": that reads as the bill before the discount.
      {
        op: '-', from: 'cost', to: 'discounted', b: range(2, 20),
        q: ['{N} has a coupon for ${b} off.', 'The {shop} gives {him} a discount of ${b}.'],
        why: 'the discount takes ${b} off', desc: 'dollars after the discount', say: '{N} pays',
      },
      ...(['cost', 'discounted'] as const).flatMap((from): MoveSpec[] => [
        {
          op: '/', from, to: 'costEach', b: range(2, 6),
          q: ['{N} and {his} friends split the cost equally, {b} people in all.', 'The cost is shared equally by {b} friends.'],
          why: 'the cost is split equally among {b} people', desc: 'dollars for each person',
        },
        {
          op: '-', flip: true, from, to: 'change', b: range(2, 50),
          q: ['{N} hands the cashier ${b}.', '{N} pays with ${b}.'],
          why: '{he} pays ${b} for a bill of ${a}', desc: 'dollars in change', say: '{N} gets',
        },
      ]),
    ],
    ask: {
      cost: [['How much does {name} pay in total?', 'how much {name} pays in total'], ['How many dollars does {name} spend?', 'how many dollars {name} spends']],
      discounted: [['How much does {name} pay after the discount?', 'how much {name} pays after the discount'], ['How many dollars does {name} spend after the discount?', 'how many dollars {name} spends after the discount']],
      costEach: [['How much does each person pay?', 'how much each person pays']],
      change: [['How much change does {name} get?', 'how much change {name} gets']],
    },
  }, cash()),

  family('bake-sale', 'cooking', (d) => noun(d.pick(BAKED)), {
    moves: [
      {
        op: '*', to: 'items', a: range(2, 8), b: range(4, 12),
        q: ['{name} bakes {a} trays of {objs} for the school bake sale. Each tray holds {b} {objs}.', 'For the bake sale, {name} bakes {a} trays of {objs}, {b} on each tray.'],
        why: '{he} bakes {a} trays with {b} {objs} each', desc: '{objs}', say: '{N} bakes',
      },
      {
        op: '+', to: 'items', a: range(6, 40), b: range(6, 40),
        q: ['{name} bakes {a} {objs} on Saturday and {b} {objs} on Sunday.', 'On Saturday {name} bakes {a} {objs}. On Sunday {N} bakes {b} more.'],
        why: '{he} bakes {a} and then {b} more', desc: '{objs} in total', say: '{N} bakes',
      },
      {
        op: '-', from: 'items', to: 'items', b: range(2, 15),
        q: ['{his} family eats {b} of the {objs}.', '{N} and {his} {rel} eat {b} of them.'],
        why: '{b} of them get eaten', desc: '{objs} left', say: '{N} has',
      },
    ],
    ask: {},
  }, pile('items'), sell('items'), cash()),

  family('lemonade-stand', 'shopping', () => ({}), {
    moves: [
      {
        op: '*', to: 'cups', a: range(2, 9), b: range(6, 12),
        q: ['{name} makes {a} pitchers of lemonade for {his} stand. Each pitcher fills {b} cups.', 'Each pitcher of lemonade fills {b} cups, and {name} makes {a} pitchers for {his} stand.'],
        why: '{a} pitchers fill {b} cups each', desc: 'cups of lemonade', say: '{N} makes',
      },
      {
        op: '+', to: 'cups', a: range(10, 60), b: range(5, 40),
        q: ['{name} makes {a} cups of lemonade in the morning and {b} more in the afternoon.'],
        why: '{he} makes {a} cups and then {b} more', desc: 'cups of lemonade', say: '{N} makes',
      },
      {
        op: '-', from: 'cups', to: 'cups', b: range(2, 15),
        q: ['{N} gives {b} cups to {his} neighbors for free.', '{N} gives away {b} cups to friends.'],
        why: '{he} gives away {b} cups', desc: 'cups left', say: '{N} has',
      },
      {
        op: '-', from: 'cups', to: 'cups', b: range(2, 10),
        q: ['{b} cups spill when the table tips over.', 'A dog knocks over {b} of the cups.'],
        why: '{b} cups are spilled', desc: 'cups left', say: '{N} has',
      },
      {
        op: '*', from: 'cups', to: 'cash', b: range(2, 4),
        q: ['{N} sells the cups for ${b} each.', 'Each cup sells for ${b}, and {N} sells them all.'],
        why: 'each cup sells for ${b}', desc: 'dollars', say: '{N} makes',
      },
    ],
    ask: {
      // Asked as what {name} has: cups given away still exist, so not "how many are there".
      cups: [['How many cups of lemonade does {name} have now?', 'how many cups of lemonade {name} has now'], ['How many cups of lemonade does {name} have in the end?', 'how many cups of lemonade {name} has in the end']],
    },
  }, cash()),

  family('recipe', 'cooking', (d) => {
    const [ing, unit] = d.pick(INGREDIENTS);
    const dish = d.pick(DISHES);
    return { ing, unit, dish, dish2: d.pickOther(DISHES, dish) };
  }, {
    moves: [
      {
        op: '*', to: 'amount', a: range(2, 9), b: range(2, 12),
        q: ['A recipe for {dish} needs {b} {unit} of {ing}. {name} makes {a} batches.', '{name} makes {a} batches of {dish}. Each batch uses {b} {unit} of {ing}.'],
        why: '{a} batches need {b} {unit} each', desc: '{unit} of {ing}', say: '{N} needs',
      },
      {
        op: '+', to: 'amount', a: range(2, 30), b: range(2, 30),
        q: ['{name} uses {a} {unit} of {ing} for {dish} and {b} {unit} for {dish2}.'],
        why: '{he} uses {a} {unit} and {b} {unit}', desc: '{unit} of {ing} in total', say: '{N} uses',
      },
      {
        op: '*', from: 'amount', to: 'amount', b: range(2, 7),
        q: ['{N} cooks the same way every day for {b} days.', '{N} does this on {b} days in a row.'],
        why: 'this happens on {b} days', desc: '{unit} of {ing} over the {b} days', say: '{N} uses',
      },
      {
        op: '+', from: 'amount', to: 'amount', b: range(2, 20),
        q: ['{N} also uses {b} {unit} of {ing} for a snack.', '{N} needs {b} more {unit} of {ing} for a sauce.'],
        why: '{he} needs {b} more {unit}', desc: '{unit} of {ing} in total', say: '{N} uses',
      },
      {
        op: '-', from: 'amount', to: 'toBuy', b: range(2, 30),
        q: ['{N} already has {b} {unit} of {ing} at home.', 'There are {b} {unit} of {ing} in {his} kitchen already.'],
        why: '{he} already has {b} {unit}', desc: '{unit} of {ing} to buy', say: '{N} needs to buy',
      },
      ...(['amount', 'toBuy'] as const).map((from): MoveSpec => ({
        op: '/', from, to: 'packs', b: range(2, 12), fact: true,
        q: ['{ing} is sold in packs of {b} {unit}.', 'One pack of {ing} holds {b} {unit}.'],
        why: 'each pack holds {b} {unit}', desc: 'packs', say: '{N} needs',
      })),
      {
        op: '*', from: 'packs', to: 'paid', b: range(2, 9), fact: true,
        q: ['Each pack of {ing} costs ${b}.', 'A pack of {ing} costs ${b}.'],
        why: 'each pack costs ${b}', desc: 'dollars', say: '{N} spends',
      },
    ],
    ask: {
      amount: [['How many {unit} of {ing} does {name} use?', 'how many {unit} of {ing} {name} uses'], ['How many {unit} of {ing} does {name} need in all?', 'how many {unit} of {ing} {name} needs in all']],
      toBuy: [['How many more {unit} of {ing} does {name} need to buy?', 'how many more {unit} of {ing} {name} needs to buy']],
      packs: [['How many packs of {ing} does {name} need?', 'how many packs of {ing} {name} needs']],
      paid: [['How much does {name} spend on {ing}?', 'how much {name} spends on {ing}']],
    },
  }),

  family('pizza-party', 'cooking', () => ({}), {
    moves: [
      {
        op: '*', to: 'slices', a: range(2, 9), b: range(6, 12),
        q: ['{name} orders {a} pizzas for a party. Each pizza is cut into {b} slices.', 'Each pizza at {name}\'s party is cut into {b} slices, and there are {a} pizzas.'],
        why: '{a} pizzas with {b} slices each', desc: 'slices', say: 'There are',
      },
      {
        op: '+', to: 'slices', a: range(4, 30), b: range(4, 30),
        q: ['At {name}\'s party there are {a} slices of cheese pizza and {b} slices of veggie pizza.'],
        why: 'there are {a} cheese slices and {b} veggie slices', desc: 'slices in total', say: 'There are',
      },
      {
        op: '-', from: 'slices', to: 'slices', b: range(2, 30),
        q: ['The guests eat {b} slices.', '{b} slices are eaten in the first hour.'],
        why: '{b} slices get eaten', desc: 'slices left', say: 'There are',
      },
      {
        op: '+', from: 'slices', to: 'slices', b: range(2, 16),
        q: ['{friend} brings {b} more slices.', 'A neighbor drops off another {b} slices.'],
        why: '{b} more slices arrive', desc: 'slices now', say: 'There are',
      },
      {
        op: '/', from: 'slices', to: 'each', b: range(2, 12),
        q: ['The slices are shared equally among {b} kids.', '{b} kids split the slices evenly.'],
        why: 'the slices are shared by {b} kids', desc: 'slices for each kid',
      },
      {
        op: '-', from: 'each', to: 'saved', b: range(2, 5),
        q: ['Each kid eats {b} slices right away and saves the rest.'],
        why: 'each kid eats {b} slices now', desc: 'slices each kid saves',
      },
      {
        op: '*', from: 'each', to: 'pepperoni', b: range(3, 9), fact: true,
        q: ['Every slice has {b} pieces of pepperoni on it.'],
        why: 'every slice has {b} pieces of pepperoni', desc: 'pieces of pepperoni for each kid',
      },
    ],
    ask: {
      slices: [['How many slices are there now?', 'how many slices there are now'], ['How many slices of pizza are there in the end?', 'how many slices of pizza there are in the end']],
      each: [['How many slices does each kid get?', 'how many slices each kid gets']],
      saved: [['How many slices does each kid save?', 'how many slices each kid saves']],
      pepperoni: [['How many pieces of pepperoni does each kid get?', 'how many pieces of pepperoni each kid gets']],
    },
  }),

  family('road-trip', 'travel', (d) => ({ dunit: d.pick(UNITS.distance), vehicle: d.pick(VEHICLES) }), {
    moves: [
      {
        op: '*', to: 'dist', a: range(2, 8), b: range(30, 70),
        q: ['{name} drives {his} {vehicle} at {b} {dunit} per hour for {a} hours.', 'For {a} hours, {name} drives {his} {vehicle} at a steady {b} {dunit} per hour.'],
        why: '{he} drives {a} hours at {b} {dunit} per hour', desc: '{dunit}', say: '{N} drives',
      },
      {
        op: '+', to: 'dist', a: range(20, 300), b: range(20, 300),
        q: ['{name} drives {a} {dunit} to {town} and then {b} {dunit} to {town2}.', 'On a road trip, {name} drives {a} {dunit} on the first day and {b} {dunit} on the second day.'],
        why: '{he} drives {a} {dunit} and then {b} {dunit}', desc: '{dunit} in total', say: '{N} drives',
      },
      {
        op: '+', from: 'dist', to: 'dist', b: range(10, 200),
        q: ['The next day, {N} drives {b} more {dunit}.', 'After a rest, {N} drives another {b} {dunit}.'],
        why: '{he} drives {b} more {dunit}', desc: '{dunit} in total', say: '{N} drives',
      },
      {
        op: '*', from: 'dist', to: 'dist', b: range(2, 5),
        q: ['{N} makes the same drive {b} times this month.'],
        why: 'the same drive happens {b} times', desc: '{dunit} this month', say: '{N} drives',
      },
      {
        op: '-', flip: true, from: 'dist', to: 'left', b: range(10, 300),
        q: ['The whole trip is {b} {dunit} long.', '{N} is going on a trip that is {b} {dunit} long in all.'],
        why: 'the trip is {b} {dunit} and {he} has driven {a}', desc: '{dunit} still to go', say: '{N} has',
      },
      {
        op: '/', from: 'dist', to: 'gallons', b: range(10, 40), fact: true,
        q: ['The {vehicle} uses one gallon of gas for every {b} {dunit}.'],
        why: 'one gallon lasts {b} {dunit}', desc: 'gallons of gas', say: 'The {vehicle} uses',
      },
      {
        op: '*', from: 'gallons', to: 'gas', b: range(2, 5), fact: true,
        q: ['Gas costs ${b} per gallon.', 'One gallon of gas costs ${b}.'],
        why: 'each gallon costs ${b}', desc: 'dollars', say: '{N} spends',
      },
    ],
    ask: {
      dist: [['How many {dunit} does {name} drive in total?', 'how many {dunit} {name} drives in total'], ['How far does {name} drive, in {dunit}?', 'how far {name} drives, in {dunit}']],
      left: [['How many more {dunit} does {name} have to drive?', 'how many more {dunit} {name} has to drive']],
      gallons: [['How many gallons of gas does the {vehicle} use?', 'how many gallons of gas the {vehicle} uses']],
      gas: [['How much does {name} spend on gas?', 'how much {name} spends on gas']],
    },
  }),

  family('bike-ride', 'travel', () => ({}), {
    moves: [
      {
        op: '*', to: 'ride', a: range(3, 20), b: range(2, 7),
        q: ['{name} bikes {a} kilometers every day for {b} days.', 'Every day for {b} days, {name} rides {his} bike {a} kilometers.'],
        why: '{he} rides {a} kilometers a day for {b} days', desc: 'kilometers', say: '{N} rides',
      },
      {
        op: '+', to: 'ride', a: range(5, 40), b: range(5, 40),
        q: ['{name} bikes {a} kilometers on Monday and {b} kilometers on Tuesday.'],
        why: '{he} rides {a} and then {b} kilometers', desc: 'kilometers in total', say: '{N} rides',
      },
      {
        op: '+', from: 'ride', to: 'ride', b: range(2, 30),
        q: ['On the weekend, {N} rides {b} more kilometers.', '{N} also rides {b} kilometers to the {place}.'],
        why: '{he} rides {b} more kilometers', desc: 'kilometers in total', say: '{N} rides',
      },
      {
        op: '-', from: 'ride', to: 'friend', b: range(2, 20),
        q: ['{friend} rides {b} fewer kilometers than {name}.'],
        why: '{friend} rides {b} kilometers less', desc: 'kilometers for {friend}', say: '{friend} rides',
      },
      {
        op: '*', from: 'ride', to: 'friend', b: range(2, 4),
        q: ['{friend} rides {b} times as far as {name}.'],
        why: '{friend} rides {b} times as far', desc: 'kilometers for {friend}', say: '{friend} rides',
      },
      {
        op: '+', from: 'friend', to: 'friend', b: range(2, 20),
        q: ['Then {friend} rides another {b} kilometers.'],
        why: '{friend} adds {b} more kilometers', desc: 'kilometers for {friend} in total', say: '{friend} rides',
      },
      {
        op: '-', flip: true, from: 'ride', to: 'goal', b: range(2, 50),
        q: ['{name}\'s goal is to ride {b} kilometers.'],
        why: 'the goal is {b} kilometers and {he} has ridden {a}', desc: 'kilometers still to ride', say: '{N} has',
      },
      {
        op: '/', from: 'ride', to: 'laps', b: range(2, 5), fact: true,
        q: ['One lap of the park path is {b} kilometers.'],
        why: 'one lap is {b} kilometers', desc: 'laps', say: 'That is',
      },
    ],
    ask: {
      ride: [['How many kilometers does {name} ride in total?', 'how many kilometers {name} rides in total']],
      friend: [['How many kilometers does {friend} ride?', 'how many kilometers {friend} rides']],
      goal: [['How many more kilometers does {name} need to ride?', 'how many more kilometers {name} needs to ride']],
      laps: [['How many laps of the path is that?', 'how many laps of the path that is']],
    },
  }),

  family('passengers', 'travel', (d) => ({ ride: d.pick(['bus', 'train', 'ferry']) }), {
    moves: [
      {
        op: '+', to: 'riders', a: range(5, 40), b: range(2, 20),
        q: ['A {ride} leaves {town} with {a} passengers. At the first stop, {b} more people get on.', '{name} drives a {ride} that leaves {town} with {a} passengers. At the first stop, {b} people get on.'],
        why: '{a} passengers plus {b} who get on', desc: 'passengers', say: 'There are',
      },
      {
        op: '-', to: 'riders', a: range(20, 60), b: range(2, 15),
        q: ['A {ride} leaves {town} with {a} passengers. At {town2}, {b} passengers get off.', '{name} is on a {ride} with {a} passengers. At {town2}, {b} of them get off.'],
        why: '{a} passengers minus {b} who get off', desc: 'passengers', say: 'There are',
      },
      {
        op: '*', to: 'seats', a: range(8, 15), b: range(2, 5),
        q: ['A {ride} has {a} rows of seats with {b} seats in each row.'],
        why: '{a} rows with {b} seats each', desc: 'seats', say: 'There are',
      },
      {
        op: '+', from: 'riders', to: 'riders', b: range(2, 20),
        q: ['At the next stop, {b} people get on.', 'Then {b} more passengers get on.'],
        why: '{b} people get on', desc: 'passengers now', say: 'There are',
      },
      {
        op: '-', from: 'riders', to: 'riders', b: range(2, 20),
        q: ['At the next stop, {b} people get off.', 'Then {b} passengers get off.'],
        why: '{b} people get off', desc: 'passengers left', say: 'There are',
      },
      {
        op: '/', from: 'riders', to: 'groups', b: range(2, 6),
        q: ['At the {place}, the passengers split into {b} equal groups.'],
        why: 'they split into {b} equal groups', desc: 'people in each group', say: 'There are',
      },
      {
        op: '-', from: 'seats', to: 'free', b: range(2, 30),
        q: ['{b} of the seats are already taken.', '{b} passengers are already sitting down.'],
        why: '{b} seats are taken', desc: 'free seats', say: 'There are',
      },
      {
        op: '*', from: 'seats', to: 'seats', b: range(2, 6),
        q: ['The company runs {b} of these, all the same.'],
        why: 'there are {b} of them', desc: 'seats in all', say: 'There are',
      },
      {
        op: '-', from: 'free', to: 'free', b: range(2, 20),
        q: ['At the next stop, {b} more people get on and sit down.'],
        why: '{b} more seats fill up', desc: 'free seats left', say: 'There are',
      },
    ],
    ask: {
      riders: [['How many passengers are on the {ride} now?', 'how many passengers are on the {ride} now']],
      groups: [['How many people are in each group?', 'how many people are in each group']],
      seats: [['How many seats are there?', 'how many seats there are']],
      free: [['How many seats are still free?', 'how many seats are still free']],
    },
  }),

  family('reading', 'time', () => ({}), {
    moves: [
      {
        op: '*', to: 'read', a: range(5, 30), b: range(2, 7),
        q: ['{name} reads {a} pages every day for {b} days.', 'For {b} days, {name} reads {a} pages a day.'],
        why: '{he} reads {a} pages a day for {b} days', desc: 'pages', say: '{N} reads',
      },
      {
        op: '+', to: 'read', a: range(10, 60), b: range(10, 60),
        q: ['{name} reads {a} pages of a book on Saturday and {b} pages on Sunday.'],
        why: '{he} reads {a} pages and then {b} pages', desc: 'pages in total', say: '{N} reads',
      },
      {
        op: '+', from: 'read', to: 'read', b: range(5, 40),
        q: ['On Monday, {N} reads {b} more pages.', '{N} reads another {b} pages on the bus.'],
        why: '{he} reads {b} more pages', desc: 'pages in total', say: '{N} reads',
      },
      {
        op: '-', flip: true, from: 'read', to: 'left', b: range(10, 200),
        q: ['{name}\'s book has {b} pages.', 'The book {N} is reading has {b} pages.'],
        why: 'the book has {b} pages and {he} has read {a}', desc: 'pages left to read', say: '{N} has',
      },
      {
        op: '/', from: 'read', to: 'chapters', b: range(2, 20), fact: true,
        q: ['Each chapter of the book is {b} pages long.'],
        why: 'each chapter is {b} pages', desc: 'chapters', say: '{N} reads',
      },
      {
        op: '/', from: 'left', to: 'perDay', b: range(2, 7),
        q: ['{N} wants to finish the book in {b} days, reading the same number of pages each day.'],
        why: 'the rest is split over {b} days', desc: 'pages each day', say: '{N} must read',
      },
    ],
    ask: {
      read: [['How many pages does {name} read in total?', 'how many pages {name} reads in total']],
      left: [['How many pages does {name} still have to read?', 'how many pages {name} still has to read']],
      chapters: [['How many chapters does {name} read?', 'how many chapters {name} reads']],
      perDay: [['How many pages does {name} need to read each day?', 'how many pages {name} needs to read each day']],
    },
  }),

  family('practice', 'time', (d) => ({ instrument: d.pick(INSTRUMENTS) }), {
    moves: [
      {
        op: '*', to: 'mins', a: range(15, 60), b: range(2, 7),
        q: ['{name} practices the {instrument} for {a} minutes a day on {b} days this week.', 'For {b} days this week, {name} plays the {instrument} for {a} minutes a day.'],
        why: '{he} practices {a} minutes on {b} days', desc: 'minutes this week', say: '{N} practices',
      },
      {
        op: '+', to: 'mins', a: range(10, 60), b: range(10, 60),
        q: ['{name} practices the {instrument} for {a} minutes on Monday and {b} minutes on Tuesday.'],
        why: '{he} practices {a} minutes and then {b} minutes', desc: 'minutes', say: '{N} practices',
      },
      {
        op: '*', from: 'mins', to: 'mins', b: range(2, 6),
        q: ['{N} keeps this up for {b} weeks.', '{N} does the same for {b} weeks.'],
        why: 'this repeats for {b} weeks', desc: 'minutes over {b} weeks', say: '{N} practices',
      },
      {
        op: '+', from: 'mins', to: 'mins', b: range(5, 60),
        q: ['{N} also plays for {b} minutes at a concert.', 'On top of that, {N} practices {b} minutes with {friend}.'],
        why: '{he} plays {b} more minutes', desc: 'minutes in total', say: '{N} plays',
      },
      {
        op: '-', from: 'mins', to: 'mins', b: range(5, 45),
        q: ['{N} misses {b} minutes because of a school trip.'],
        why: '{he} misses {b} minutes', desc: 'minutes', say: '{N} practices',
      },
      HOURS,
      {
        op: '/', from: 'mins', to: 'sessions', b: range(5, 30),
        q: ['{N} splits the practice into sessions of {b} minutes.'],
        why: 'each session is {b} minutes', desc: 'sessions', say: '{N} has',
      },
    ],
    ask: {
      // Not "in total": after missed minutes that reads as the time before them.
      mins: [['How many minutes does {name} practice?', 'how many minutes {name} practices'], ['How many minutes does {name} spend practicing?', 'how many minutes {name} spends practicing']],
      hours: [['How many hours does {name} practice?', 'how many hours {name} practices']],
      sessions: [['How many sessions does {name} have?', 'how many sessions {name} has']],
    },
  }),

  family('screen-time', 'time', () => ({}), {
    moves: [
      {
        op: '*', to: 'mins', a: range(2, 8), b: range(20, 60),
        q: ['{name} watches {a} episodes of a show, and each episode is {b} minutes long.', 'Each episode of {name}\'s favorite show lasts {b} minutes, and {he} watches {a} episodes.'],
        why: '{a} episodes of {b} minutes', desc: 'minutes', say: '{N} watches',
      },
      {
        op: '+', to: 'mins', a: range(30, 120), b: range(20, 60),
        q: ['{name} watches a movie that is {a} minutes long and then a show that is {b} minutes long.'],
        why: 'a {a}-minute movie and a {b}-minute show', desc: 'minutes', say: '{N} watches',
      },
      {
        op: '+', from: 'mins', to: 'mins', b: range(5, 40),
        q: ['{N} also watches a {b}-minute cartoon.', 'Then {N} watches a short video that lasts {b} minutes.'],
        why: '{he} watches {b} more minutes', desc: 'minutes in total', say: '{N} watches',
      },
      {
        op: '*', from: 'mins', to: 'mins', b: range(2, 4),
        q: ['{N} does the same thing every weekend for {b} weekends.'],
        why: 'this repeats on {b} weekends', desc: 'minutes over the weekends', say: '{N} watches',
      },
      HOURS,
      {
        op: '-', flip: true, from: 'mins', to: 'free', b: range(5, 120),
        q: ['{N} has {b} minutes of free time.', 'There are {b} minutes before {name} has to go to bed.'],
        why: '{he} has {b} minutes and uses {a}', desc: 'minutes left', say: '{N} has',
      },
    ],
    ask: {
      mins: [['How many minutes does {name} spend watching?', 'how many minutes {name} spends watching']],
      hours: [['How many hours does {name} spend watching?', 'how many hours {name} spends watching']],
      free: [['How many minutes does {name} have left?', 'how many minutes {name} has left']],
    },
  }),

  family('school-day', 'time', () => ({}), {
    moves: [
      {
        op: '*', to: 'mins', a: range(4, 7), b: range(30, 55),
        q: ['{name} has {a} classes a day, and each class lasts {b} minutes.', 'Each class at {name}\'s school lasts {b} minutes, and {he} has {a} classes a day.'],
        why: '{a} classes of {b} minutes', desc: 'minutes of class', say: '{N} has',
      },
      {
        op: '+', to: 'mins', a: range(20, 90), b: range(10, 60),
        q: ['{name} spends {a} minutes on homework and {b} minutes on chores.', 'After school, {name} does homework for {a} minutes and chores for {b} minutes.'],
        why: '{a} minutes of homework and {b} minutes of chores', desc: 'minutes', say: '{N} spends',
      },
      {
        op: '+', from: 'mins', to: 'mins', b: range(10, 45),
        q: ['{N} also walks the dog for {b} minutes.', 'Then {N} spends {b} minutes helping {his} {rel}.'],
        why: '{he} adds {b} more minutes', desc: 'minutes in total', say: '{N} spends',
      },
      {
        op: '+', from: 'mins', to: 'mins', b: range(10, 40),
        q: ['Before bed, {N} reads for {b} minutes.'],
        why: '{he} reads for {b} more minutes', desc: 'minutes in total', say: '{N} spends',
      },
      // The time spent after a skip: not asked as "in total" (the time before it), and not
      // repeated "every day" after it (the skip is on one day).
      {
        op: '-', from: 'mins', to: 'spent', b: range(5, 30),
        q: ['One day {N} skips {b} minutes of it for a birthday party.'],
        why: '{he} skips {b} minutes', desc: 'minutes', say: '{N} spends',
      },
      {
        op: '*', from: 'mins', to: 'mins', b: range(2, 5),
        q: ['{N} does this every day for {b} days.'],
        why: 'this happens on {b} days', desc: 'minutes in {b} days', say: '{N} spends',
      },
      ...(['mins', 'spent'] as const).map((from): MoveSpec => ({ ...HOURS, from })),
    ],
    ask: {
      mins: [['How many minutes is that in total?', 'how many minutes that is in total'], ['How many minutes does {name} spend?', 'how many minutes {name} spends']],
      spent: [['How many minutes does {name} actually spend?', 'how many minutes {name} actually spends'], ['How many minutes does {name} spend in the end?', 'how many minutes {name} spends in the end']],
      hours: [['How many hours is that?', 'how many hours that is']],
    },
  }),

  family('class-groups', 'classroom', () => ({}), {
    moves: [
      {
        op: '*', to: 'students', a: range(2, 6), b: range(15, 30),
        q: ['A school has {a} classes with {b} students in each class.', 'There are {a} classes at {name}\'s school, and each class has {b} students.'],
        why: '{a} classes with {b} students each', desc: 'students', say: 'There are',
      },
      {
        op: '+', to: 'students', a: range(10, 30), b: range(10, 30),
        q: ['There are {a} boys and {b} girls in {name}\'s grade.'],
        why: '{a} boys and {b} girls', desc: 'students', say: 'There are',
      },
      // Absent students are still students: those present are their own kind, asked as present.
      {
        op: '-', from: 'students', to: 'present', b: range(2, 12),
        q: ['{b} students are absent today.', 'Today {b} of the students are home sick.'],
        why: '{b} students are absent', desc: 'students present', say: 'There are',
      },
      {
        op: '+', from: 'students', to: 'students', b: range(2, 12),
        q: ['{b} new students join this month.'],
        why: '{b} new students join', desc: 'students now', say: 'There are',
      },
      ...(['students', 'present'] as const).map((from): MoveSpec => ({
        op: '/', from, to: 'teams', b: range(2, 8),
        q: ['For a game, the students are split into teams of {b}.', 'The teacher puts the students into teams of {b}.'],
        why: 'each team has {b} students', desc: 'teams', say: 'There are',
      })),
      {
        op: '*', from: 'teams', to: 'balls', b: range(2, 5),
        q: ['Each team needs {b} balls.'],
        why: 'each team needs {b} balls', desc: 'balls', say: 'The teams need',
      },
      {
        op: '+', from: 'teams', to: 'teams', b: range(2, 6),
        q: ['Then {b} teams from another school join the game.'],
        why: '{b} more teams join', desc: 'teams in all', say: 'There are',
      },
    ],
    ask: {
      students: [['How many students are there in all?', 'how many students there are in all'], ['How many students are there now?', 'how many students there are now']],
      present: [['How many students are at school today?', 'how many students are at school today'], ['How many students are present?', 'how many students are present']],
      teams: [['How many teams are there?', 'how many teams there are']],
      balls: [['How many balls do the teams need?', 'how many balls the teams need']],
    },
  }),

  family('school-supplies', 'classroom', (d, base) => ({ ...noun(d.pick(SCHOOL_ITEMS)), name: base.title }), {
    moves: [
      {
        op: '*', to: 'needed', a: range(10, 30), b: range(2, 6),
        q: ['{name} has {a} students, and each student needs {b} {objs}.', 'Each of {name}\'s {a} students needs {b} {objs}.'],
        why: '{a} students need {b} {objs} each', desc: '{objs}', say: '{N} needs',
      },
      {
        op: '*', to: 'have', a: range(2, 9), b: range(6, 24),
        q: ['{name} buys {a} boxes of {objs} with {b} {objs} in each box.'],
        why: '{a} boxes with {b} {objs} each', desc: '{objs}', say: '{N} has',
      },
      {
        op: '+', from: 'needed', to: 'needed', b: range(2, 15),
        q: ['{N} also wants {b} spare {objs}.'],
        why: '{he} wants {b} spare ones', desc: '{objs} in total', say: '{N} needs',
      },
      {
        op: '-', from: 'needed', to: 'toBuy', b: range(2, 40),
        q: ['{N} already has {b} {objs} in the supply closet.'],
        why: '{b} are already in the closet', desc: '{objs} to buy', say: '{N} needs',
      },
      {
        op: '/', from: 'toBuy', to: 'packs', b: range(2, 12), fact: true,
        q: ['{objs} come in packs of {b}.'],
        why: 'each pack has {b}', desc: 'packs', say: '{N} buys',
      },
      {
        op: '*', from: 'packs', to: 'paid', b: range(2, 9), fact: true,
        q: ['Each pack costs ${b}.'],
        why: 'each pack costs ${b}', desc: 'dollars', say: '{N} pays',
      },
      ...(['have', 'handout'] as const).map((from): MoveSpec => ({
        op: '/', from, to: 'each', b: range(2, 30),
        q: ['{N} hands them out equally to {b} students.'],
        why: '{b} students share them equally', desc: '{objs} for each student',
      })),
      {
        op: '-', from: 'have', to: 'handout', b: range(2, 20),
        q: ['{N} keeps {b} of them for the classroom.'],
        why: '{he} keeps {b} of them', desc: '{objs} to hand out', say: '{N} has',
      },
    ],
    ask: {
      needed: [['How many {objs} does {name} need?', 'how many {objs} {name} needs']],
      toBuy: [['How many more {objs} does {name} need to buy?', 'how many more {objs} {name} needs to buy']],
      packs: [['How many packs does {name} need to buy?', 'how many packs {name} needs to buy']],
      paid: [['How much does {name} pay for the packs?', 'how much {name} pays for the packs']],
      have: [['How many {objs} does {name} have?', 'how many {objs} {name} has']],
      handout: [['How many {objs} are there to hand out?', 'how many {objs} there are to hand out']],
      each: [['How many {objs} does each student get?', 'how many {objs} each student gets']],
    },
  }),

  family('field-trip', 'classroom', () => ({}), {
    moves: [
      {
        op: '+', to: 'people', a: range(20, 90), b: range(3, 12),
        q: ['{a} students and {b} teachers are going on a field trip to the {place}.', '{name}\'s school sends {a} students and {b} teachers to the {place}.'],
        why: '{a} students and {b} teachers', desc: 'people', say: 'There are',
      },
      {
        op: '*', to: 'people', a: range(2, 5), b: range(15, 30),
        q: ['{a} classes are going on a trip to the {place}, with {b} people from each class.'],
        why: '{a} classes with {b} people each', desc: 'people', say: 'There are',
      },
      {
        op: '-', from: 'people', to: 'people', b: range(2, 10),
        q: ['{b} students are sick and stay home.', 'On the day of the trip, {b} students are absent.'],
        why: '{b} stay home', desc: 'people going', say: 'There are',
      },
      {
        op: '+', from: 'people', to: 'people', b: range(2, 10),
        q: ['{b} parents come along to help.'],
        why: '{b} parents join', desc: 'people in total', say: 'There are',
      },
      {
        op: '/', from: 'people', to: 'buses', b: range(5, 45),
        q: ['Each bus holds {b} people, and every bus is full.'],
        why: 'each full bus holds {b} people', desc: 'buses', say: 'They need',
      },
      {
        op: '*', from: 'people', to: 'cost', b: range(2, 12), fact: true,
        q: ['Tickets to the {place} cost ${b} per person.'],
        why: 'each ticket costs ${b}', desc: 'dollars', say: 'The tickets cost',
      },
      {
        op: '*', from: 'buses', to: 'cost', b: range(50, 200), fact: true,
        q: ['Renting one bus costs ${b}.'],
        why: 'each bus costs ${b}', desc: 'dollars', say: 'The buses cost',
      },
      {
        op: '+', from: 'cost', to: 'cost', b: range(10, 90),
        q: ['Snacks for the whole group cost ${b} more.'],
        why: 'snacks add ${b}', desc: 'dollars in total', say: 'The trip costs',
      },
    ],
    ask: {
      people: [['How many people go on the trip?', 'how many people go on the trip']],
      buses: [['How many buses are needed?', 'how many buses are needed']],
      cost: [['How much does the trip cost in total?', 'how much the trip costs in total']],
    },
  }),

  family('library', 'classroom', () => ({}), {
    moves: [
      {
        op: '*', to: 'books', a: range(3, 12), b: range(10, 40),
        q: ['The school library has {a} shelves with {b} books on each shelf.', '{name} counts {a} shelves in the library, each holding {b} books.'],
        why: '{a} shelves with {b} books each', desc: 'books', say: 'The library has',
      },
      {
        op: '+', to: 'books', a: range(20, 200), b: range(10, 80),
        q: ['The {town} library has {a} books and gets {b} new books in June.'],
        why: '{a} books and then {b} more', desc: 'books', say: 'The library has',
      },
      // Borrowed books are still the library's: what is on the shelves is its own kind.
      {
        op: '-', from: 'books', to: 'shelved', b: range(2, 60),
        q: ['Students borrow {b} of the books.', 'During the week, {b} books are checked out.'],
        why: '{b} books are borrowed', desc: 'books left on the shelves', say: 'There are',
      },
      {
        op: '+', from: 'books', to: 'books', b: range(2, 40),
        q: ['{name} donates {b} more books to the library.'],
        why: '{b} books are donated', desc: 'books now', say: 'There are',
      },
      ...(['books', 'shelved'] as const).flatMap((from): MoveSpec[] => [
        {
          op: '/', from, to: 'perRoom', b: range(2, 10),
          q: ['The books are shared equally among {b} classrooms.'],
          why: '{b} classrooms share them equally', desc: 'books for each classroom',
        },
        {
          op: '/', from, to: 'boxes', b: range(5, 25),
          q: ['The librarian packs the books into boxes of {b}.'],
          why: 'each box holds {b} books', desc: 'boxes', say: 'The librarian fills',
        },
      ]),
    ],
    ask: {
      books: [['How many books does the library have now?', 'how many books the library has now']],
      shelved: [['How many books are left on the shelves?', 'how many books are left on the shelves']],
      perRoom: [['How many books does each classroom get?', 'how many books each classroom gets']],
      boxes: [['How many boxes does the librarian fill?', 'how many boxes the librarian fills']],
    },
  }),

  family('farm-animals', 'farm', (d) => {
    const animal = d.pick(ANIMALS);
    return { ...noun(animal, 'animal'), legs: String(animal.legs) };
  }, {
    moves: [
      {
        op: '*', to: 'herd', a: range(2, 8), b: range(3, 12),
        q: ['{name} has {a} pens on {his} farm with {b} {animals} in each pen.', 'On {name}\'s farm there are {a} pens, and each pen holds {b} {animals}.'],
        why: '{a} pens with {b} {animals} each', desc: '{animals}', say: '{N} has',
      },
      {
        op: '+', to: 'herd', a: range(5, 40), b: range(2, 20),
        q: ['{name} has {a} {animals} on {his} farm and buys {b} more at the market.'],
        why: '{he} has {a} {animals} and buys {b} more', desc: '{animals}', say: '{N} has',
      },
      {
        op: '*', from: 'herd', to: 'legs', b: (v) => Number(v.legs), fact: true,
        q: ['Each {animal} has {b} legs.'],
        why: 'each {animal} has {b} legs', desc: 'legs', say: 'The {animals} have',
      },
      {
        op: '-', from: 'herd', to: 'herd', b: range(2, 15),
        q: ['{N} sells {b} of the {animals}.'],
        why: '{he} sells {b} of them', desc: '{animals} left', say: '{N} has',
      },
      {
        op: '+', from: 'herd', to: 'herd', b: range(2, 12),
        q: ['In the spring, {b} baby {animals} are born.'],
        why: '{b} babies are born', desc: '{animals} now', say: '{N} has',
      },
      {
        op: '*', from: 'herd', to: 'food', b: range(2, 9), fact: true,
        q: ['Each {animal} eats {b} pounds of hay a day.'],
        why: 'each {animal} eats {b} pounds a day', desc: 'pounds of hay a day', say: 'The {animals} eat',
      },
      {
        op: '*', from: 'food', to: 'foodDays', b: range(2, 7),
        q: ['{N} needs to feed them for {b} days.'],
        why: 'that is for {b} days', desc: 'pounds of hay', say: '{N} needs',
      },
    ],
    ask: {
      herd: [['How many {animals} does {name} have now?', 'how many {animals} {name} has now']],
      legs: [['How many legs do the {animals} have in total?', 'how many legs the {animals} have in total']],
      food: [['How many pounds of hay do the {animals} eat each day?', 'how many pounds of hay the {animals} eat each day']],
      foodDays: [['How many pounds of hay does {name} need?', 'how many pounds of hay {name} needs']],
    },
  }),

  family('eggs', 'farm', () => ({}), {
    moves: [
      {
        op: '*', to: 'eggs', a: range(3, 20), b: range(2, 7),
        q: ['{name} has {a} hens, and each hen lays {b} eggs this week.', 'Each of {name}\'s {a} hens lays {b} eggs this week.'],
        why: '{a} hens lay {b} eggs each', desc: 'eggs', say: 'The hens lay',
      },
      {
        op: '+', to: 'eggs', a: range(10, 50), b: range(10, 50),
        q: ['{name} collects {a} eggs on Monday and {b} eggs on Tuesday.'],
        why: '{he} collects {a} eggs and then {b} eggs', desc: 'eggs', say: '{N} collects',
      },
      {
        op: '-', from: 'eggs', to: 'eggs', b: range(2, 12),
        q: ['{N} uses {b} eggs to bake cakes.', '{b} of the eggs break on the way to the kitchen.'],
        why: '{b} eggs are used up', desc: 'eggs left', say: '{N} has',
      },
      {
        op: '+', from: 'eggs', to: 'eggs', b: range(2, 24),
        q: ['{his} neighbor gives {him} {b} more eggs.'],
        why: '{he} gets {b} more eggs', desc: 'eggs now', say: '{N} has',
      },
      {
        op: '/', from: 'eggs', to: 'cartons', b: range(6, 12), fact: true,
        q: ['Eggs are packed in cartons of {b}.', 'Each egg carton holds {b} eggs.'],
        why: 'each carton holds {b} eggs', desc: 'cartons', say: '{N} fills',
      },
      {
        op: '*', from: 'cartons', to: 'cash', b: range(2, 6),
        q: ['{N} sells each carton for ${b}.'],
        why: 'each carton sells for ${b}', desc: 'dollars', say: '{N} makes',
      },
    ],
    ask: {
      eggs: [['How many eggs does {name} have now?', 'how many eggs {name} has now']],
      cartons: [['How many cartons does {name} fill?', 'how many cartons {name} fills']],
    },
  }, cash()),

  family('orchard', 'farm', (d) => noun(d.pick(FRUITS)), {
    moves: [
      {
        op: '*', to: 'fruit', a: range(2, 9), b: range(5, 20),
        q: ['{name} picks {objs} from {a} trees. Each tree gives {b} {objs}.', 'There are {a} {obj} trees in {name}\'s orchard, and {he} picks {b} {objs} from each tree.'],
        why: '{a} trees give {b} {objs} each', desc: '{objs}', say: '{N} picks',
      },
      {
        op: '+', to: 'fruit', a: range(10, 60), b: range(10, 60),
        q: ['{name} picks {a} {objs} in the morning and {b} {objs} in the afternoon.'],
        why: '{he} picks {a} and then {b} {objs}', desc: '{objs}', say: '{N} picks',
      },
      {
        op: '-', from: 'fruit', to: 'fruit', b: range(2, 15),
        q: ['{b} of the {objs} are too ripe and get thrown away.'],
        why: '{b} of them are thrown away', desc: '{objs} left', say: '{N} has',
      },
    ],
    ask: {},
  }, pile('fruit'), sell('fruit'), cash()),

  family('garden', 'farm', (d) => noun(d.pick(VEGETABLES)), {
    moves: [
      {
        op: '*', to: 'plants', a: range(2, 9), b: range(3, 12),
        q: ['{name} plants {a} rows of {objs} with {b} plants in each row.'],
        why: '{a} rows with {b} plants each', desc: 'plants', say: '{N} plants',
      },
      {
        op: '+', to: 'plants', a: range(5, 30), b: range(5, 30),
        q: ['{name} plants {a} {obj} seedlings on Saturday and {b} more on Sunday.'],
        why: '{he} plants {a} and then {b} more', desc: 'plants', say: '{N} plants',
      },
      {
        op: '-', from: 'plants', to: 'plants', b: range(2, 10),
        q: ['Rabbits eat {b} of the plants.', 'A storm destroys {b} of the plants.'],
        why: '{b} plants are lost', desc: 'plants left', say: 'There are',
      },
      {
        op: '*', from: 'plants', to: 'veg', b: range(2, 6),
        q: ['Each plant grows {b} {objs}.'],
        why: 'each plant grows {b} {objs}', desc: '{objs}', say: 'The plants grow',
      },
    ],
    ask: { plants: [['How many plants are in the garden now?', 'how many plants are in the garden now']] },
  }, pile('veg'), sell('veg'), cash()),

  family('pet-shop', 'farm', () => ({}), {
    moves: [
      {
        op: '*', to: 'fish', a: range(2, 9), b: range(4, 15),
        q: ['A pet shop has {a} tanks with {b} fish in each tank.', '{name} works at a pet shop with {a} tanks, and each tank holds {b} fish.'],
        why: '{a} tanks with {b} fish each', desc: 'fish', say: 'The shop has',
      },
      {
        op: '+', to: 'fish', a: range(10, 60), b: range(5, 30),
        q: ['{name}\'s pet shop has {a} goldfish and {b} guppies.'],
        why: '{a} goldfish and {b} guppies', desc: 'fish', say: 'The shop has',
      },
      {
        op: '-', from: 'fish', to: 'fish', b: range(2, 20),
        q: ['The shop sells {b} fish on Saturday.'],
        why: '{b} fish are sold', desc: 'fish left', say: 'The shop has',
      },
      {
        op: '+', from: 'fish', to: 'fish', b: range(2, 30),
        q: ['A delivery brings {b} more fish.'],
        why: '{b} more fish arrive', desc: 'fish now', say: 'The shop has',
      },
      {
        op: '/', from: 'fish', to: 'perTank', b: range(2, 8),
        q: ['{name} moves all the fish into {b} new tanks, with the same number in each.'],
        why: 'the fish go equally into {b} tanks', desc: 'fish in each tank', say: 'There are',
      },
      {
        op: '*', from: 'fish', to: 'food', b: range(2, 6), fact: true,
        q: ['Each fish eats {b} food pellets a day.'],
        why: 'each fish eats {b} pellets', desc: 'pellets a day', say: 'The fish eat',
      },
    ],
    ask: {
      fish: [['How many fish does the shop have now?', 'how many fish the shop has now']],
      perTank: [['How many fish are in each new tank?', 'how many fish are in each new tank']],
      food: [['How many pellets do the fish eat each day?', 'how many pellets the fish eat each day']],
    },
  }),

  family('piggy-bank', 'savings', (d) => ({ goal: d.pick(SAVING_GOALS) }), {
    moves: [
      {
        op: '*', to: 'cash', a: range(2, 20), b: range(2, 12),
        q: ['{name} saves ${a} every week for {b} weeks.', 'For {b} weeks, {name} puts ${a} into {his} piggy bank each week.'],
        why: '{he} saves ${a} a week for {b} weeks', desc: 'dollars', say: '{N} saves',
      },
      {
        op: '+', to: 'cash', a: range(10, 120), b: range(5, 50),
        q: ['{name} has ${a} in {his} piggy bank and gets ${b} for {his} birthday.'],
        why: '{he} has ${a} and gets ${b} more', desc: 'dollars', say: '{N} has',
      },
      {
        op: '-', flip: true, from: 'cash', to: 'need', b: range(5, 100),
        q: ['{N} wants to buy {goal} that costs ${b}.', '{N} is saving for {goal}, which costs ${b}.'],
        why: '{goal} costs ${b} and {he} has ${a}', desc: 'dollars more', say: '{N} needs',
      },
      {
        op: '/', from: 'need', to: 'weeks', b: range(2, 10),
        q: ['{N} can save ${b} a week.'],
        why: '{he} saves ${b} a week', desc: 'weeks', say: '{N} needs',
      },
    ],
    ask: {
      need: [['How much more money does {name} need?', 'how much more money {name} needs']],
      weeks: [['How many weeks will it take {name} to save the rest?', 'how many weeks it will take {name} to save the rest']],
    },
  }, cash()),

  family('chores', 'savings', (d) => {
    const i = d.int(0, CHORES.length - 1);
    return { ...noun(CHORES[i], 'chore'), verb: CHORE_VERBS[i] };
  }, {
    moves: [
      {
        op: '*', to: 'earned', a: range(2, 9), b: range(2, 12),
        q: ['{name} {verb} {a} {chores} this week and earns ${b} for each one.', '{name} earns ${b} for every {chore} {he} {verb}. This week {he} {verb} {a} of them.'],
        why: '{a} {chores} at ${b} each', desc: 'dollars', say: '{N} earns',
      },
      {
        op: '+', to: 'earned', a: range(5, 60), b: range(5, 60),
        q: ['{name} earns ${a} walking dogs and ${b} washing cars.'],
        why: '{he} earns ${a} and ${b}', desc: 'dollars in total', say: '{N} earns',
      },
      {
        op: '*', from: 'earned', to: 'earned', b: range(2, 8),
        q: ['{N} works like this for {b} weeks.', '{N} earns the same amount every week for {b} weeks.'],
        why: 'the same happens for {b} weeks', desc: 'dollars in {b} weeks', say: '{N} earns',
      },
    ],
    ask: {},
  }, cash('earned')),

  family('share-treats', 'sharing', (d) => noun(d.pick([...SNACKS, ...FRUITS, ...BAKED, ...FLOWERS])), {
    moves: [
      {
        op: '/', to: 'itemsEach', a: range(2, 12), b: range(2, 9),
        q: ['{name} has {a} {objs} and shares them equally among {b} friends.', '{b} friends share {name}\'s {a} {objs} equally.'],
        why: '{a} {objs} shared by {b} friends', desc: '{objs} for each friend',
      },
      {
        op: '*', to: 'items', a: range(2, 9), b: range(3, 12),
        q: ['{name} has {a} boxes of {objs} with {b} {objs} in each box.'],
        why: '{a} boxes with {b} {objs} each', desc: '{objs}', say: '{N} has',
      },
      {
        op: '+', to: 'items', a: range(5, 40), b: range(2, 20),
        q: ['{name} has {a} {objs}, and {his} {rel} gives {him} {b} more.'],
        why: '{he} has {a} and gets {b} more', desc: '{objs}', say: '{N} has',
      },
    ],
    ask: {},
  }, pile('items'), cash()),

  family('party-prep', 'sharing', (d) => noun(d.pick([...SNACKS, ...TOYS, ...CRAFTS])), {
    moves: [
      {
        op: '*', to: 'needed', a: range(5, 20), b: range(2, 6),
        q: ['{name} is making party bags for {a} guests. Each bag gets {b} {objs}.', '{name} wants to give each of {his} {a} party guests {b} {objs}.'],
        why: '{a} guests get {b} {objs} each', desc: '{objs}', say: '{N} needs',
      },
      {
        op: '+', to: 'balloons', a: range(5, 30), b: range(5, 30),
        q: ['{name} blows up {a} red balloons and {b} blue balloons for a party.'],
        why: '{a} red and {b} blue balloons', desc: 'balloons', say: '{N} has',
      },
      {
        op: '-', from: 'needed', to: 'toBuy', b: range(2, 30),
        q: ['{N} already has {b} {objs}.'],
        why: '{he} already has {b}', desc: '{objs} to buy', say: '{N} needs',
      },
      {
        op: '/', from: 'toBuy', to: 'packs', b: range(2, 10), fact: true,
        q: ['The {shop} sells {objs} in packs of {b}.'],
        why: 'each pack has {b}', desc: 'packs', say: '{N} buys',
      },
      {
        op: '*', from: 'packs', to: 'paid', b: range(2, 8), fact: true,
        q: ['Each pack costs ${b}.'],
        why: 'each pack costs ${b}', desc: 'dollars', say: '{N} spends',
      },
      {
        op: '-', from: 'balloons', to: 'balloons', b: range(2, 10),
        q: ['{b} of the balloons pop.'],
        why: '{b} balloons pop', desc: 'balloons left', say: '{N} has',
      },
      {
        op: '+', from: 'balloons', to: 'balloons', b: range(2, 20),
        q: ['{friend} brings {b} more balloons.'],
        why: '{friend} brings {b} more', desc: 'balloons now', say: '{N} has',
      },
      {
        op: '/', from: 'balloons', to: 'perTable', b: range(2, 8),
        q: ['{N} ties the balloons in equal bunches to {b} tables.'],
        why: 'the balloons go equally to {b} tables', desc: 'balloons on each table',
      },
    ],
    ask: {
      needed: [['How many {objs} does {name} need?', 'how many {objs} {name} needs']],
      toBuy: [['How many more {objs} does {name} need to buy?', 'how many more {objs} {name} needs to buy']],
      packs: [['How many packs does {name} buy?', 'how many packs {name} buys']],
      paid: [['How much does {name} spend on {objs}?', 'how much {name} spends on {objs}']],
      balloons: [['How many balloons are there now?', 'how many balloons there are now']],
      perTable: [['How many balloons are on each table?', 'how many balloons are on each table']],
    },
  }),

  family('factory', 'work rates', (d) => noun(d.pick([...TOYS, ...GOODS])), {
    moves: [
      {
        op: '*', to: 'made', a: range(20, 90), b: range(2, 9),
        q: ['A machine makes {a} {objs} every hour. It runs for {b} hours.', '{name} runs a machine that makes {a} {objs} an hour, and it runs for {b} hours.'],
        why: '{a} {objs} an hour for {b} hours', desc: '{objs}', say: 'The machine makes',
      },
      {
        op: '+', to: 'made', a: range(50, 400), b: range(50, 400),
        q: ['A factory makes {a} {objs} on Monday and {b} {objs} on Tuesday.', '{name}\'s workshop makes {a} {objs} in May and {b} {objs} in June.'],
        why: '{a} and then {b} {objs}', desc: '{objs}', say: 'They make',
      },
      // What is left after a subtraction is its own kind, asked as such ("good", "left").
      {
        op: '-', from: 'made', to: 'good', b: range(2, 30),
        q: ['{b} of them are broken and thrown away.', 'A check finds {b} broken {objs}, which are thrown away.'],
        why: '{b} broken ones are thrown away', desc: 'good {objs}', say: 'There are',
      },
      {
        op: '+', from: 'made', to: 'made', b: range(10, 200),
        q: ['The next day, {b} more {objs} are made.'],
        why: '{b} more are made', desc: '{objs} in total', say: 'There are',
      },
      ...(['made', 'good'] as const).map((from): MoveSpec => ({
        op: '/', from, to: 'boxes', b: range(2, 25),
        q: ['The {objs} are packed in boxes of {b}.'],
        why: 'each box holds {b}', desc: 'boxes', say: 'They fill',
      })),
      {
        op: '-', from: 'boxes', to: 'boxesLeft', b: range(2, 20),
        q: ['{b} boxes are shipped to {town}.'],
        why: '{b} boxes are shipped', desc: 'boxes left', say: 'There are',
      },
      ...(['boxes', 'boxesLeft'] as const).flatMap((from): MoveSpec[] => [
        {
          op: '*', from, to: 'sales', b: range(5, 40),
          q: ['Each box is sold for ${b}.'],
          why: 'each box sells for ${b}', desc: 'dollars', say: 'The boxes bring in',
        },
        {
          op: '/', from, to: 'trucks', b: range(2, 12),
          q: ['Each truck carries {b} boxes, and every truck leaves full.'],
          why: 'each full truck carries {b} boxes', desc: 'trucks', say: 'They need',
        },
      ]),
    ],
    ask: {
      made: [['How many {objs} are there in the end?', 'how many {objs} there are in the end']],
      good: [['How many good {objs} are there?', 'how many good {objs} there are'], ['How many good {objs} are there in the end?', 'how many good {objs} there are in the end']],
      boxesLeft: [['How many boxes are left?', 'how many boxes are left']],
      boxes: [['How many boxes are there?', 'how many boxes there are']],
      sales: [['How much money do the boxes bring in?', 'how much money the boxes bring in']],
      trucks: [['How many trucks are needed?', 'how many trucks are needed']],
    },
  }),

  family('painters', 'work rates', () => ({}), {
    moves: [
      {
        op: '*', to: 'daily', a: range(2, 9), b: range(5, 30),
        q: ['{a} workers each paint {b} fence boards a day.', '{name} hires {a} painters, and each one paints {b} fence boards a day.'],
        why: '{a} workers paint {b} boards each', desc: 'boards a day', say: 'They paint',
      },
      {
        op: '+', to: 'painted', a: range(10, 90), b: range(10, 90),
        q: ['{name} paints {a} fence boards on Monday and {b} boards on Tuesday.'],
        why: '{he} paints {a} and then {b} boards', desc: 'boards', say: '{N} paints',
      },
      {
        op: '*', from: 'daily', to: 'painted', b: range(2, 6),
        q: ['They work for {b} days.', 'The job goes on for {b} days.'],
        why: 'they work {b} days', desc: 'boards', say: 'They paint',
      },
      {
        op: '+', from: 'painted', to: 'painted', b: range(5, 60),
        q: ['On Wednesday, {b} more boards get painted.'],
        why: '{b} more boards are painted', desc: 'boards in total', say: 'There are',
      },
      {
        op: '-', flip: true, from: 'painted', to: 'left', b: range(5, 200),
        q: ['The whole fence has {b} boards.'],
        why: 'the fence has {b} boards and {a} are done', desc: 'boards left to paint', say: 'There are',
      },
      {
        op: '/', from: 'left', to: 'days', b: range(2, 20),
        q: ['From now on, {N} paints {b} boards a day.'],
        why: '{he} paints {b} boards a day', desc: 'days', say: 'It takes',
      },
    ],
    ask: {
      daily: [['How many boards are painted in one day?', 'how many boards are painted in one day']],
      painted: [['How many boards are painted in total?', 'how many boards are painted in total']],
      left: [['How many boards are still left to paint?', 'how many boards are still left to paint']],
      days: [['How many more days will the rest take?', 'how many more days the rest will take']],
    },
  }),

  family('cutting', 'measurement', (d) => ({ lunit: d.pick(UNITS.length), mat: d.pick(MATERIALS) }), {
    moves: [
      {
        op: '*', to: 'len', a: range(2, 9), b: range(10, 60),
        q: ['{name} has {a} pieces of {mat}, each {b} {lunit} long.'],
        why: '{a} pieces of {b} {lunit}', desc: '{lunit} of {mat}', say: '{N} has',
      },
      {
        op: '+', to: 'len', a: range(20, 150), b: range(10, 100),
        q: ['{name} has a piece of {mat} that is {a} {lunit} long and ties on another piece that is {b} {lunit} long.'],
        why: '{a} {lunit} plus {b} {lunit}', desc: '{lunit} of {mat}', say: '{N} has',
      },
      {
        op: '-', from: 'len', to: 'len', b: range(2, 40),
        q: ['{N} cuts off {b} {lunit} to make a bow.', '{N} uses {b} {lunit} of it to wrap a gift.'],
        why: '{he} uses {b} {lunit}', desc: '{lunit} left', say: '{N} has',
      },
      {
        op: '+', from: 'len', to: 'len', b: range(5, 60),
        q: ['{his} {rel} gives {him} another {b} {lunit} of {mat}.'],
        why: '{he} gets {b} {lunit} more', desc: '{lunit} of {mat} now', say: '{N} has',
      },
      {
        op: '/', from: 'len', to: 'pieces', b: range(2, 30),
        q: ['{N} cuts the {mat} into pieces that are {b} {lunit} long.'],
        why: 'each piece is {b} {lunit}', desc: 'pieces', say: '{N} gets',
      },
      {
        op: '/', from: 'len', to: 'pieceLen', b: range(2, 8),
        q: ['{N} cuts it into {b} equal pieces.'],
        why: 'it is cut into {b} equal pieces', desc: '{lunit} in each piece',
      },
      {
        op: '*', from: 'pieces', to: 'beads', b: range(2, 9),
        q: ['{N} puts {b} beads on each piece.'],
        why: 'each piece gets {b} beads', desc: 'beads', say: '{N} needs',
      },
    ],
    ask: {
      len: [['How many {lunit} of {mat} does {name} have now?', 'how many {lunit} of {mat} {name} has now']],
      pieces: [['How many pieces does {name} get?', 'how many pieces {name} gets']],
      pieceLen: [['How long is each piece, in {lunit}?', 'how long each piece is, in {lunit}']],
      beads: [['How many beads does {name} need?', 'how many beads {name} needs']],
    },
  }),

  family('water-tank', 'measurement', (d) => ({ vunit: d.pick(UNITS.volume) }), {
    moves: [
      {
        op: '*', to: 'water', a: range(2, 9), b: range(10, 50),
        q: ['A hose puts {b} {vunit} of water into a tank every minute. {name} leaves it on for {a} minutes.'],
        why: '{b} {vunit} a minute for {a} minutes', desc: '{vunit} of water', say: 'The tank gets',
      },
      {
        op: '+', to: 'water', a: range(20, 300), b: range(10, 100),
        q: ['A tank holds {a} {vunit} of water, and {name} pours in {b} more {vunit}.'],
        why: '{a} {vunit} plus {b} more', desc: '{vunit} of water', say: 'The tank has',
      },
      {
        op: '-', from: 'water', to: 'water', b: range(2, 40),
        q: ['Then {b} {vunit} leak out through a crack.', '{N} uses {b} {vunit} to water the garden.'],
        why: '{b} {vunit} are gone', desc: '{vunit} left', say: 'The tank has',
      },
      {
        op: '+', from: 'water', to: 'water', b: range(5, 60),
        q: ['A rainstorm adds {b} more {vunit}.'],
        why: 'the rain adds {b} {vunit}', desc: '{vunit} now', say: 'The tank has',
      },
      {
        op: '/', from: 'water', to: 'barrels', b: range(2, 9),
        q: ['The water is poured equally into {b} barrels.'],
        why: '{b} barrels share it equally', desc: '{vunit} in each barrel',
      },
      {
        op: '/', from: 'water', to: 'jugs', b: range(2, 20),
        q: ['{N} fills jugs that hold {b} {vunit} each.'],
        why: 'each jug holds {b} {vunit}', desc: 'jugs', say: '{N} fills',
      },
    ],
    ask: {
      water: [['How many {vunit} of water are in the tank now?', 'how many {vunit} of water are in the tank now']],
      barrels: [['How many {vunit} go into each barrel?', 'how many {vunit} go into each barrel']],
      jugs: [['How many jugs does {name} fill?', 'how many jugs {name} fills']],
    },
  }),

  family('packing', 'measurement', (d) => {
    const wunit = d.pick(UNITS.weight);
    return { wunit, wunitOne: wunit.slice(0, -1) };
  }, {
    moves: [
      {
        op: '*', to: 'weight', a: range(2, 8), b: range(3, 25),
        q: ['{name} packs {a} boxes that weigh {b} {wunit} each.'],
        why: '{a} boxes at {b} {wunit} each', desc: '{wunit}', say: 'The boxes weigh',
      },
      {
        op: '+', to: 'weight', a: range(5, 40), b: range(5, 40),
        q: ['{name}\'s suitcase weighs {a} {wunit} and {his} backpack weighs {b} {wunit}.'],
        why: '{a} {wunit} and {b} {wunit}', desc: '{wunit}', say: 'They weigh',
      },
      {
        op: '+', from: 'weight', to: 'weight', b: range(2, 30),
        q: ['{N} adds a bag of gifts that weighs {b} {wunit}.'],
        why: 'the gifts add {b} {wunit}', desc: '{wunit} in total', say: 'That makes',
      },
      // The load left after taking some out is its own kind: "in total" would ask for the whole.
      {
        op: '-', from: 'weight', to: 'load', b: range(2, 20),
        q: ['{N} takes out {b} {wunit} of books.'],
        why: '{b} {wunit} come out', desc: '{wunit} left', say: 'There are',
      },
      ...(['weight', 'load'] as const).flatMap((from): MoveSpec[] => [
        {
          op: '-', flip: true, from, to: 'room', b: range(5, 200),
          q: ['{N} rents a truck that can carry {b} {wunit}.'],
          why: 'the truck carries {b} {wunit} and {a} are loaded', desc: '{wunit} of room left', say: 'There are',
        },
        {
          op: '/', from, to: 'trips', b: range(2, 25),
          q: ['{N} can carry {b} {wunit} at a time.'],
          why: 'each trip carries {b} {wunit}', desc: 'trips', say: '{N} makes',
        },
        {
          op: '*', from, to: 'shipping', b: range(2, 6), fact: true,
          q: ['Shipping costs ${b} per {wunitOne}.'],
          why: 'each {wunitOne} costs ${b}', desc: 'dollars', say: '{N} pays',
        },
      ]),
    ],
    ask: {
      weight: [['How many {wunit} is that in total?', 'how many {wunit} that is in total']],
      load: [['How many {wunit} are left to carry?', 'how many {wunit} are left to carry'], ['How many {wunit} does {name} have to carry now?', 'how many {wunit} {name} has to carry now']],
      room: [['How many more {wunit} can the truck carry?', 'how many more {wunit} the truck can carry']],
      trips: [['How many trips does {name} make?', 'how many trips {name} makes']],
      shipping: [['How much does {name} pay for shipping?', 'how much {name} pays for shipping']],
    },
  }),
];
