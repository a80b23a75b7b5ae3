// The page's side of the teacher worker: typed requests in, typed events out (workers/protocol.ts).
// Outputs land in browser storage (teach/<jobId>/), named by the done events' `stored`.
import type { SummarizeStartRequest, TeachStartRequest, TeacherWorkerEvent, TeacherWorkerRequest } from '../../../workers/protocol';
import { sharedStopFlag, wireWorker } from './worker-wiring';

export class TeacherWorkerClient {
  readonly #worker: Worker;
  /** Shared with the worker so that stop works even while its wasm generation loop never yields. */
  readonly #stopFlag: Int32Array | undefined;

  constructor(onEvent: (event: TeacherWorkerEvent) => void) {
    this.#worker = new Worker(new URL('../../../workers/teacher.worker.ts', import.meta.url), { type: 'module' });
    wireWorker<TeacherWorkerEvent>(this.#worker, 'teacher', onEvent, (message) => ({ type: 'teacher-error', message }));
    this.#stopFlag = sharedStopFlag();
  }

  #send(request: TeacherWorkerRequest): void {
    this.#worker.postMessage(request);
  }

  #start(request: TeachStartRequest | SummarizeStartRequest): void {
    if (this.#stopFlag) Atomics.store(this.#stopFlag, 0, 0);
    this.#send({ ...request, ...(this.#stopFlag && { stopFlag: this.#stopFlag }) });
  }

  teach(request: Omit<TeachStartRequest, 'type' | 'stopFlag'>): void {
    this.#start({ type: 'teach-start', ...request });
  }

  summarize(request: Omit<SummarizeStartRequest, 'type' | 'stopFlag'>): void {
    this.#start({ type: 'summarize-start', ...request });
  }

  /** Stops now; the batch in flight is dropped, the job ends with status 'stopped'. */
  stop(): void {
    if (this.#stopFlag) Atomics.store(this.#stopFlag, 0, 1);
    this.#send({ type: 'teacher-stop' });
  }

  terminate(): void {
    this.#worker.terminate();
  }
}
