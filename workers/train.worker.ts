// The training worker: a thin shell that runs one training session at a time
// (src/lib/train/session.ts) with browser storage (OPFS), and turns pause and cancel messages into
// the flag the trainer reads between steps.
import { wasmPaths } from '../models/backend-wasm-paths.browser';
import { opfsStore } from '../src/lib/storage/opfs-store';
import { runTrainingSession } from '../src/lib/train/session';
import type { Control } from '../src/lib/train/trainer';
import type { TrainWorkerEvent, TrainWorkerRequest } from './protocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (event: TrainWorkerEvent) => scope.postMessage(event);
const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

let running = false;
let control: Control = 'continue';

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
        await runTrainingSession(req, { post, control: () => control, storeFor: opfsStore, backend: { wasmPaths } });
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
