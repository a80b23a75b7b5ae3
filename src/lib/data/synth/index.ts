// `synth`: the offline synthetic teacher, the app's default data. It writes grade-school word
// problems as small arithmetic programs, and for each one a GSM8K-style human solution and an
// R1-style response (<think> … </think> then a concise worked answer), deterministically per seed.
//
// Held-out guarantee of `synthEvalSet`, for every seed and size: a problem's tuple of numbers (the
// numbers its question states, as a multiset) decides which side it may fall on. One tuple in
// HELD_OUT_SHARE is held out, and only eval questions state one: no training record's or
// pretraining document's question does, whole or in any run of its sentences (a narrative's scene
// sentence included), so no eval question and none of its statements appear in them, even inside a
// longer story. Nor does any calculation their solutions write out: a worked line that pairs a
// running total with a stated number ("60 + 2 = 62"), or a check ("243 ÷ 27 = 9"), would state a
// held-out tuple as an arithmetic fact does.
// Eval questions are also distinct among themselves.
import { buildProblem, type Built, type SynthProblem, type SynthStep } from './problem';
import { Dice, hash32, STREAM } from './rng';
import { FAMILIES } from './templates';
import { pickVerbFamily } from './verb-stories';
import { calculationOperands, writeGeneration, writeOriginal } from './writers';
import { factBlock, narrative, numbersRestated, workedStory } from './corpus';
import { containsHeldOut, HELD_OUT_SHARE, isHeldOut } from './held-out';

export { isHeldOut };

export type { SynthProblem, SynthStep };

export interface SynthOptions {
  n: number;
  seed: number;
  /** Steps per problem, 1..4: one value or an inclusive range; default [1, 4], uniform. */
  difficulty?: number | [number, number];
  /**
   * Training records only: the share (0..1) of one- and two-step records told as stories of
   * getting, losing, sharing and packing with everyday verbs (verb-stories.ts) instead of the
   * template families.
   * Default 0: the records, the eval split and pretraining text are the families' alone.
   */
  verbStories?: number;
}

/** A distilled training record (one JSONL line). */
export interface SynthRecord {
  question: string;
  /** GSM8K-style human solution: step lines with <<a*b=c>> annotations, then "#### N". */
  answer: string;
  /** R1-style teacher output: "<think>\n…\n</think>\n\n" + worked answer ending "The answer is N.\n#### N". */
  generation: string;
  difficulty: number;
  template: string;
  id: string;
}

/** A held-out record in GSM8K's schema. */
export interface SynthEvalRecord {
  question: string;
  answer: string;
  difficulty: number;
  template: string;
  id: string;
}

const EVAL_SEED_MASK = 0x9e3779b9;
/** Mixed into a record's hash for its verb-story die. */
const VERB_STORY_TAG = 0x5eed;

function difficultyRange(d: SynthOptions['difficulty']): [number, number] {
  const [lo, hi] = d === undefined ? [1, 4] : typeof d === 'number' ? [d, d] : d;
  if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo < 1 || hi > 4 || lo > hi) {
    throw new Error(`synth: difficulty must be integers within 1..4, got ${JSON.stringify(d)}`);
  }
  return [lo, hi];
}

function checkOptions(opts: { n: number; seed: number }): void {
  if (!Number.isInteger(opts.n) || opts.n < 0) throw new Error(`synth: n must be a non-negative integer, got ${opts.n}`);
  if (!Number.isInteger(opts.seed)) throw new Error(`synth: seed must be an integer, got ${opts.seed}`);
}

/**
 * Record `index` of a stream: its own dice, so each record is rebuilt alone and sizes nest. Drawn
 * again until it is on the stream's side.
 */
function record(stream: number, seed: number, index: number, [lo, hi]: [number, number], idPrefix: string, verbStories = 0): { built: Built; d: Dice } {
  const d = new Dice(hash32(seed, stream, index));
  const difficulty = d.int(lo, hi);
  const heldOut = stream === STREAM.eval;
  // A die of its own, so that records the share leaves alone are drawn exactly as without it.
  const verbDice = verbStories > 0 && difficulty <= 2 ? new Dice(hash32(seed, stream, index, VERB_STORY_TAG)) : null;
  if (verbDice?.chance(verbStories)) {
    for (let attempt = 0; attempt < 100 * HELD_OUT_SHARE; attempt++) {
      const built = buildProblem(d, pickVerbFamily(verbDice), difficulty, `${idPrefix}-${index}`);
      if (built && onSide(built.problem, heldOut)) return { built, d };
    }
  }
  for (let attempt = 0; attempt < 100 * HELD_OUT_SHARE; attempt++) {
    // Rarely a family's random draws find no chain of this length; then the next family tries.
    const first = FAMILIES.indexOf(d.pick(FAMILIES));
    for (let k = 0; k < FAMILIES.length; k++) {
      const built = buildProblem(d, FAMILIES[(first + k) % FAMILIES.length], difficulty, `${idPrefix}-${index}`);
      if (built && onSide(built.problem, heldOut)) return { built, d };
      if (built) break;
    }
  }
  throw new Error(`synth: no template family produced a ${difficulty}-step problem (record ${index})`);
}

/**
 * Eval takes held-out tuples only; the other streams none, in the question, any run of its
 * sentences or any calculation its solutions write out.
 */
const onSide = ({ question, steps }: SynthProblem, heldOut: boolean) =>
  heldOut ? isHeldOut(question) : !containsHeldOut(question) && !calculationOperands(steps).some((pair) => isHeldOut(pair.join(' ')));

