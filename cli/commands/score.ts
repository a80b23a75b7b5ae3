// score: the harness's scoring of given completions, without a model.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { command, UsageError } from '../args';
import { log } from '../load';
import { readRecords } from '../../src/lib/data/readers';
import { OneGoldKind, parseGold } from '../../src/lib/eval/gold';
import { taskMetrics } from '../../src/lib/eval/runner';
import { NUMERIC_TOLERANCE, scoreCompletion, TASK_RULES, type ScoredSample, type TaskName } from '../../src/lib/eval/scoring';
import { TASK_NAMES } from '../../src/lib/eval/tasks';

const stopList = (task: TaskName) => TASK_RULES[task].until.map((u) => JSON.stringify(u)).join(', ');

export const score = command({
  summary: 'Score given completions as lm-evaluation-harness does (no model needed)',
  usage: 'score --task T --input FILE.jsonl --out SAMPLES.jsonl [--json]',
  about: `Each input line is {"completion","answer"}, where "answer" is GSM8K's full solution ("… #### N"),
or a number (42, or a string holding only one: "-3.5", "1,234"; one kind per file).
Each completion is first cut at the task's stop sequences, as generation would have stopped there
(the harness's "until": ${TASK_NAMES.map((t) => `${t} ${stopList(t)}`).join('; ')}), then scored.
Each output line, in input order, has "filtered": {"strict-match","flexible-extract"} and
"exact_match": {"strict-match": 0|1, "flexible-extract": 0|1} (and "answer" for --task chat);
for a numeric answer also "numeric_match", the same by value: |answer - gold| < ${NUMERIC_TOLERANCE} (PAL's rule).`,
  options: {
    task: { kind: 'choice', choices: TASK_NAMES, arg: 'T', required: true, help: 'the task whose stop sequences and answer rules apply' },
    input: { kind: 'string', arg: 'FILE.jsonl', required: true, help: '{"completion","answer"} lines' },
    out: { kind: 'string', arg: 'SAMPLES.jsonl', required: true, help: 'the scored lines' },
    json: { kind: 'flag', help: 'last stdout line: exact_match (and numeric_match) and its stderr for each filter, and n' },
  },

  async run(v) {
    const { task, input } = v;
    const out = createWriteStream(v.out);
    const scored: ScoredSample[] = [];
    const oneKind = new OneGoldKind();
    for await (const item of readRecords(input, { format: 'jsonl' })) {
      const fail = (reason: string) => new UsageError(`${input}, line ${item.line}: ${reason}`);
      if (!item.ok) throw fail(item.reason);
      const { completion, answer } = item.record;
      if (typeof completion !== 'string' || (typeof answer !== 'string' && typeof answer !== 'number')) {
        throw fail('needs a string field "completion" and an "answer" (a GSM8K solution or a number)');
      }
      const gold = parseGold(answer, 'answer');
      if (!gold.ok) throw fail(gold.reason);
      const otherKind = oneKind.check(gold, 'answer', item.line);
      if (otherKind) throw fail(otherKind);
      const sample = scoreCompletion(task, completion, gold.answer, gold.gold);
      scored.push(sample);
      if (!out.write(`${JSON.stringify(sample)}\n`)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
    const { alias: _, ...summary } = taskMetrics(task, scored, oneKind.kind);
    const score = (metric: string) => `strict-match ${Number(summary[`${metric},strict-match`]).toFixed(4)}, flexible-extract ${Number(summary[`${metric},flexible-extract`]).toFixed(4)}`;
    log(`${task}: ${summary.n} completions; ${score('exact_match')}${oneKind.kind === 'number' ? `; by value: ${score('numeric_match')}` : ''}`);
    if (v.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  },
});
