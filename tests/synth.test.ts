// The synthetic teacher: deterministic, arithmetically exact in every rendering, varied, and
// held-out where it says so.
import { describe, expect, it } from 'vitest';
import {
  pretrainCorpus, pretrainProblems, PRETRAIN_MIX, synthDataset, synthEvalSet, synthProblems,
  type SynthProblem, type SynthRecord, type SynthStep,
} from '../src/lib/data/synth';
import { ALL_OBJECTS, NAMES } from '../src/lib/data/synth/lexicon';
import { FAMILIES } from '../src/lib/data/synth/templates';
import { buildProblem, MAX_VALUE } from '../src/lib/data/synth/problem';
import { Dice } from '../src/lib/data/synth/rng';

const compute = (s: Pick<SynthStep, 'a' | 'op' | 'b'>): number =>
  s.op === '+' ? s.a + s.b : s.op === '-' ? s.a - s.b : s.op === '*' ? s.a * s.b : s.a / s.b;

const N = 2000;
const problems = synthProblems({ n: N, seed: 11 });
const records = synthDataset({ n: N, seed: 11 });

function checkSteps(p: SynthProblem): void {
  expect(p.steps.length).toBe(p.difficulty);
  p.steps.forEach((s, i) => {
    expect(compute(s), `${p.id} step ${i}`).toBe(s.result);
    for (const v of [s.a, s.b, s.result]) {
      expect(Number.isInteger(v) && v >= 0 && v <= MAX_VALUE, `${p.id}: ${v} out of bounds`).toBe(true);
    }
    // A chain: every later step uses the value before it.
    if (i > 0) expect([s.a, s.b]).toContain(p.steps[i - 1].result);
  });
  expect(p.answer).toBe(p.steps[p.steps.length - 1].result);
}

function checkOriginal(answer: string, p: SynthProblem): void {
  const lines = answer.split('\n');
  expect(lines.pop()).toBe(`#### ${p.answer}`);
  expect(lines.length).toBe(p.steps.length);
  lines.forEach((line, i) => {
    const notes = [...line.matchAll(/<<(\d+)([-+*/])(\d+)=(\d+)>>(\d+)/g)];
    expect(notes.length, line).toBe(1);
    const [, a, op, b, r, shown] = notes[0];
    const s = p.steps[i];
    expect([Number(a), op, Number(b), Number(r), Number(shown)]).toEqual([s.a, s.op, s.b, s.result, s.result]);
    expect(line.startsWith(`${s.a} ${s.op} ${s.b} = <<`) || /^[A-Z]/.test(line), line).toBe(true);
  });
}

const MATH: Record<string, SynthStep['op']> = { '+': '+', '-': '-', '×': '*', '÷': '/' };

