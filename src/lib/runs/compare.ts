// The Compare step's numbers: evaluation runs in the paper's table shape (rows are the models:
// base and one per training strategy; columns are eval sets), and a paired test of two runs.
import { STRATEGIES } from '../data/types';
import { compareRuns, type RunComparison } from '../eval/compare';
import { strictAccuracy, type EvalRun, type ItemResult } from './records';

export interface TableCell {
  runId: string;
  n: number;
  accuracy: number;
  stderr: number;
}

export interface CompareTable {
  rows: string[];
  columns: string[];
  /** cells[row][column]: the latest evaluation of that model on that set, or null. */
  cells: (TableCell | null)[][];
}

/** The eval set a run belongs to: task and data, e.g. "chat · synthetic n 50 seed 0". */
export const evalSetLabel = (run: EvalRun) => `${run.task} · ${run.dataLabel}`;

/** base first, then the strategies in the paper's order, then anything else by name. */
function rowOrder(a: EvalRun['model'], b: EvalRun['model']): number {
  const rank = (m: EvalRun['model']) => (m.strategy === 'base' ? 0 : 1 + STRATEGIES.indexOf(m.strategy));
  return rank(a) - rank(b) || a.label.localeCompare(b.label);
}

export function compareTable(evals: readonly EvalRun[]): CompareTable {
  const sorted = [...evals].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  const models = new Map<string, EvalRun['model']>();
  for (const r of sorted) models.set(r.model.label, r.model);
  const rows = [...models.values()].sort(rowOrder).map((m) => m.label);
  const columns = [...new Set(sorted.map(evalSetLabel))];
  const cells = rows.map(() => columns.map((): TableCell | null => null));
  for (const r of sorted) {
    // Later runs overwrite earlier ones: the table shows each model's latest result on a set.
    cells[rows.indexOf(r.model.label)][columns.indexOf(evalSetLabel(r))] = { runId: r.id, n: r.samples.length, ...strictAccuracy(r) };
  }
  return { rows, columns, cells };
}

export interface FlippedItem {
  a: ItemResult;
  b: ItemResult;
}

export interface PairedResult extends RunComparison {
  /** Items A got wrong and B right, then the reverse; with both runs' outcomes. */
  improved: FlippedItem[];
  regressed: FlippedItem[];
}

/** McNemar's test on the items both runs scored; they must be the same eval set. */
export function pairedComparison(a: EvalRun, b: EvalRun): PairedResult {
  if (evalSetLabel(a) !== evalSetLabel(b)) {
    throw new Error(`runs ${a.id} and ${b.id} were evaluated on different sets (${evalSetLabel(a)} vs ${evalSetLabel(b)}); pick two runs of one column`);
  }
  const result = compareRuns(a.samples, b.samples);
  const byIdA = new Map(a.samples.map((s) => [s.id, s]));
  const byIdB = new Map(b.samples.map((s) => [s.id, s]));
  const pair = (id: string | number): FlippedItem => ({ a: byIdA.get(Number(id))!, b: byIdB.get(Number(id))! });
  return { ...result, improved: result.flippedToRight.map(pair), regressed: result.flippedToWrong.map(pair) };
}
