// Words the templates draw from. Every list is plain data; the sizes are what gives the problems
// their surface variety (names from many cultures, objects a grade-school problem would count).

export type Gender = 'f' | 'm';

export interface Person {
  name: string;
  gender: Gender;
}

export interface Noun {
  one: string;
  many: string;
}

const people = (gender: Gender, names: string): Person[] =>
  names.split(' ').map((name) => ({ name, gender }));

export const NAMES: readonly Person[] = [
  ...people(
    'f',
    'Maria Aisha Sofia Mei Priya Fatima Emma Olivia Chloe Yuki Ana Zara Leila Nadia Grace Hannah ' +
      'Amara Ines Lucia Keiko Sara Mina Rosa Elena Ingrid Noor Chiara Ayesha Jasmine Lily Naomi ' +
      'Freya Adaeze Imani Valentina Harper',
  ),
  ...people(
    'm',
    'James Omar Diego Kenji Ravi Liam Noah Mateo Ahmed Chen Lucas Ethan Samuel Tariq Hugo Kwame ' +
      'Arjun Felix Pedro Ivan Jamal Marco Tomas Hiro Daniel Ben Oscar Yusuf Leo Kofi Rafael Andre ' +
      'Malik Nikolai Sanjay',
  ),
];

/** For teachers, shopkeepers and farmers addressed by title: "Ms. Okafor". */
export const SURNAMES: readonly string[] = (
  'Garcia Chen Patel Okafor Nguyen Kowalski Haddad Silva Tanaka Novak Mensah Larsen Rossi ' +
  'Kim Ibrahim Moreno Schmidt Dubois Costa Singh'
).split(' ');

export const RELATIVES: readonly string[] = [
  'brother', 'sister', 'cousin', 'neighbor', 'mom', 'dad', 'grandma', 'grandpa', 'aunt', 'uncle',
  'best friend', 'classmate',
];

/** Regular English plurals, with the few exceptions our nouns need. */
function plural(word: string): string {
  const head = word.split(' of ')[0];
  const tail = word.slice(head.length);
  const irregular: Record<string, string> = { child: 'children', loaf: 'loaves', sheep: 'sheep', goose: 'geese', tomato: 'tomatoes', potato: 'potatoes', mango: 'mangoes' };
  const last = head.split(' ').pop()!;
  const stem = head.slice(0, head.length - last.length);
  let many: string;
  if (irregular[last]) many = irregular[last];
  else if (/[^aeiou]y$/.test(last)) many = last.slice(0, -1) + 'ies';
  else if (/(s|x|ch|sh)$/.test(last)) many = last + 'es';
  else many = last + 's';
  return stem + many + tail;
}

const nouns = (words: string): Noun[] => words.split(',').map((w) => ({ one: w.trim(), many: plural(w.trim()) }));

export const SCHOOL_ITEMS = nouns('pencil, eraser, marker, crayon, notebook, ruler, sticker, folder, glue stick, paper clip, index card, pen');
export const FRUITS = nouns('apple, orange, banana, pear, peach, plum, lemon, mango, kiwi, strawberry, cherry, apricot');
export const BAKED = nouns('cookie, cupcake, muffin, brownie, bagel, donut, pretzel, cinnamon roll, biscuit, scone, pie, loaf of bread');
export const TOYS = nouns('marble, toy car, balloon, kite, puzzle, yo-yo, action figure, teddy bear, trading card, building block, bouncy ball, toy robot');
export const CRAFTS = nouns('bead, button, candle, postcard, envelope, bracelet, seashell, stamp, paintbrush, bookmark, keychain, friendship band');
export const VEGETABLES = nouns('carrot, potato, tomato, cucumber, pumpkin, onion, pepper, zucchini, radish, cabbage, eggplant, beet');
export const FLOWERS = nouns('rose, tulip, daisy, sunflower, lily, orchid, carnation, marigold');
export const SNACKS = nouns('granola bar, juice box, candy bar, lollipop, sandwich, cracker, rice cake, fruit cup');
export const GOODS = nouns('soccer ball, water bottle, lunch box, backpack, T-shirt, hat, mug, towel, cushion, lamp');

