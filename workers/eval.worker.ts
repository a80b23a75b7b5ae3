// The evaluation worker: a thin shell that runs one evaluation at a time (src/lib/eval/session.ts)
// with browser storage (OPFS), and turns eval-cancel (or the shared stop flag) into the flag the
// session reads after every batch.
import { wasmPaths } from '../models/backend-wasm-paths.browser';
import { runEvalSession } from '../src/lib/eval/session';
import { opfsStore } from '../src/lib/storage/opfs-store';
import type { EvalWorkerEvent, EvalWorkerRequest } from './protocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (event: EvalWorkerEvent) => scope.postMessage(event);
const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

let running = false;
let cancelRequested = false;

scope.onmessage = async (e: MessageEvent<EvalWorkerRequest>) => {
  const req = e.data;
  try {
    if (req.type === 'eval-cancel') {
      if (running) cancelRequested = true;
    } else if (req.type === 'eval-start') {
      if (running) throw new Error('An evaluation is already in progress in this worker; cancel it first.');
      running = true;
      cancelRequested = false;
      const flag = req.stopFlag;
      const cancelled = () => cancelRequested || (flag !== undefined && Atomics.load(flag, 0) !== 0);
      try {
        await runEvalSession(req, { post, cancelled, storeFor: opfsStore, backend: { wasmPaths } });
      } finally {
        running = false;
      }
    } else {
      throw new Error(`Unknown request ${JSON.stringify((req as { type?: unknown }).type)}`);
    }
  } catch (err) {
    post({ type: 'eval-error', message: messageOf(err) });
  }
};
