// Paired comparison of two evaluation runs over the same items: accuracies, which items flipped,
// and McNemar's exact test on the discordant pairs.
import { exactBinomialTwoSided, mean } from './stats';

export type SampleId = string | number;

export interface SampleOutcome {
  id: SampleId;
  correct: 0 | 1;
}

export interface RunComparison {
  n: number;
  accuracyA: number;
  accuracyB: number;
  /** accuracyB − accuracyA */
  difference: number;
  /** Items A got wrong and B right. */
  bOnlyRight: number;
  /** Items A got right and B wrong. */
  aOnlyRight: number;
  /** McNemar's exact test (two-sided) on bOnlyRight vs aOnlyRight. */
  pValue: number;
  /** Ids of the bOnlyRight items, in A's order. */
  flippedToRight: SampleId[];
  /** Ids of the aOnlyRight items, in A's order. */
  flippedToWrong: SampleId[];
}

function byId(run: readonly SampleOutcome[], name: string): Map<SampleId, 0 | 1> {
  const map = new Map<SampleId, 0 | 1>();
  for (const { id, correct } of run) {
    if (map.has(id)) throw new Error(`run ${name} has id ${JSON.stringify(id)} twice`);
    map.set(id, correct);
  }
  return map;
}

function listIds(ids: SampleId[]): string {
  const shown = ids.slice(0, 20).map((id) => JSON.stringify(id)).join(', ');
  return ids.length > 20 ? `${shown} and ${ids.length - 20} more` : shown;
}

/** Pairs the two runs by id; both must cover the same ids. */
export function compareRuns(a: readonly SampleOutcome[], b: readonly SampleOutcome[]): RunComparison {
  const mapA = byId(a, 'A');
  const mapB = byId(b, 'B');
  const missingInB = [...mapA.keys()].filter((id) => !mapB.has(id));
  const missingInA = [...mapB.keys()].filter((id) => !mapA.has(id));
  if (missingInA.length || missingInB.length) {
    const parts = [];
    if (missingInB.length) parts.push(`${missingInB.length} missing from run B: ${listIds(missingInB)}`);
    if (missingInA.length) parts.push(`${missingInA.length} missing from run A: ${listIds(missingInA)}`);
    throw new Error(`runs cover different items; ${parts.join('; ')}`);
  }
  if (mapA.size === 0) throw new Error('no samples to compare');
  const flippedToRight: SampleId[] = [];
  const flippedToWrong: SampleId[] = [];
  for (const [id, ca] of mapA) {
    const cb = mapB.get(id);
    if (ca === 0 && cb === 1) flippedToRight.push(id);
    if (ca === 1 && cb === 0) flippedToWrong.push(id);
  }
  const accuracyA = mean(a.map((s) => s.correct));
  const accuracyB = mean(b.map((s) => s.correct));
  return {
    n: mapA.size,
    accuracyA,
    accuracyB,
    difference: accuracyB - accuracyA,
    bOnlyRight: flippedToRight.length,
    aOnlyRight: flippedToWrong.length,
    pValue: exactBinomialTwoSided(flippedToRight.length, flippedToWrong.length),
    flippedToRight,
    flippedToWrong,
  };
}
