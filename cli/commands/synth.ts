// synth: the built-in synthetic teacher — GSM8K-style word problems with R1-style responses,
// and a held-out eval split in GSM8K's own schema.
import { writeFileSync } from 'node:fs';
import { command, UsageError } from '../args';
import { log } from '../load';
import { GSM8K_TEACHER_DEFAULTS } from '../../src/lib/data/gsm8k-teacher';
import { parseDifficulty, synthEvalSet, toJsonl } from '../../src/lib/data/synth';
import { EVAL_DATA_DEFAULTS } from '../../src/lib/pipeline/defaults';
import { synthTrainFile } from '../../src/lib/pipeline/sources';

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
  usage: 'synth --n N [--seed S] [--difficulty 1-4] [--verb-stories P] [--gsm8k-train FILE --gsm8k-items K] --out FILE.jsonl [--eval-out EVAL.jsonl] [--eval-n M]',
  about: `Each train line has "question", "answer" (a GSM8K-style solution: the dataset's original response),
"generation" (a <think> with exploration, one caught mistake and a check, then a concise worked
answer ending "#### N"), "difficulty" (arithmetic steps) and "template". The eval split is in
GSM8K's schema ("question", "answer" ending "#### N"), with no question shared with the train split.
--verb-stories tells that share of the one- and two-step train records as stories of getting,
losing, sharing and packing with everyday verbs ("She gleans 12 more pears.", "On Monday, Omar
dealt out the pears among 6 friends."), as npm run experiment does.
--gsm8k-train appends real questions: GSM8K training items written as the teacher writes (the
human solution as "answer" and reasoning, one concise line per calculation), those of at most
--gsm8k-max-calculations one-operation, whole-number calculations that state no held-out tuple.`,
  options: {
    n: { kind: 'number', integer: true, min: 1, required: true, help: 'train records' },
    seed: { kind: 'number', arg: 'S', integer: true, min: 0, default: 0, help: 'seed; the same seed gives the same bytes' },
    difficulty: { kind: 'string', arg: 'D', help: 'steps per problem: 2, or a range such as 1-2 (default: all, 1-4)' },
    'verb-stories': { kind: 'number', arg: 'P', min: 0, max: 1, default: 0, help: 'share (0-1) of one- and two-step train records told as stories with everyday verbs (getting, losing, sharing, packing)' },
    out: { kind: 'string', arg: 'FILE', required: true, help: 'the train records (JSONL)' },
    'eval-out': { kind: 'string', arg: 'FILE', help: 'also write the held-out eval split' },
    'eval-n': { kind: 'number', arg: 'M', integer: true, min: 1, default: EVAL_DATA_DEFAULTS.synthN, help: 'eval records' },
    'gsm8k-train': { kind: 'string', arg: 'FILE', help: "also write GSM8K training items (a file in GSM8K's schema, e.g. ../shared/data/gsm8k/train.jsonl)" },
    'gsm8k-items': { kind: 'number', arg: 'K', integer: true, min: 1, help: 'at most this many GSM8K items, in the file\'s order (default: every one kept)' },
    'gsm8k-max-calculations': { kind: 'number', arg: 'C', integer: true, min: 1, default: GSM8K_TEACHER_DEFAULTS.maxCalculations, help: 'keep GSM8K items of at most C calculations' },
  },

  async run(v) {
    const { n, seed, out } = v;
    const difficulty = v.difficulty ? parseDifficultyFlag(v.difficulty) : undefined;
    const gsm8kTrain = v['gsm8k-train'] && { url: v['gsm8k-train'], items: v['gsm8k-items'] ?? Infinity, maxCalculations: v['gsm8k-max-calculations'] };
    const verbStories = v['verb-stories'];
    const { file, gsm8kItems } = await synthTrainFile({ kind: 'synth', n, seed, difficulty, verbStories, ...(gsm8kTrain && { gsm8kTrain }) }, { log });
    writeFileSync(out, new Uint8Array(await file.arrayBuffer()));
    log(`wrote ${n} train records${gsm8kItems ? ` and ${gsm8kItems} GSM8K training items` : ''} to ${out}`);
    if (v['eval-out']) {
      const evalN = v['eval-n'];
      writeFileSync(v['eval-out'], toJsonl(synthEvalSet({ n: evalN, seed, difficulty })));
      log(`wrote ${evalN} eval records to ${v['eval-out']}`);
    }
  },
});