function trainRecords(opts: SynthOptions): { built: Built; d: Dice }[] {
  checkOptions(opts);
  const share = opts.verbStories ?? 0;
  if (!(share >= 0 && share <= 1)) throw new Error(`synth: verbStories must be a share from 0 to 1, got ${opts.verbStories}`);
  const range = difficultyRange(opts.difficulty);
  return Array.from({ length: opts.n }, (_, i) => record(STREAM.train, opts.seed, i, range, `synth-train-${opts.seed}`, share));
}

export function synthProblems(opts: SynthOptions): SynthProblem[] {
  return trainRecords(opts).map((r) => r.built.problem);
}

export function synthDataset(opts: SynthOptions): SynthRecord[] {
  return trainRecords(opts).map(({ built, d }) => {
    const { question, difficulty, template, id } = built.problem;
    // Both writers draw from the record's own dice, after the problem: fixed order, fixed output.
    const answer = writeOriginal(built, d);
    return { question, answer, generation: writeGeneration(built, d), difficulty, template, id };
  });
}

/** "2" → 2, "1-3" → [1, 3]: how people write difficulties (steps per problem, 1–4). */
export function parseDifficulty(text: string): number | [number, number] {
  const m = /^([1-4])(?:-([1-4]))?$/.exec(text.trim());
  if (!m || (m[2] && Number(m[2]) < Number(m[1]))) throw new Error(`difficulty must be a step count 1-4 or a range such as 1-2, got "${text}"`);
  return m[2] ? [Number(m[1]), Number(m[2])] : Number(m[1]);
}

/** Records as JSON Lines: how the CLI writes them and the app hands them to training. */
export const toJsonl = (rows: readonly object[]): string => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';

/** Held-out problems in GSM8K's schema; see the guarantee at the top of this file. */
export function synthEvalSet(opts: SynthOptions): SynthEvalRecord[] {
  checkOptions(opts);
  const seen = new Set<string>();
  const range = difficultyRange(opts.difficulty);
  const seed = (opts.seed ^ EVAL_SEED_MASK) | 0;
  const out: SynthEvalRecord[] = [];
  // Duplicates are rare; the bound only stops a pathological call (n far above what exists).
  for (let j = 0; out.length < opts.n; j++) {
    if (j > 4 * opts.n + 1000) throw new Error(`synth: could not find ${opts.n} distinct held-out problems`);
    const { built, d } = record(STREAM.eval, seed, j, range, `synth-eval-${opts.seed}`);
    const { question, difficulty, template, id } = built.problem;
    if (seen.has(question)) continue;
    seen.add(question);
    out.push({ question, answer: writeOriginal(built, d), difficulty, template, id });
  }
  return out;
}

const pretrainRecord = (seed: number, index: number) => record(STREAM.pretrain, seed, index, [1, 4], `synth-pretrain-${seed}`);

/** The problem drawn for each `pretrainCorpus` document (a fact block draws one too, and does not print it). */
export function pretrainProblems(opts: { n: number; seed: number }): SynthProblem[] {
  checkOptions(opts);
  return Array.from({ length: opts.n }, (_, i) => pretrainRecord(opts.seed, i).built.problem);
}

/** The kinds of pretraining document, in the order a document's roll is matched against their shares. */
const PRETRAIN_KINDS = ['question', 'workedStory', 'numbersRestated', 'facts', 'narrative'] as const;

/** Shares of each kind of pretraining document, in percent (summing to 100); see corpus.ts for why each is there. */
export type PretrainMix = Record<(typeof PRETRAIN_KINDS)[number], number>;

/** The default mix, the bundled model's first phase. */
export const PRETRAIN_MIX: PretrainMix = { question: 10, workedStory: 45, numbersRestated: 5, facts: 35, narrative: 5 };

/** The mix's shares in PRETRAIN_KINDS order, so that the order they are written in changes nothing. */
function mixShares(mix: PretrainMix): [keyof PretrainMix, number][] {
  const unknown = Object.keys(mix).find((k) => !(PRETRAIN_KINDS as readonly string[]).includes(k));
  if (unknown) throw new Error(`synth: a pretraining mix names an unknown kind "${unknown}"; the kinds are ${PRETRAIN_KINDS.join(', ')}`);
  const shares = PRETRAIN_KINDS.map((kind) => [kind, mix[kind]] as [keyof PretrainMix, number]);
  if (shares.some(([, share]) => !(share >= 0)) || shares.reduce((n, [, share]) => n + share, 0) !== 100) {
    throw new Error(`synth: a pretraining mix's shares must be non-negative and sum to 100, got ${JSON.stringify(mix)}`);
  }
  return shares;
}

/** `n` plain-text documents for pretraining, mixed as `mix` says. No solutions and no answer markers. */
export function pretrainCorpus(opts: { n: number; seed: number; mix?: PretrainMix }): string[] {
  checkOptions(opts);
  const kinds = mixShares(opts.mix ?? PRETRAIN_MIX);
  return Array.from({ length: opts.n }, (_, i) => {
    const { built, d } = pretrainRecord(opts.seed, i);
    let roll = d.int(0, 99);
    const kind = kinds.find(([, share]) => (roll -= share) < 0)![0];
    if (kind === 'question') return built.problem.question;
    if (kind === 'workedStory') return workedStory(d, built);
    if (kind === 'numbersRestated') return numbersRestated(d, built);
    return kind === 'facts' ? factBlock(d) : narrative(d, built);
  });
}
