// The held-out synthetic problems never leak into what the model learns from: no eval question and
// no eval question's tuple of numbers appears in training records or in the pretraining corpus,
// across seeds and sizes (the app's demo, the experiment and the bundled model's pretraining use
// different ones).
import { describe, expect, it } from 'vitest';
import { isHeldOut, pretrainCorpus, pretrainProblems, synthDataset, synthEvalSet } from '../src/lib/data/synth';
import { factBlock } from '../src/lib/data/synth/corpus';
import { Dice } from '../src/lib/data/synth/rng';
import { DEFAULT_MODEL_RECIPE } from '../src/lib/default-model';

/** The numbers a question states, as a multiset. */
const tuple = (question: string) => (question.match(/\d+/g) ?? []).map(Number).sort((a, b) => a - b).join(',');

describe('held-out synthetic problems', () => {
  const evalItems = [0, 1, 5].flatMap((seed) => synthEvalSet({ n: 300, seed, difficulty: [1, 4] }));
  const train = [0, 1, 5].flatMap((seed) => synthDataset({ n: 1500, seed }));
  // Both phases of the bundled model's pretraining, each with its own seed and mix.
  const { seed, continued } = DEFAULT_MODEL_RECIPE;
  const pretrain = [seed, continued.seed].flatMap((s) => pretrainProblems({ n: 3000, seed: s }));
  const documents = [...pretrainCorpus({ n: 3000, seed }), ...pretrainCorpus({ n: 3000, seed: continued.seed, mix: continued.corpus.mix })];

  it('share no question and no tuple of numbers with training records or the pretraining corpus', () => {
    const evalTuples = new Set(evalItems.map((r) => tuple(r.question)));
    const evalQuestions = new Set(evalItems.map((r) => r.question));
    const leaks = [
      ...train.filter((r) => evalQuestions.has(r.question) || evalTuples.has(tuple(r.question))).map((r) => `train ${r.id}: ${r.question}`),
      ...pretrain.filter((p) => evalQuestions.has(p.question) || evalTuples.has(tuple(p.question))).map((p) => `pretrain ${p.id}: ${p.question}`),
    ];
    expect(leaks).toEqual([]);
    // One-step problems state two small numbers: without the held-out rule, tuples repeat often.
    expect(new Set(train.map((r) => tuple(r.question))).size).toBeLessThan(train.length);
  });

  it('no eval question appears inside a training response or a pretraining document', () => {
    // The statements without the final question: what a document could have copied.
    const stems = evalItems.map((r) => r.question.slice(0, r.question.lastIndexOf('. ') + 1)).filter((s) => s.length > 40);
    expect(stems.length).toBeGreaterThan(evalItems.length / 2);
    const texts = [...documents, ...train.map((r) => `${r.question}\n${r.answer}\n${r.generation}`)].join('\n');
    expect(stems.filter((s) => texts.includes(s))).toEqual([]);
  });

  it('no training or pretraining story holds a run of sentences that states a held-out tuple', () => {
    // A longer story around an eval question's statements would teach its numbers. Every eval
    // question states two numbers or more, so no run of a question's sentences that states two or
    // more may state a held-out tuple, whether it opens the story or follows other sentences.
    const count = (text: string) => (text.match(/\d+/g) ?? []).length;
    expect(evalItems.filter((r) => count(r.question) < 2)).toEqual([]);
    const runs = (question: string) => {
      const sentences = question.split(/(?<=\.|\?) /);
      return sentences.flatMap((_, i) => sentences.slice(i).map((__, k) => sentences.slice(i, i + k + 1).join(' ')));
    };
    const questions = [...train.map((r) => r.question), ...pretrain.map((p) => p.question)];
    // Sentences end in ". " alone: no other punctuation or line break could hide a boundary.
    expect(questions.filter((q) => /[!;:"\n]|[.?][^ ]/.test(q.replace(/\b(Ms|Mr)\. /g, '').slice(0, -1)))).toEqual([]);
    // A quarter or more tell four sentences or more (ten runs): long stories are well represented.
    expect(questions.filter((q) => runs(q).length >= 10).length).toBeGreaterThan(questions.length / 4);
    expect(questions.filter((q) => runs(q).some((run) => count(run) >= 2 && isHeldOut(run)))).toEqual([]);
    // A narrative document adds a scene sentence, some with numbers ("A dozen is 12 things."), to a
    // story's statements: its runs are held to the same rule.
    const narratives = pretrainCorpus({ n: 3000, seed, mix: { question: 0, workedStory: 0, numbersRestated: 0, facts: 0, narrative: 100 } });
    expect(narratives.filter((doc) => /A dozen is 12 things|60 minutes in an hour/.test(doc)).length).toBeGreaterThan(500);
    expect(narratives.filter((doc) => runs(doc).some((run) => count(run) >= 2 && isHeldOut(run)))).toEqual([]);
  });

  it('no worked calculation in a training response or a pretraining document pairs a held-out tuple', () => {
    // "60 + 2 = 62" states the tuple (2, 60) as an arithmetic fact does, though the question states
    // 60 only as a running total: read from the text, every "a op b =" and "<<a op b=".
    const calculations = (text: string) => [...text.matchAll(/(\d+) ?[-+×÷*/] ?(\d+) ?=/g)].map((m) => `${m[1]} ${m[2]}`);
    // The pattern reads every calculation written: a solution writes each step twice ("a op b =
    // <<a op b=r>>"), a response each step in its reasoning and in its answer, and a check.
    expect(train.filter((r) => calculations(r.answer).length !== 2 * r.difficulty).map((r) => r.answer)).toEqual([]);
    expect(train.filter((r) => calculations(r.generation).length < 2 * r.difficulty + 1).map((r) => r.generation)).toEqual([]);
    const pairs = [...documents, ...train.flatMap((r) => [r.answer, r.generation])].flatMap(calculations);
    expect(pairs.length).toBeGreaterThan(20000);
    expect(pairs.filter(isHeldOut)).toEqual([]);
  });

  it('are told apart by their tuple of numbers alone', () => {
    expect(evalItems.every((r) => isHeldOut(r.question))).toBe(true);
    expect(train.some((r) => isHeldOut(r.question))).toBe(false);
    expect(pretrain.some((p) => isHeldOut(p.question))).toBe(false);
  });

  it("pretraining's arithmetic facts skip held-out operand pairs", () => {
    const facts = Array.from({ length: 500 }, (_, i) => factBlock(new Dice(i)).split('\n')).flat();
    const pairs = facts.map((line) => /^(\d+) \S (\d+) = \d+/.exec(line)!.slice(1, 3).join(' '));
    expect(pairs.length).toBeGreaterThan(3000);
    // One pair in eight would be held out by chance: thousands of draws would hit hundreds.
    expect(pairs.filter(isHeldOut)).toEqual([]);
  });
});
