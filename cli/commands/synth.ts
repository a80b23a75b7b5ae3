// synth: the built-in synthetic teacher — GSM8K-style word problems with R1-style responses,
// and a held-out eval split in GSM8K's own schema.
import { writeFileSync } from 'node:fs';
import { parseNumber, parseOptions, required, UsageError, type Command } from '../args';
import { log } from '../load';
import { parseDifficulty, synthDataset, synthEvalSet, toJsonl } from '../../src/lib/data/synth';

const OPTIONS = {
  n: { type: 'string' },
  seed: { type: 'string' },
  difficulty: { type: 'string' },
  out: { type: 'string' },
  'eval-out': { type: 'string' },
  'eval-n': { type: 'string' },
} as const;

export const SYNTH_DEFAULTS = { seed: 0, evalN: 200 };

/** --difficulty's value, with the flag named in the error. */
export function parseDifficultyFlag(text: string): number | [number, number] {
  try {
    return parseDifficulty(text);
  } catch (e) {
    throw new UsageError(`--${(e as Error).message}`);
  }
}

export const synth: Command = {
  summary: 'Write synthetic GSM8K-style problems with R1-style responses (and a held-out eval split)',
  help: `Usage: synth --n N [--seed S] [--difficulty 1-4] --out FILE.jsonl [--eval-out EVAL.jsonl] [--eval-n M]

Each train line has "question", "answer" (a GSM8K-style solution: the dataset's original response),
"generation" (a <think> with exploration, one caught mistake and a check, then a concise worked
answer ending "#### N"), "difficulty" (arithmetic steps) and "template". The eval split is in
GSM8K's schema ("question", "answer" ending "#### N"), with no question shared with the train split.

  --n N             train records
  --seed S          seed (default ${SYNTH_DEFAULTS.seed}); the same seed gives the same bytes
  --difficulty D    steps per problem: 2, or a range such as 1-2 (default 1-4)
  --eval-out FILE   also write the held-out eval split
  --eval-n M        eval records (default ${SYNTH_DEFAULTS.evalN})`,

  async run(argv) {
    const v = parseOptions('synth', argv, OPTIONS);
    const n = parseNumber('--n', required(v.n, '--n N', 'synth'), { integer: true, min: 1 });
    const out = required(v.out, '--out FILE.jsonl', 'synth');
    const seed = v.seed ? parseNumber('--seed', v.seed, { integer: true, min: 0 }) : SYNTH_DEFAULTS.seed;
    const difficulty = v.difficulty ? parseDifficultyFlag(v.difficulty) : undefined;
    writeFileSync(out, toJsonl(synthDataset({ n, seed, difficulty })));
    log(`wrote ${n} train records to ${out}`);
    if (v['eval-out']) {
      const evalN = v['eval-n'] ? parseNumber('--eval-n', v['eval-n'], { integer: true, min: 1 }) : SYNTH_DEFAULTS.evalN;
      writeFileSync(v['eval-out'], toJsonl(synthEvalSet({ n: evalN, seed, difficulty })));
      log(`wrote ${evalN} eval records to ${v['eval-out']}`);
    }
  },
};