function checkGeneration(g: string, p: SynthProblem): void {
  expect(g.startsWith('<think>\n')).toBe(true);
  expect(g.split('<think>').length).toBe(2);
  expect(g.split('</think>').length).toBe(2);
  const [think, worked] = g.slice('<think>\n'.length).split('\n</think>\n\n');
  expect(worked, g).toBeDefined();

  // One caught mistake: a wrong value, "Wait, that's not right.", then the step's true result.
  expect(think.split('Wait').length).toBe(2);
  const turn = think.match(/^.*= (\d+)\. Wait, that's not right\. .*= (\d+)\.$/m);
  expect(turn, think).not.toBeNull();
  const [wrong, right] = [Number(turn![1]), Number(turn![2])];
  expect(wrong).not.toBe(right);
  expect(wrong).not.toBe(p.answer);
  expect(p.steps.map((s) => s.result)).toContain(right);
  expect(think).toMatch(/[Ll]et me double-check/);
  expect(think).toMatch(/Check: \d+ [-+×÷] \d+ = \d+\. Yes\./);
  const check = think.match(/Check: (\d+) ([-+×÷]) (\d+) = (\d+)\./)!;
  expect(compute({ a: Number(check[1]), op: MATH[check[2]], b: Number(check[3]) })).toBe(Number(check[4]));

  const lines = worked.split('\n');
  expect(lines.pop()).toBe(`#### ${p.answer}`);
  expect(lines.pop()).toBe(`The answer is ${p.answer}.`);
  expect(lines.length).toBe(p.steps.length);
  lines.forEach((line, i) => {
    const m = line.match(/^(\d+) ([-+×÷]) (\d+) = (\d+) \S.*\.$/);
    expect(m, line).not.toBeNull();
    const s = p.steps[i];
    expect([Number(m![1]), MATH[m![2]], Number(m![3]), Number(m![4])]).toEqual([s.a, s.op, s.b, s.result]);
  });
}

describe('synth: determinism', () => {
  it('gives identical output for the same options and different output for another seed', () => {
    const again = synthDataset({ n: N, seed: 11 });
    expect(JSON.stringify(again)).toBe(JSON.stringify(records));
    const other = synthDataset({ n: N, seed: 12 });
    expect(other.filter((r, i) => r.question === records[i].question).length).toBeLessThan(N / 100);
    expect(pretrainCorpus({ n: 300, seed: 5 })).toEqual(pretrainCorpus({ n: 300, seed: 5 }));
    expect(pretrainCorpus({ n: 300, seed: 5 })).not.toEqual(pretrainCorpus({ n: 300, seed: 6 }));
    expect(synthEvalSet({ n: 300, seed: 5 })).toEqual(synthEvalSet({ n: 300, seed: 5 }));
  });

  it('builds the same problems as synthProblems, and smaller sizes are prefixes', () => {
    expect(records.map((r) => r.id)).toEqual(problems.map((p) => p.id));
    expect(records.map((r) => r.question)).toEqual(problems.map((p) => p.question));
    expect(synthDataset({ n: 50, seed: 11 })).toEqual(records.slice(0, 50));
  });
});

describe('synth: arithmetic', () => {
  it('every step, annotation, worked line and final answer agrees with the program', () => {
    records.forEach((r: SynthRecord, i) => {
      const p = problems[i];
      checkSteps(p);
      checkOriginal(r.answer, p);
      checkGeneration(r.generation, p);
      expect(r.difficulty).toBe(p.difficulty);
      expect(r.template).toBe(p.template);
    });
  });

  it('keeps numbers small: mostly 1–3 digit operands', () => {
    const operands = problems.flatMap((p) => p.steps.flatMap((s) => [s.a, s.b]));
    const small = operands.filter((v) => v < 1000).length / operands.length;
    console.log(`synth: ${(100 * small).toFixed(1)}% of operands below 1000, max ${Math.max(...operands)}`);
    expect(small).toBeGreaterThan(0.9);
  });

  it('every family builds valid chains at every difficulty (nearly always on the first try)', () => {
    let failures = 0;
    for (const family of FAMILIES) {
      for (let difficulty = 1; difficulty <= 4; difficulty++) {
        for (let s = 0; s < 40; s++) {
          const built = buildProblem(new Dice(s * 31 + difficulty), family, difficulty, 'x');
          if (built) checkSteps(built.problem);
          else failures++;
        }
      }
    }
    expect(failures / (FAMILIES.length * 4 * 40)).toBeLessThan(0.01);
  });

  it('a dataset never fails to build, whatever the seed (another family steps in)', () => {
    for (let seed = 0; seed < 6; seed++) {
      const many = synthDataset({ n: 2000, seed });
      expect(many).toHaveLength(2000);
      many.slice(0, 50).forEach((r) => expect(r.generation).toContain('</think>'));
    }
  });
});

describe('synth: text', () => {
  it('reads as a word problem ending in one question, with every placeholder filled', () => {
    for (const r of records) {
      expect(r.question).toMatch(/^[A-Z0-9].*\?$/);
      expect(r.question.split('?').length).toBe(2);
      for (const text of [r.question, r.answer, r.generation]) {
        expect(text).not.toMatch(/[{}]|undefined|NaN/);
        expect(text).not.toMatch(/\. [a-z]/);
      }
    }
  });
});

describe('synth: difficulty', () => {
  it('follows the requested difficulty', () => {
    expect(synthProblems({ n: 300, seed: 3, difficulty: 2 }).every((p) => p.difficulty === 2)).toBe(true);
    const ranged = new Set(synthProblems({ n: 300, seed: 3, difficulty: [3, 4] }).map((p) => p.difficulty));
    expect([...ranged].sort()).toEqual([3, 4]);
    const counts = [1, 2, 3, 4].map((d) => problems.filter((p) => p.difficulty === d).length / N);
    console.log(`synth: difficulty shares 1–4: ${counts.map((c) => c.toFixed(3)).join(' ')}`);
    for (const c of counts) expect(Math.abs(c - 0.25)).toBeLessThan(0.04);
    expect(() => synthProblems({ n: 1, seed: 1, difficulty: 5 })).toThrow(/difficulty/);
    expect(() => synthProblems({ n: 1, seed: 1, difficulty: [3, 2] })).toThrow(/difficulty/);
  });
});

describe('synth: diversity', () => {
  it('varies questions, templates and names', () => {
    const questions = new Set(records.map((r) => r.question)).size;
    const templates = new Set(records.map((r) => r.template)).size;
    const words = new Set(records.flatMap((r) => r.question.split(/[^A-Za-z]+/)));
    const names = NAMES.filter((p) => words.has(p.name)).length;
    const themes = new Set(FAMILIES.map((f) => f.theme));
    console.log(
      `synth diversity on n=${N}: ${questions} distinct questions (${((100 * questions) / N).toFixed(1)}%), ` +
        `${templates} templates of ${FAMILIES.length} (${themes.size} themes), ${names} names of ${NAMES.length}, lexicon ${ALL_OBJECTS.length} objects`,
    );
    expect(questions / N).toBeGreaterThanOrEqual(0.95);
    expect(templates).toBeGreaterThanOrEqual(25);
    expect(themes.size).toBeGreaterThanOrEqual(8);
    expect(names).toBeGreaterThanOrEqual(50);
    expect(NAMES.length).toBeGreaterThanOrEqual(60);
    expect(ALL_OBJECTS.length).toBeGreaterThanOrEqual(80);
  });
});

describe('synth: held-out eval set', () => {
  it('shares no question with the train set of the same call, and is exact', () => {
    const evalSet = synthEvalSet({ n: N, seed: 11 });
    expect(evalSet.length).toBe(N);
    const train = new Set(records.map((r) => r.question));
    expect(evalSet.filter((e) => train.has(e.question))).toEqual([]);
    expect(new Set(evalSet.map((e) => e.question)).size).toBe(N);
    expect(new Set(evalSet.map((e) => e.id)).size).toBe(N);
    for (const e of evalSet) {
      const lines = e.answer.split('\n');
      const final = Number(lines.pop()!.replace('#### ', ''));
      const notes = lines.map((l) => l.match(/<<(\d+)([-+*/])(\d+)=(\d+)>>/)!);
      expect(notes.length).toBe(e.difficulty);
      for (const [, a, op, b, r] of notes) {
        expect(compute({ a: Number(a), op: op as SynthStep['op'], b: Number(b) })).toBe(Number(r));
      }
      expect(Number(notes[notes.length - 1][4])).toBe(final);
    }
  });
});

describe('synth: pretraining corpus', () => {
  it('holds statements, stories that work out their quantities, restated numbers and true arithmetic, and no questions with answers', () => {
    const docs = pretrainCorpus({ n: 2000, seed: 4 });
    expect(docs.length).toBe(2000);
    for (const doc of docs) {
      for (const banned of ['####', '<think>', '</think>', 'The answer is', '<<']) expect(doc).not.toContain(banned);
      // A question is only ever a document's last sentence: nothing answers it.
      expect(doc.slice(0, -1)).not.toContain('?');
    }
    const calcs = docs.flatMap((d) => [...d.matchAll(/(\d+) ([-+*/×÷]) (\d+) = (\d+)/g)]);
    expect(calcs.length).toBeGreaterThan(4000);
    for (const [, a, op, b, r] of calcs) {
      const sym = ({ '×': '*', '÷': '/' } as Record<string, string>)[op] ?? op;
      expect(compute({ a: Number(a), op: sym as SynthStep['op'], b: Number(b) })).toBe(Number(r));
    }
    const share = (test: (d: string) => boolean) => docs.filter(test).length / docs.length;
    expect(share((d) => d.endsWith('?'))).toBeGreaterThan((0.7 * PRETRAIN_MIX.question) / 100);
    expect(share((d) => /[a-z]\. \d+ [-+×÷*/] \d+ = \d+ [a-z]/.test(d) || /[a-z]\.\n\d+ [-+×÷*/] \d+ = \d+ [a-z]/.test(d))).toBeGreaterThan(0.25);
    // Copying practice: the numbers restated are the story's, in order.
    for (const d of docs.filter((x) => /\n(The numbers in this story are|Numbers:|In order, the story gives) /.test(x))) {
      const [story, restated] = d.split('\n');
      expect(restated.match(/\d+/g) ?? []).toEqual(story.match(/\d+/g) ?? []);
    }
  });
});

describe('synth: pretraining mixes', () => {
  const only = (kind: keyof typeof PRETRAIN_MIX) => ({ question: 0, workedStory: 0, numbersRestated: 0, facts: 0, narrative: 0, [kind]: 100 });
  const isFactBlock = (d: string) => d.split('\n').every((line) => /^\d+ [-+×÷*/] \d+ = \d+/.test(line));

  it('draws each kind of document in its share, and the same problems whatever the mix', () => {
    expect(pretrainCorpus({ n: 300, seed: 4, mix: only('facts') }).every(isFactBlock)).toBe(true);
    const questions = pretrainCorpus({ n: 300, seed: 4, mix: only('question') });
    // Each document's problem comes from its own dice, before the mix picks a kind.
    expect(questions).toEqual(pretrainProblems({ n: 300, seed: 4 }).map((p) => p.question));
    const half = pretrainCorpus({ n: 2000, seed: 4, mix: { ...only('facts'), facts: 50, question: 50 } });
    const facts = half.filter(isFactBlock).length;
    expect(facts).toBeGreaterThan(900);
    expect(facts).toBeLessThan(1100);
    expect(half.filter((d) => !isFactBlock(d)).every((d) => d.endsWith('?'))).toBe(true);
  });

  it('does not depend on the order the shares are written in', () => {
    const reversed = Object.fromEntries(Object.entries(PRETRAIN_MIX).reverse()) as typeof PRETRAIN_MIX;
    expect(pretrainCorpus({ n: 200, seed: 4, mix: reversed })).toEqual(pretrainCorpus({ n: 200, seed: 4 }));
  });

  it('refuses a mix whose shares do not sum to 100, are negative, or name an unknown kind', () => {
    expect(() => pretrainCorpus({ n: 5, seed: 1, mix: { ...PRETRAIN_MIX, facts: 50 } })).toThrow(/shares must be non-negative and sum to 100, got .*"facts":50/);
    expect(() => pretrainCorpus({ n: 5, seed: 1, mix: { ...only('facts'), facts: 110, question: -10 } })).toThrow(/non-negative/);
    const unknown = { ...only('facts'), facts: 90, poems: 10 } as unknown as typeof PRETRAIN_MIX;
    expect(() => pretrainCorpus({ n: 5, seed: 1, mix: unknown })).toThrow(/unknown kind "poems".*question, workedStory, numbersRestated, facts, narrative/);
  });
});

// Speed is a figure, printed, never a pass mark: a loaded machine must not fail CI.
describe('synth: at scale', () => {
  it('writes 10k records', () => {
    const t0 = performance.now();
    const big = synthDataset({ n: 10_000, seed: 99 });
    const ms = performance.now() - t0;
    console.log(`synth: 10k records in ${ms.toFixed(0)} ms`);
    expect(big.length).toBe(10_000);
    // Every record's response ends on its solution's final answer, at every difficulty.
    const finalLine = (text: string) => text.slice(text.lastIndexOf('\n#### '));
    expect(big.filter((r) => !/\n#### \d+$/.test(r.answer) || !r.generation.endsWith(finalLine(r.answer))).map((r) => r.id)).toEqual([]);
    expect(new Set(big.map((r) => r.difficulty))).toEqual(new Set([1, 2, 3, 4]));
  });
});
