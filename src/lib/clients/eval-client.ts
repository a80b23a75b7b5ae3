// The page's side of the evaluation worker: typed requests in, typed events out (workers/protocol.ts).
// Results land in browser storage (runs/<id>/eval/<task>/), named by eval-done's `stored`.
import type { EvalStartRequest, EvalWorkerEvent, EvalWorkerRequest } from '../../../workers/protocol';
import { sharedStopFlag, wireWorker } from './worker-wiring';

export type EvalEventHandler = (event: EvalWorkerEvent) => void;

export class EvalWorkerClient {
  readonly #worker: Worker;
  /** Shared with the worker so that cancel works even while its wasm eval loop never yields. */
  readonly #stopFlag: Int32Array | undefined;

  constructor(onEvent: EvalEventHandler) {
    this.#worker = new Worker(new URL('../../../workers/eval.worker.ts', import.meta.url), { type: 'module' });
    wireWorker<EvalWorkerEvent>(this.#worker, 'evaluation', onEvent, (message) => ({ type: 'eval-error', message }));
    this.#stopFlag = sharedStopFlag();
  }

  #send(request: EvalWorkerRequest): void {
    this.#worker.postMessage(request);
  }

  start(request: Omit<EvalStartRequest, 'type' | 'stopFlag'>): void {
    if (this.#stopFlag) Atomics.store(this.#stopFlag, 0, 0);
    this.#send({ type: 'eval-start', ...request, ...(this.#stopFlag && { stopFlag: this.#stopFlag }) });
  }

  /** Stops after the current batch; the run ends with eval-error "evaluation cancelled". */
  cancel(): void {
    if (this.#stopFlag) Atomics.store(this.#stopFlag, 0, 1);
    this.#send({ type: 'eval-cancel' });
  }

  terminate(): void {
    this.#worker.terminate();
  }
}
