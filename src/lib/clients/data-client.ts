// The page's side of the data worker: typed requests in, typed events out (workers/protocol.ts).
import type { DataInspectRequest, DataWorkerEvent, RecipeExportRequest } from '../../../workers/protocol';
import { wireWorker } from './worker-wiring';

export class DataWorkerClient {
  readonly #worker: Worker;

  constructor(onEvent: (event: DataWorkerEvent) => void) {
    this.#worker = new Worker(new URL('../../../workers/data.worker.ts', import.meta.url), { type: 'module' });
    wireWorker<DataWorkerEvent>(this.#worker, 'data', onEvent, (message) => ({ type: 'data-error', message }));
  }

  inspect(request: Omit<DataInspectRequest, 'type'>): void {
    this.#worker.postMessage({ type: 'data-inspect', ...request } satisfies DataInspectRequest);
  }

  exportRecipe(request: Omit<RecipeExportRequest, 'type'>): void {
    this.#worker.postMessage({ type: 'recipe-export', ...request } satisfies RecipeExportRequest);
  }

  terminate(): void {
    this.#worker.terminate();
  }
}
