// The training worker: a thin shell that runs the pipeline's training (src/lib/pipeline/train.ts)
// in browser storage (OPFS, runs/<id>/), and turns pause and cancel messages into the flag the
// trainer reads between steps.
import { wasmPaths } from '../models/backend-wasm-paths.browser';
import { resumeTraining, startTraining, type TrainHost } from '../src/lib/pipeline/train';
import { isRunId, RUN_ID_RULE, runPath } from '../src/lib/runs/paths';
import { opfsStore } from '../src/lib/storage/opfs-store';
import type { Control } from '../src/lib/train/trainer';
import type { TrainResumeRequest, TrainStartRequest, TrainWorkerEvent, TrainWorkerRequest } from './protocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (event: TrainWorkerEvent) => scope.postMessage(event);
const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

let running = false;
let control: Control = 'continue';

function host(runId: string): TrainHost {
  if (!isRunId(runId)) throw new Error(`run id "${runId}" ${RUN_ID_RULE}`);
  return { post, control: () => control, store: (part) => opfsStore(runPath(runId, part || undefined)), runFolder: runPath(runId), backend: { wasmPaths } };
}

function train(req: TrainStartRequest | TrainResumeRequest): Promise<unknown> {
  if (req.type === 'train-resume') return resumeTraining(host(req.runId), { model: req.model, data: req.data, backend: req.backend });
  const { type: _, runId, config, ...spec } = req;
  return startTraining(spec, config, host(runId));
}

scope.onmessage = async (e: MessageEvent<TrainWorkerRequest>) => {
  const req = e.data;
  try {
    if (req.type === 'train-pause' || req.type === 'train-cancel') {
      // The latest word wins, except that a cancel is never downgraded to a pause.
      if (running && control !== 'cancel') control = req.type === 'train-pause' ? 'pause' : 'cancel';
    } else if (req.type === 'train-start' || req.type === 'train-resume') {
      if (running) throw new Error('A training run is already in progress in this worker; pause or cancel it first.');
      running = true;
      control = 'continue';
      try {
        await train(req);
      } finally {
        running = false;
      }
    } else {
      throw new Error(`Unknown request ${JSON.stringify((req as { type?: unknown }).type)}`);
    }
  } catch (err) {
    post({ type: 'train-error', message: messageOf(err) });
  }
};
