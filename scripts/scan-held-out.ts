// npx tsx scripts/scan-held-out.ts: checks the held-out rule at full size, by text rather than by
// the rule's own hash. It collects the statements (the question without its last sentence), the
// tuples of numbers and the two-number tuples of the eval questions of many seeds and difficulty
// ranges. Then it looks for each statement, and each question's whole tuple of numbers, as a run of
// whole sentences (one that works out no calculation), and for each two-number tuple as the
// operands of a written calculation ("60 + 2 =", "<<60+2="), in both of the bundled model's
// pretraining corpora, in training records of the same seeds and in the experiment's GSM8K
// training items (from ../shared, when it is there). Exits 1 on a find.
// (tests/synth-overlap.test.ts checks the rule itself on smaller samples.)
import { existsSync } from 'node:fs';
import { withoutThousands } from '../src/lib/data/gsm8k-teacher';
import { pretrainCorpus, synthDataset, synthEvalSet } from '../src/lib/data/synth';
import { DEFAULT_MODEL_RECIPE as R } from '../src/lib/default-model';
import { EXPERIMENT_PLAN, GSM8K_TRAIN_FILE, planGsm8kRecords } from './experiment-plan';

const SCAN = { seeds: 16, evalItems: 300, trainRecords: EXPERIMENT_PLAN.trainRecords, difficulties: [[1, 2], [3, 4], [1, 4]] as [number, number][], longestRun: 8 };

const seeds = [...Array(SCAN.seeds).keys()];
const numbersIn = (text: string) => (text.match(/\d+/g) ?? []).map(Number);
/** A multiset of two numbers as one key: "2 60" for 60 and 2. */
const pairKey = (a: number, b: number) => `${Math.min(a, b)} ${Math.max(a, b)}`;

const statements = new Map<string, string>();
const pairs = new Map<string, string>();
/** Every eval question's whole tuple of numbers (two or more), as a sorted key: "2,12,60". */
const tuples = new Map<string, string>();
const tupleKey = (text: string) => numbersIn(text).sort((a, b) => a - b).join(',');
for (const seed of seeds) {
  for (const difficulty of SCAN.difficulties) {
    for (const r of synthEvalSet({ n: SCAN.evalItems, seed, difficulty })) {
      const where = `eval seed ${seed}, difficulty ${difficulty.join('-')}`;
      statements.set(r.question.slice(0, r.question.lastIndexOf('. ') + 1), where);
      const numbers = numbersIn(r.question);
      tuples.set(tupleKey(r.question), `${where}: ${r.question}`);
      if (numbers.length === 2) pairs.set(pairKey(numbers[0], numbers[1]), `${where}: ${r.question}`);
    }
  }
}
console.log(`${statements.size} eval questions' statements, ${tuples.size} tuples and ${pairs.size} two-number tuples (${SCAN.seeds} seeds, difficulties ${SCAN.difficulties.map((d) => d.join('-')).join(', ')})`);

/**
 * How many runs of whole sentences, in any line of the texts, are an eval question's statements or
 * state its tuple of numbers, and how many written calculations take an eval question's two
 * numbers as operands.
 */
function finds(name: string, texts: string[]): number {
  let found = 0;
  let calculations = 0;
  for (const text of texts) {
    for (const m of text.matchAll(/(\d+) ?[-+×÷*/] ?(\d+) ?=/g)) {
      const tuple = pairs.get(pairKey(Number(m[1]), Number(m[2])));
      if (!tuple) continue;
      if (++calculations <= 5) console.log(`  ${name}: "${m[0]}" takes the numbers of ${tuple}`);
    }
  }
  for (const line of texts.flatMap((t) => t.split('\n'))) {
    const sentences = line.split(/(?<=[.!?]) /);
    for (let i = 0; i < sentences.length; i++) {
      for (let j = i + 1; j <= Math.min(sentences.length, i + SCAN.longestRun); j++) {
        const run = sentences.slice(i, j).join(' ');
        // A run that works out a calculation states its result too: its operands are checked above.
        const tuple = /=/.test(run) || numbersIn(run).length < 2 ? undefined : tuples.get(tupleKey(run));
        if (!statements.has(run) && !tuple) continue;
        if (++found <= 5) console.log(`  ${name}: ${statements.get(run) ?? `the numbers of ${tuple}`}: ${run}`);
      }
    }
  }
  console.log(`${name}: ${texts.length} texts, ${found} eval statements or tuples and ${calculations} calculations on an eval tuple found`);
  return found + calculations;
}

const found =
  finds('pretraining, first phase', pretrainCorpus({ n: R.corpus.docs, seed: R.seed })) +
  finds('pretraining, second phase', pretrainCorpus({ n: R.continued.corpus.docs, seed: R.continued.seed, mix: R.continued.corpus.mix })) +
  finds(`training records (${SCAN.seeds} seeds of ${SCAN.trainRecords})`, seeds.flatMap((seed) => synthDataset({ n: SCAN.trainRecords, seed }).map((r) => `${r.question}\n${r.answer}\n${r.generation}`)));
let foundInGsm8k = 0;
if (existsSync(GSM8K_TRAIN_FILE)) {
  const records = await planGsm8kRecords(GSM8K_TRAIN_FILE);
  foundInGsm8k = finds(`the experiment's GSM8K training items (${records.length})`, records.map((r) => withoutThousands(`${r.question}\n${r.answer}\n${r.generation}`)));
} else console.log(`no ${GSM8K_TRAIN_FILE}: the experiment's GSM8K training items were not scanned`);
process.exit(found + foundInGsm8k === 0 ? 0 : 1);
