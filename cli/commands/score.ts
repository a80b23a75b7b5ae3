// score: the harness's scoring of given completions, without a model.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { parseOptions, required, UsageError, type Command } from '../args';
import { log } from '../load';
import { readRecords } from '../../src/lib/data/readers';
import { scoreCompletion, type FilterName, type TaskName } from '../../src/lib/eval/scoring';
import { mean, sampleStderr } from '../../src/lib/eval/stats';
import { TASK_NAMES } from '../../src/lib/eval/tasks';

const OPTIONS = { task: { type: 'string' }, input: { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean' } } as const;
const FILTERS: FilterName[] = ['strict-match', 'flexible-extract'];

export const score: Command = {
  summary: 'Score given completions as lm-evaluation-harness does (no model needed)',
  help: `Usage: score --task T --input FILE.jsonl --out SAMPLES.jsonl [--json]

Each input line is {"completion","answer"}, where "answer" is GSM8K's full solution ("… #### N").
Each output line, in input order, has "filtered": {"strict-match","flexible-extract"} and
"exact_match": {"strict-match": 0|1, "flexible-extract": 0|1} (and "answer" for --task chat).

  --task T   ${TASK_NAMES.join(', ')}
  --json     last stdout line: exact_match and its stderr for each filter, and n`,

  async run(argv) {
    const v = parseOptions('score', argv, OPTIONS);
    const task = required(v.task, '--task T', 'score');
    if (!(TASK_NAMES as string[]).includes(task)) throw new UsageError(`--task must be one of ${TASK_NAMES.join(', ')}, got "${task}"`);
    const input = required(v.input, '--input FILE.jsonl', 'score');
    const out = createWriteStream(required(v.out, '--out SAMPLES.jsonl', 'score'));
    const hits: Record<FilterName, number[]> = { 'strict-match': [], 'flexible-extract': [] };
    for await (const item of readRecords(input, { format: 'jsonl' })) {
      if (!item.ok) throw new UsageError(`${input}, line ${item.line}: ${item.reason}`);
      const { completion, answer } = item.record;
      if (typeof completion !== 'string' || typeof answer !== 'string') {
        throw new UsageError(`${input}, line ${item.line}: needs string fields "completion" and "answer"`);
      }
      const scored = scoreCompletion(task as TaskName, completion, answer);
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
};
