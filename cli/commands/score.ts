// score: the harness's scoring of given completions, without a model.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { command, UsageError } from '../args';
import { log } from '../load';
import { readRecords } from '../../src/lib/data/readers';
import { scoreCompletion, TASK_RULES, type FilterName, type TaskName } from '../../src/lib/eval/scoring';
import { mean, sampleStderr } from '../../src/lib/eval/stats';
import { TASK_NAMES } from '../../src/lib/eval/tasks';

const FILTERS: FilterName[] = ['strict-match', 'flexible-extract'];

const stopList = (task: TaskName) => TASK_RULES[task].until.map((u) => JSON.stringify(u)).join(', ');

export const score = command({
  summary: 'Score given completions as lm-evaluation-harness does (no model needed)',
  usage: 'score --task T --input FILE.jsonl --out SAMPLES.jsonl [--json]',
  about: `Each input line is {"completion","answer"}, where "answer" is GSM8K's full solution ("… #### N").
Each completion is first cut at the task's stop sequences, as generation would have stopped there
(the harness's "until": ${TASK_NAMES.map((t) => `${t} ${stopList(t)}`).join('; ')}), then scored.
Each output line, in input order, has "filtered": {"strict-match","flexible-extract"} and
"exact_match": {"strict-match": 0|1, "flexible-extract": 0|1} (and "answer" for --task chat).`,
  options: {
    task: { kind: 'choice', choices: TASK_NAMES, arg: 'T', required: true, help: 'the task whose stop sequences and answer rules apply' },
    input: { kind: 'string', arg: 'FILE.jsonl', required: true, help: '{"completion","answer"} lines' },
    out: { kind: 'string', arg: 'SAMPLES.jsonl', required: true, help: 'the scored lines' },
    json: { kind: 'flag', help: 'last stdout line: exact_match and its stderr for each filter, and n' },
  },

  async run(v) {
    const { task, input } = v;
    const out = createWriteStream(v.out);
    const hits: Record<FilterName, number[]> = { 'strict-match': [], 'flexible-extract': [] };
    for await (const item of readRecords(input, { format: 'jsonl' })) {
      if (!item.ok) throw new UsageError(`${input}, line ${item.line}: ${item.reason}`);
      const { completion, answer } = item.record;
      if (typeof completion !== 'string' || typeof answer !== 'string') {
        throw new UsageError(`${input}, line ${item.line}: needs string fields "completion" and "answer"`);
      }
      const scored = scoreCompletion(task, completion, answer);
      for (const f of FILTERS) hits[f].push(scored.exact_match[f]);
      if (!out.write(`${JSON.stringify(scored)}\n`)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
    const summary: Record<string, number> = { n: hits['strict-match'].length };
    for (const f of FILTERS) {
      summary[`exact_match,${f}`] = mean(hits[f]);
      summary[`exact_match_stderr,${f}`] = sampleStderr(hits[f]);
    }
    log(`${task}: ${summary.n} completions; strict-match ${summary['exact_match,strict-match'].toFixed(4)}, flexible-extract ${summary['exact_match,flexible-extract'].toFixed(4)}`);
    if (v.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  },
});
