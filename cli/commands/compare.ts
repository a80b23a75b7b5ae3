// compare: two evaluation runs on the same items — the accuracy difference, McNemar's exact test,
// and the items that flipped.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { command, UsageError } from '../args';
import { readRecords } from '../../src/lib/data/readers';
import { compareRuns } from '../../src/lib/eval/compare';
import type { FilterName } from '../../src/lib/eval/scoring';

const FILTERS = ['strict-match', 'flexible-extract'] as const satisfies FilterName[];

async function correctness(run: string, filter: FilterName): Promise<{ id: number; correct: 0 | 1 }[]> {
  const file = existsSync(run) && statSync(run).isDirectory() ? path.join(run, 'samples.jsonl') : run;
  if (!existsSync(file)) throw new UsageError(`${file} does not exist; give an eval output folder (with samples.jsonl) or the file`);
  const out: { id: number; correct: 0 | 1 }[] = [];
  for await (const item of readRecords(file, { format: 'jsonl' })) {
    if (!item.ok) throw new UsageError(`${file}, line ${item.line}: ${item.reason}`);
    const { doc_id, exact_match } = item.record as { doc_id?: number; exact_match?: Record<string, 0 | 1> };
    if (typeof doc_id !== 'number' || !exact_match || !(filter in exact_match)) {
      throw new UsageError(`${file}, line ${item.line}: not an eval sample (needs doc_id and exact_match.${filter})`);
    }
    out.push({ id: doc_id, correct: exact_match[filter] });
  }
  return out;
}

export const compare = command({
  summary: 'Compare two eval runs on the same items: accuracy difference, McNemar exact test, flipped items',
  usage: 'compare RUN_A RUN_B [--filter F] [--json]',
  about: 'RUN_A and RUN_B are eval output folders (or their samples.jsonl). Items are paired by doc_id.',
  positionals: ['RUN_A', 'RUN_B'],
  options: {
    filter: { kind: 'choice', choices: FILTERS, default: 'strict-match', help: 'which extraction decides right and wrong' },
    json: { kind: 'flag', help: 'last stdout line: the comparison as JSON' },
  },

  async run(v, { positionals: [a, b] }) {
    const filter = v.filter;
    const result = compareRuns(await correctness(a, filter), await correctness(b, filter));
    const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
    process.stderr.write(
      `${filter}, ${result.n} paired items: A ${pct(result.accuracyA)}, B ${pct(result.accuracyB)}, B − A ${result.difference >= 0 ? '+' : ''}${(100 * result.difference).toFixed(1)} points\n` +
        `McNemar exact test: ${result.bOnlyRight} items right only in B, ${result.aOnlyRight} only in A, p = ${result.pValue.toPrecision(3)}\n` +
        `flipped to right: ${result.flippedToRight.join(', ') || 'none'}\nflipped to wrong: ${result.flippedToWrong.join(', ') || 'none'}\n`,
    );
    if (v.json) process.stdout.write(`${JSON.stringify({ filter, ...result })}\n`);
  },
});
