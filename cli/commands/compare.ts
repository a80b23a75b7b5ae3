// compare: two evaluation runs on the same items — the accuracy difference, McNemar's exact test,
// and the items that flipped.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError, type Command } from '../args';
import { readRecords } from '../../src/lib/data/readers';
import { compareRuns } from '../../src/lib/eval/compare';
import type { FilterName } from '../../src/lib/eval/scoring';

const FILTERS: FilterName[] = ['strict-match', 'flexible-extract'];

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

export const compare: Command = {
  summary: 'Compare two eval runs on the same items: accuracy difference, McNemar exact test, flipped items',
  help: `Usage: compare RUN_A RUN_B [--filter strict-match|flexible-extract] [--json]

RUN_A and RUN_B are eval output folders (or their samples.jsonl). Items are paired by doc_id.`,

  async run(argv) {
    let parsed;
    try {
      parsed = parseArgs({ args: argv, options: { filter: { type: 'string' }, json: { type: 'boolean' } }, allowPositionals: true, strict: true });
    } catch (e) {
      throw new UsageError(`${(e as Error).message} (see "compare --help")`);
    }
    const [a, b, ...extra] = parsed.positionals;
    if (!a || !b || extra.length) throw new UsageError('give exactly two runs: compare RUN_A RUN_B');
    const filter = (parsed.values.filter ?? 'strict-match') as FilterName;
    if (!FILTERS.includes(filter)) throw new UsageError(`--filter must be ${FILTERS.join(' or ')}`);
    const result = compareRuns(await correctness(a, filter), await correctness(b, filter));
    const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
    process.stderr.write(
      `${filter}, ${result.n} paired items: A ${pct(result.accuracyA)}, B ${pct(result.accuracyB)}, B − A ${result.difference >= 0 ? '+' : ''}${(100 * result.difference).toFixed(1)} points\n` +
        `McNemar exact test: ${result.bOnlyRight} items right only in B, ${result.aOnlyRight} only in A, p = ${result.pValue.toPrecision(3)}\n` +
        `flipped to right: ${result.flippedToRight.join(', ') || 'none'}\nflipped to wrong: ${result.flippedToWrong.join(', ') || 'none'}\n`,
    );
    if (parsed.values.json) process.stdout.write(`${JSON.stringify({ filter, ...result })}\n`);
  },
};
