// The page's side of the model worker: typed requests in, typed events out (workers/protocol.ts).
import type { GenerateSettings, LoadRequest, WorkerEvent, WorkerRequest } from '../../../workers/protocol';
import { sharedStopFlag, wireWorker } from './worker-wiring';

export type EventHandler = (event: WorkerEvent) => void;

export class ModelWorkerClient {
  readonly #worker: Worker;
  /** Shared with the worker so that Stop works even while its decode loop never yields. */
  readonly #stopFlag: Int32Array | undefined;

  constructor(onEvent: EventHandler) {
    this.#worker = new Worker(new URL('../../../workers/model.worker.ts', import.meta.url), { type: 'module' });
    wireWorker<WorkerEvent>(this.#worker, 'model', onEvent, (message) => ({ type: 'error', message, during: 'message' }));
    this.#stopFlag = sharedStopFlag();
  }

  #send(request: WorkerRequest): void {
    this.#worker.postMessage(request);
  }

  load(request: Omit<LoadRequest, 'type'>): void {
    this.#send({ type: 'load', ...request });
  }

  generate(prompt: string | number[], options: GenerateSettings): void {
    if (this.#stopFlag) Atomics.store(this.#stopFlag, 0, 0);
    this.#send({ type: 'generate', prompt, options, ...(this.#stopFlag && { stopFlag: this.#stopFlag }) });
  }

  stop(): void {
    if (this.#stopFlag) Atomics.store(this.#stopFlag, 0, 1);
    this.#send({ type: 'stop' });
  }

  terminate(): void {
    this.#worker.terminate();
  }
}
