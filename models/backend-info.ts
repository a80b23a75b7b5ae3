// What the page may know about backends without loading TensorFlow.js: the names, the limits and
// defaults, the description of a started backend, and thread-count checks. models/backend.ts starts
// them; the page imports this module only, so its own bundle carries no tfjs.
import { hardwareThreads } from './wasm-threads';

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';

export interface AdapterInfo {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** SwiftShader, llvmpipe, lavapipe, a fallback adapter, … */
  isSoftware: boolean;
}

export interface BackendInfo {
  name: BackendName;
  tried: { name: BackendName; error?: string }[];
  adapter?: AdapterInfo;
  wasmThreads?: number;
  /** Why wasmThreads is fewer than asked, e.g. "4 asked, but threads need a cross-origin isolated page …". */
  wasmThreadsNote?: string;
  /** In automatic mode, why this backend: e.g. "the WebGPU adapter is google swiftshader, a software renderer, slower than wasm here". */
  reason?: string;
  /** One human line, e.g. "backend: wasm (2 threads): the WebGPU adapter is …". */
  summary: string;
}

export const BACKEND_NAMES: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

export function parseBackendName(s: string): BackendName {
  const name = s.trim().toLowerCase();
  if ((BACKEND_NAMES as readonly string[]).includes(name)) return name as BackendName;
  throw new Error(`Unknown backend "${s}"; valid names: ${BACKEND_NAMES.join(', ')}`);
}

/** Why `threads` is not a thread count the wasm backend takes, or null when it is. */
export function threadsError(threads: number): string | null {
  const max = BACKEND_LIMITS.wasmMaxThreads;
  return Number.isInteger(threads) && threads >= 1 && threads <= max ? null : `threads must be a whole number from 1 to ${max} (tfjs-backend-wasm's most), not ${threads}`;
}

export const adapterName = (a: AdapterInfo) => [a.vendor, a.architecture, a.device, a.description].filter(Boolean).join(' ') || 'unnamed';

/** The summary's parenthesis: the adapter, the threads, what failed before (e.g. "2 threads"). */
export function backendDetails(info: Omit<BackendInfo, 'summary'>): string {
  const details: string[] = [];
  if (info.adapter) {
    details.push(adapterName(info.adapter));
    details.push(info.adapter.isSoftware ? 'software adapter' : 'hardware adapter');
  }
  if (info.wasmThreads !== undefined) {
    details.push(`${info.wasmThreads} thread${info.wasmThreads === 1 ? '' : 's'}${info.wasmThreadsNote ? ` (${info.wasmThreadsNote})` : ''}`);
  }
  const failed = info.tried.filter((t) => t.error).map((t) => `${t.name} failed: ${t.error}`);
  return [details.join(', '), ...failed].filter(Boolean).join('; ');
}

export const BACKEND_DEFAULTS = {
  /** wasm threads: every logical core the machine reports, up to BACKEND_LIMITS.wasmMaxThreads. */
  threads: async (): Promise<number> => Math.min(await hardwareThreads(), BACKEND_LIMITS.wasmMaxThreads),
};

export const BACKEND_LIMITS = {
  /**
   * tfjs-backend-wasm 4.22 starts 8 pthread workers (its emscripten PTHREAD_POOL_SIZE) and caps
   * XNNPACK's pool at 8 threads (max_num_threads in src/cc/backend.cc).
   */
  wasmMaxThreads: 8,
  /**
   * tfjs-backend-wasm 4.22's emscripten build grows its heap up to getHeapMax() = 4294901760 bytes
   * (4 GiB − 64 KiB, in dist/tf-backend-wasm.node.js and the browser bundles); past it malloc aborts
   * ("Aborted()", or a RangeError such as "Invalid typed array length" when a kernel views the heap).
   * Measured in Node 20: 3.9 GB of 108 MB tensors fit, the next one aborts. A browser that cannot
   * reserve that much (32-bit, some phones) stops earlier. No single-array limit is tighter.
   */
  wasmHeapBytes: 4294901760,
  /**
   * tfjs-webgl keeps every freed texture for reuse by shape, forever (WEBGL_DELETE_TEXTURE_THRESHOLD
   * -1). Shapes change every training step (each batch pads to its own length) and every generated
   * token, so the pool grew ~450 MB a step until shaders failed to compile; past this many bytes
   * freed textures are deleted (measured: 268 MB flat over 4 steps, same losses and step times).
   */
  webglTexturePoolBytes: 256 * 1024 * 1024,
};

/** What the active backend can hold, to refuse work before it allocates. */
export interface BackendCapacity {
  backend: BackendName;
  /** Bytes all tensors together may take; null when the backend does not say (webgpu, webgl). */
  totalBytes: number | null;
  /** Bytes one tensor may take, when that is tighter than totalBytes; else null. */
  maxTensorBytes: number | null;
  /** Where the numbers come from, for messages. */
  source: string;
}
