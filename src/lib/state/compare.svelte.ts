// The Compare step's selection: two evaluation runs of one eval set for the paired test.
import { compareTable, pairedComparison, type PairedResult } from '../runs/compare';
import { lab } from './lab.svelte';

class CompareState {
  a = $state<string | null>(null);
  b = $state<string | null>(null);

  table = $derived(compareTable(lab.evalRuns));

  /** The paired test of the two picked runs, or the reason there is none. */
  paired = $derived.by((): { result: PairedResult } | { problem: string } | null => {
    const a = lab.evalRuns.find((r) => r.id === this.a);
    const b = lab.evalRuns.find((r) => r.id === this.b);
    if (!a || !b) return null;
    if (a.id === b.id) return { problem: 'Pick two different runs.' };
    try {
      return { result: pairedComparison(a, b) };
    } catch (e) {
      return { problem: (e as Error).message };
    }
  });
}

export const compare = new CompareState();
