// The page's side of the training worker: typed requests in, typed events out (workers/protocol.ts).
// Closing the tab (or terminate()) ends a run; train-resume in a new worker continues it from
// its last checkpoint in browser storage.
import type { TrainSource, TrainStartRequest, TrainWorkerEvent, TrainWorkerRequest } from '../../../workers/protocol';
import { wireWorker } from './worker-wiring';

export type TrainEventHandler = (event: TrainWorkerEvent) => void;

export class TrainWorkerClient {
  readonly #worker: Worker;

  constructor(onEvent: TrainEventHandler) {
    this.#worker = new Worker(new URL('../../../workers/train.worker.ts', import.meta.url), { type: 'module' });
    wireWorker<TrainWorkerEvent>(this.#worker, 'training', onEvent, (message) => ({ type: 'train-error', message }));
  }

  #send(request: TrainWorkerRequest): void {
    this.#worker.postMessage(request);
  }

  start(request: Omit<TrainStartRequest, 'type'>): void {
    this.#send({ type: 'train-start', ...request });
  }

  /** Stops after the current step with a checkpoint saved; train-done reports 'paused'. */
  pause(): void {
    this.#send({ type: 'train-pause' });
  }

  resume(request: TrainSource): void {
    this.#send({ type: 'train-resume', ...request });
  }

  /** Stops after the current step without saving; train-done reports 'cancelled'. */
  cancel(): void {
    this.#send({ type: 'train-cancel' });
  }

  terminate(): void {
    this.#worker.terminate();
  }
}
