// npx tsx scripts/probe-model.ts MODEL_DIR: what a pretrained base model can already do of what
// answering a word problem needs, each measured by greedy completion on held-out material:
// - arithmetic: "a op b =" → the result, per operation, with operands shaped like the problems';
// - copying: a held-out problem's statements, then "Numbers:" → its numbers in order;
// - one step: a held-out one-step problem's statements → the worked line "a op b = r".
// A model that scores low here will not learn to answer in a demo's few dozen fine-tuning steps.
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../models/backend';
import { fromPretrained } from '../models/from-pretrained';
import { generate } from '../models/generate';
import { synthEvalSet } from '../src/lib/data/synth';
import { apply, type Op } from '../src/lib/data/synth/problem';
import { Dice } from '../src/lib/data/synth/rng';

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: { n: { type: 'string', default: '50' }, seed: { type: 'string', default: '1' } },
});
const PROBE = { batch: 32, maxNewTokens: 24, evalSeed: 0 };

interface Probe {
  prompt: string;
  /** Right when the numbers read from the completion are these. */
  expect: number[];
  /** The numbers a completion gives; default: all of them, from the first. */
  read?: (completion: string) => number[];
}

const allNumbers = (text: string) => (text.match(/\d+/g) ?? []).map(Number);

/** Facts with the operand ranges of the problems' steps: sums and differences of 1–3 digits, products and quotients by 2–12. */
function arithmetic(op: Op, n: number, d: Dice): Probe[] {
  const symbol = { '+': '+', '-': '-', '*': '×', '/': '÷' }[op];
  return Array.from({ length: n }, () => {
    const small = d.int(2, 12);
    const a = op === '/' ? d.int(2, 40) * small : d.int(2, d.pick([20, 99, 300]));
    const b = op === '+' ? d.int(2, 99) : op === '-' ? d.int(1, a - 1) : small;
    return { prompt: `${a} ${symbol} ${b} =`, expect: [apply(a, op, b)] };
  });
}

const statementsOf = (question: string) => question.slice(0, question.lastIndexOf('. ') + 1);

async function score(model: Awaited<ReturnType<typeof fromPretrained>>, probes: Probe[]): Promise<number> {
  const { tokenizer } = model;
  let right = 0;
  for (let i = 0; i < probes.length; i += PROBE.batch) {
    const batch = probes.slice(i, i + PROBE.batch);
    const out = await generate(model.model, batch.map((p) => tokenizer!.encode(p.prompt, { addSpecialTokens: false })), {
      maxNewTokens: PROBE.maxNewTokens,
      greedy: true,
      decode: (ids) => tokenizer!.decode(ids, { skipSpecialTokens: true }),
      stopStrings: ['\n'],
    });
    batch.forEach((p, j) => {
      const got = (p.read ?? allNumbers)(out.text![j]).slice(0, p.expect.length);
      if (got.length === p.expect.length && got.every((x, k) => x === p.expect[k])) right++;
    });
  }
  return right / probes.length;
}

async function main() {
  const dir = positionals[0];
  if (!dir) throw new Error('usage: npx tsx scripts/probe-model.ts MODEL_DIR [--n N] [--seed S]');
  const n = Number(args.n);
  tf.enableProdMode();
  await initBackend('wasm');
  const model = await fromPretrained(dir, { log: () => {} });
  const d = new Dice(Number(args.seed));
  const held = synthEvalSet({ n: 2 * n, seed: PROBE.evalSeed, difficulty: 1 });
  const copying = held.slice(0, n).map((r) => {
    const text = statementsOf(r.question);
    return { prompt: `${text}\nNumbers:`, expect: allNumbers(text) };
  });
  // The worked line's result: the number after "=" ("27 ÷ 3 = 9 apples …").
  const oneStep = held.slice(n, 2 * n).map((r) => ({
    prompt: `${statementsOf(r.question)} `,
    expect: [Number(r.answer.split('#### ')[1])],
    read: (text: string) => allNumbers(text.split('=')[1] ?? ''),
  }));
  const rows: [string, Probe[]][] = [
    ...(['+', '-', '*', '/'] as Op[]).map((op): [string, Probe[]] => [`arithmetic ${op}`, arithmetic(op, n, d)]),
    ['copying the numbers', copying],
    ['one step, worked out', oneStep],
  ];
  console.log(`probe of ${dir}: greedy, ${n} items each, held-out problems (synth eval seed ${PROBE.evalSeed})`);
  for (const [name, probes] of rows) console.log(`${name.padEnd(24)} ${(100 * (await score(model, probes))).toFixed(0).padStart(3)}%`);
  model.model.dispose();
}

main().catch((e) => {
  console.error(`probe-model: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
});
