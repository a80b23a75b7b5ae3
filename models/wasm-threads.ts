// Threads for tfjs-backend-wasm 4.22, in Node and in the browser (used by backend.ts).
//
// Its threaded build is an emscripten module whose pthreads are workers. As the module starts,
// tfjs creates 8 of them (`new Worker(locateFile('…worker.js'))`, a Blob URL of the worker script
// it ships) and sends each a `load` message whose `urlOrBlob` is the loader to importScripts: a
// Blob of `wasmFactoryThreadedSimd.toString()`. That breaks three ways:
//  - browser, production build: the minifier renames the outside names that function's source
//    refers to, so every pthread worker throws ("e is not defined");
//  - Node: tfjs says there is no thread support there (WASM_HAS_MULTITHREAD_SUPPORT is false
//    under IS_NODE), worker_threads cannot start a Blob URL, and the worker's importScripts
//    reads a file path;
//  - both: the C side caps the pool at emscripten_num_logical_cores() / 2 (src/cc/backend.cc),
//    so a 2-core machine gets one thread whatever setThreadsCount asks.
// So while the backend starts, `Worker` is a subclass that points `load` at the package's own
// unminified loader, wasm-out/tfjs-backend-wasm-threaded-simd.js (a URL in the browser, a path in
// Node; in Node it also runs the worker script from its source text), and the core count
// emscripten reads is twice the threads asked for.

/** The loader's file name; browser entry points give its URL in BackendOptions.wasmPaths. */
export const WASM_THREADS_LOADER = 'tfjs-backend-wasm-threaded-simd.js';
const LOADER_MODULE = `@tensorflow/tfjs-backend-wasm/wasm-out/${WASM_THREADS_LOADER}`;
const WORKER_MODULE = '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js';

const g = globalThis as { window?: unknown; WorkerGlobalScope?: unknown };
const isBrowser = g.window !== undefined || g.WorkerGlobalScope !== undefined;

/** Logical cores: navigator.hardwareConcurrency in a browser, os.availableParallelism() in Node. */
export async function hardwareThreads(): Promise<number> {
  if (isBrowser) return navigator.hardwareConcurrency || 1;
  const os = await import('node:os');
  return os.availableParallelism();
}

/** Why threads cannot run here, or null when they can. */
export function threadsUnavailableReason(): string | null {
  if (typeof SharedArrayBuffer === 'undefined' || (isBrowser && globalThis.crossOriginIsolated !== true)) {
    return 'threads need a cross-origin isolated page (the COOP/COEP headers)';
  }
  return null;
}

interface PostsMessages {
  postMessage(message: unknown, transfer?: unknown): void;
}
type WorkerClass = new (...args: never[]) => PostsMessages;

/** The `load` message with the loader swapped in; any other message as it is. */
function withLoader(message: unknown, loader: string): unknown {
  const isLoad = typeof message === 'object' && message !== null && (message as { cmd?: unknown }).cmd === 'load';
  return isLoad ? { ...message, urlOrBlob: loader } : message;
}

async function pthreadWorkerClass(loaderUrl: string | undefined): Promise<WorkerClass> {
  if (isBrowser) {
    if (!loaderUrl) throw new Error(`wasm threads in a browser need the URL of ${WASM_THREADS_LOADER} in wasmPaths`);
    // Absolute: the pthread workers run from Blob URLs, against which a path means nothing.
    const loader = new URL(loaderUrl, location.href).href;
    const Base = globalThis.Worker as unknown as new (url: string | URL, options?: WorkerOptions) => Worker;
    return class extends Base {
      override postMessage(message: unknown, transfer?: unknown) {
        super.postMessage(withLoader(message, loader), transfer as StructuredSerializeOptions);
      }
    };
  }
  const { Worker: NodeWorker } = await import('node:worker_threads');
  const { createRequire } = await import('node:module');
  const require = createRequire(import.meta.url);
  const loader = loaderUrl ?? require.resolve(LOADER_MODULE);
  // The worker script is a template string in the package; tfjs escapes its "\n"s the same way.
  const source = (require(WORKER_MODULE) as { wasmWorkerContents: string }).wasmWorkerContents.replace(/\n/g, '\\n');
  return class extends NodeWorker {
    constructor() {
      super(source, { eval: true });
    }
    override postMessage(message: unknown, transfer?: unknown) {
      super.postMessage(withLoader(message, loader), transfer as never);
    }
    // emscripten refs a worker while its pthread runs, and XNNPACK's pool threads run (wait for
    // work) forever: they would keep Node from exiting. They stay unref'd as emscripten leaves them once loaded.
    override ref() {}
  };
}

async function withGlobal<T>(target: object, key: string, value: unknown, run: () => Promise<T>): Promise<T> {
  const previous = Object.getOwnPropertyDescriptor(target, key);
  // A getter with a no-op setter: the Node build assigns globalThis.Worker = worker_threads.Worker as it starts.
  Object.defineProperty(target, key, { configurable: true, get: () => value, set: () => {} });
  try {
    return await run();
  } finally {
    if (previous) Object.defineProperty(target, key, previous);
    else delete (target as Record<string, unknown>)[key];
  }
}

/** What emscripten_num_logical_cores() returns while `run` runs: navigator.hardwareConcurrency, or os.cpus().length. */
async function withReportedCores<T>(cores: number, run: () => Promise<T>): Promise<T> {
  if (isBrowser) return withGlobal(navigator, 'hardwareConcurrency', cores, run);
  const os = (await import('node:os')).default;
  const cpus = os.cpus;
  os.cpus = () => {
    const real = cpus();
    return Array.from({ length: cores }, (_, i) => real[i % real.length]);
  };
  try {
    return await run();
  } finally {
    os.cpus = cpus;
  }
}

/**
 * Runs `start` (which starts the wasm backend with setThreadsCount(threads) and the threaded
 * build) so that its pthread workers load and the pool gets `threads` threads.
 */
export async function withWasmThreads<T>(threads: number, loaderUrl: string | undefined, start: () => Promise<T>): Promise<T> {
  const PthreadWorker = await pthreadWorkerClass(loaderUrl);
  return withGlobal(globalThis, 'Worker', PthreadWorker, () => withReportedCores(2 * threads, start));
}
