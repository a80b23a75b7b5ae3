// Backend setup for Node tests: every numerics test runs on each backend Node offers.
import { initBackend, type BackendName } from '../../models/backend';

export const NODE_BACKENDS: BackendName[] = ['cpu', 'wasm'];

/**
 * One wasm thread: vitest runs two test files at once on this 2-core machine, and the tiny test
 * models' small products lose more to waking a second thread than they gain (tests/backend.test.ts
 * and tests/browser/backend.test.ts cover threads).
 */
export const TEST_WASM_THREADS = 1;

export async function useBackend(name: BackendName): Promise<void> {
  await initBackend(name, { threads: TEST_WASM_THREADS });
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
