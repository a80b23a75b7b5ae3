// The data worker: a thin shell that reads and measures training data (src/lib/pipeline/inspect.ts)
// off the page's thread, so a large file or a slow tokenizer never freezes the page.
import { runDataInspection } from '../src/lib/pipeline/inspect';
import type { DataWorkerEvent, DataWorkerRequest } from './protocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (event: DataWorkerEvent) => scope.postMessage(event);

scope.onmessage = async (e: MessageEvent<DataWorkerRequest>) => {
  const req = e.data;
  try {
    if (req.type !== 'data-inspect') throw new Error(`Unknown request ${JSON.stringify((req as { type?: unknown }).type)}`);
    await runDataInspection(req, post);
  } catch (err) {
    post({ type: 'data-error', message: err instanceof Error ? err.message : String(err) });
  }
};
