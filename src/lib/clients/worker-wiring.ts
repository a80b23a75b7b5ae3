// What every page-side worker client needs: events routed to a handler, failures outside a request
// turned into the worker's own error event, and a stop flag the worker can read mid-loop.

/**
 * Routes `worker`'s messages to `onEvent`. A worker that fails to start or throws outside a
 * request (e.g. a script that failed to load), or a message that cannot be read, becomes
 * `failure(message)`.
 */
export function wireWorker<E>(worker: Worker, name: string, onEvent: (event: E) => void, failure: (message: string) => E): void {
  worker.onmessage = (e: MessageEvent<E>) => onEvent(e.data);
  worker.onerror = (e: ErrorEvent) => {
    e.preventDefault();
    onEvent(failure(`The ${name} worker failed: ${e.message || 'it could not start'}`));
  };
  worker.onmessageerror = () => onEvent(failure(`A message from the ${name} worker could not be read.`));
}

/**
 * A flag in shared memory: on wasm and cpu a worker's generation loop never yields to read a
 * "stop" message, but it can read this between tokens. Needs cross-origin isolation.
 */
export function sharedStopFlag(): Int32Array | undefined {
  return typeof SharedArrayBuffer !== 'undefined' && globalThis.crossOriginIsolated
    ? new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT))
    : undefined;
}
