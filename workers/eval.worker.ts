// The evaluation worker: a thin shell that runs the pipeline's evaluation
// (src/lib/pipeline/evaluate.ts) with its outputs in browser storage (OPFS,
// runs/<id>/eval/<task>/), and turns eval-cancel (or the shared stop flag) into the flag the
// pipeline reads at every decode step.
import { wasmPaths } from '../models/backend-wasm-paths.browser';
import { runEvaluation } from '../src/lib/pipeline/evaluate';
import { evalPath, isRunId, RUN_ID_RULE } from '../src/lib/runs/paths';
import { opfsStore } from '../src/lib/storage/opfs-store';
import type { EvalStartRequest, EvalWorkerEvent, EvalWorkerRequest } from './protocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (event: EvalWorkerEvent) => scope.postMessage(event);
const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

let running = false;
let cancelRequested = false;

function evaluate(req: EvalStartRequest): Promise<unknown> {
  const { type: _, runId, stopFlag, ...spec } = req;
  if (!isRunId(runId)) throw new Error(`run id "${runId}" ${RUN_ID_RULE}`);
  const cancelled = () => cancelRequested || (stopFlag !== undefined && Atomics.load(stopFlag, 0) !== 0);
  const outFolder = evalPath(runId, spec.task);
  return runEvaluation(spec, { post, cancelled, store: () => opfsStore(outFolder), outFolder, backend: { wasmPaths } });
}

scope.onmessage = async (e: MessageEvent<EvalWorkerRequest>) => {
  const req = e.data;
  try {
    if (req.type === 'eval-cancel') {
      if (running) cancelRequested = true;
    } else if (req.type === 'eval-start') {
      if (running) throw new Error('An evaluation is already in progress in this worker; cancel it first.');
      running = true;
      cancelRequested = false;
      try {
        await evaluate(req);
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
