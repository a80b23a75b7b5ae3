// synth: the built-in synthetic teacher — GSM8K-style word problems with R1-style responses,
// and a held-out eval split in GSM8K's own schema.
import { writeFileSync } from 'node:fs';
import { command, UsageError } from '../args';
import { log } from '../load';
import { parseDifficulty, synthDataset, synthEvalSet, toJsonl } from '../../src/lib/data/synth';
import { EVAL_DATA_DEFAULTS } from '../../src/lib/pipeline/defaults';

/** --difficulty's value, with the flag named in the error. */
export function parseDifficultyFlag(text: string): number | [number, number] {
  try {
    return parseDifficulty(text);
  } catch (e) {
    throw new UsageError(`--${(e as Error).message}`);
  }
}

export const synth = command({
  summary: 'Write synthetic GSM8K-style problems with R1-style responses (and a held-out eval split)',
  usage: 'synth --n N [--seed S] [--difficulty 1-4] --out FILE.jsonl [--eval-out EVAL.jsonl] [--eval-n M]',
  about: `Each train line has "question", "answer" (a GSM8K-style solution: the dataset's original response),
"generation" (a <think> with exploration, one caught mistake and a check, then a concise worked
answer ending "#### N"), "difficulty" (arithmetic steps) and "template". The eval split is in
GSM8K's schema ("question", "answer" ending "#### N"), with no question shared with the train split.`,
  options: {
    n: { kind: 'number', integer: true, min: 1, required: true, help: 'train records' },
    seed: { kind: 'number', arg: 'S', integer: true, min: 0, default: 0, help: 'seed; the same seed gives the same bytes' },
    difficulty: { kind: 'string', arg: 'D', help: 'steps per problem: 2, or a range such as 1-2 (default: all, 1-4)' },
    out: { kind: 'string', arg: 'FILE', required: true, help: 'the train records (JSONL)' },
    'eval-out': { kind: 'string', arg: 'FILE', help: 'also write the held-out eval split' },
    'eval-n': { kind: 'number', arg: 'M', integer: true, min: 1, default: EVAL_DATA_DEFAULTS.synthN, help: 'eval records' },
  },

  async run(v) {
    const { n, seed, out } = v;
    const difficulty = v.difficulty ? parseDifficultyFlag(v.difficulty) : undefined;
    writeFileSync(out, toJsonl(synthDataset({ n, seed, difficulty })));
    log(`wrote ${n} train records to ${out}`);
    if (v['eval-out']) {
      const evalN = v['eval-n'];
      writeFileSync(v['eval-out'], toJsonl(synthEvalSet({ n: evalN, seed, difficulty })));
      log(`wrote ${evalN} eval records to ${v['eval-out']}`);
    }
  },
});