export const ALL_OBJECTS: readonly Noun[] = [
  ...SCHOOL_ITEMS, ...FRUITS, ...BAKED, ...TOYS, ...CRAFTS, ...VEGETABLES, ...FLOWERS, ...SNACKS, ...GOODS,
];

export interface Animal extends Noun {
  legs: number;
}

export const ANIMALS: readonly Animal[] = [
  ...nouns('cow, horse, sheep, goat, pig, rabbit, llama, donkey').map((n) => ({ ...n, legs: 4 })),
  ...nouns('chicken, duck, goose, turkey').map((n) => ({ ...n, legs: 2 })),
];

/** The people a thing is shared among: "among 6 cousins". */
export const SHARERS = nouns('friend, cousin, classmate, teammate, neighbor, student, child');

export const CONTAINERS = nouns('box, bag, pack, basket, crate, jar, tray, tin, bucket, carton');

export const SHOPS: readonly string[] = [
  'market', 'bakery', 'toy store', 'bookstore', 'craft store', 'grocery store', 'corner shop',
  "farmers' market", 'school fair', 'mall',
];

export const PLACES: readonly string[] = [
  'park', 'library', 'museum', 'zoo', 'beach', 'lake', 'science center', 'aquarium', 'community center',
  'botanical garden', 'farm', 'planetarium',
];

export const TOWNS: readonly string[] = [
  'Lakeview', 'Riverton', 'Maple Falls', 'Oakdale', 'Pine Hill', 'Cedar Bay', 'Brookfield',
  'Stonebridge', 'Willow Creek', 'Fairview', 'Sunnyvale', 'Elmwood',
];

/** Things to spend money on, each with its article: "spends $12 on a board game". */
export const TREATS: readonly string[] = [
  'a book', 'lunch', 'a movie ticket', 'a board game', 'a new cap', 'a water bottle', 'art supplies',
  'a kite', 'snacks', 'a puzzle', 'a bus pass', 'a gift for a friend',
];

export const CHORES: readonly Noun[] = nouns('lawn, car, dog walk, garden bed, window');
/** The verb that goes with each chore above, in the same order. */
export const CHORE_VERBS: readonly string[] = ['mows', 'washes', 'does', 'weeds', 'cleans'];

export const INSTRUMENTS: readonly string[] = ['piano', 'violin', 'guitar', 'flute', 'drums', 'cello', 'trumpet'];

export const DISHES: readonly string[] = ['pancakes', 'banana bread', 'muffins', 'a cake', 'cookies', 'waffles', 'pizza dough', 'porridge'];

/** Ingredient with the unit it is measured in. */
export const INGREDIENTS: readonly [string, string][] = [
  ['flour', 'cups'], ['flour', 'grams'], ['sugar', 'grams'], ['sugar', 'cups'], ['milk', 'cups'],
  ['rice', 'cups'], ['oats', 'cups'], ['butter', 'grams'], ['water', 'cups'], ['honey', 'spoons'],
  ['cheese', 'grams'], ['yogurt', 'cups'],
];

export const UNITS = {
  distance: ['kilometers', 'miles'],
  length: ['centimeters', 'inches', 'meters', 'feet'],
  volume: ['liters', 'gallons'],
  weight: ['kilograms', 'pounds'],
} as const;

export const VEHICLES: readonly string[] = ['car', 'van', 'truck', 'camper'];

/** "an apple", "a kite". */
export const withArticle = (word: string): string => (/^[aeiou]/i.test(word) ? 'an ' : 'a ') + word;

/** Things a child saves up for, with their article. */
export const SAVING_GOALS: readonly string[] = [
  'a bike', 'a skateboard', 'a telescope', 'a video game', 'a pair of skates', 'a guitar', 'a tent',
  'a camera', 'a scooter', 'a chess set',
];

export const MATERIALS: readonly string[] = ['ribbon', 'rope', 'string', 'yarn', 'wire', 'tape'];
