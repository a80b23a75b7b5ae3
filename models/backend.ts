// Choosing a TensorFlow.js backend, shared by the browser page, web workers, the Node CLI and tests.
// Must import cleanly in plain Node (tsx): no Vite-only imports here; browser entry points pass
// the Vite-resolved wasm URLs from backend-wasm-paths.browser.ts as opts.wasmPaths.
import * as tf from '@tensorflow/tfjs';
import { deviceMemory, formatBytes } from './memory';

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
  /** One human line, e.g. "backend: webgpu (google swiftshader, software adapter)". */
  summary: string;
}

export interface BackendOptions {
  /** Prefix or file map for setWasmPaths (file names as in @tensorflow/tfjs-backend-wasm/dist). */
  wasmPaths?: string | Record<string, string>;
}

const BACKEND_NAMES: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

export function parseBackendName(s: string): BackendName {
  const name = s.trim().toLowerCase();
  if ((BACKEND_NAMES as readonly string[]).includes(name)) return name as BackendName;
  throw new Error(`Unknown backend "${s}"; valid names: ${BACKEND_NAMES.join(', ')}`);
}

const g = globalThis as { window?: unknown; WorkerGlobalScope?: unknown };
const isBrowser = g.window !== undefined || g.WorkerGlobalScope !== undefined;

/** Candidates in order of preference for this environment. */
function candidates(): BackendName[] {
  return isBrowser ? ['webgpu', 'webgl', 'wasm', 'cpu'] : ['wasm', 'cpu'];
}

type WasmModule = typeof import('@tensorflow/tfjs-backend-wasm');

// Minimal WebGPU typing: TypeScript's DOM lib does not declare navigator.gpu.
interface GpuAdapterInfoLike { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean }
interface GpuAdapterLike { info?: GpuAdapterInfoLike; isFallbackAdapter?: boolean; requestAdapterInfo?(): Promise<GpuAdapterInfoLike> }
interface GpuLike { requestAdapter(opts?: { powerPreference?: string }): Promise<GpuAdapterLike | null> }

async function webgpuAdapter(): Promise<AdapterInfo> {
  const gpu = (globalThis.navigator as { gpu?: GpuLike } | undefined)?.gpu;
  if (!gpu) throw new Error('navigator.gpu is missing (this browser exposes no WebGPU; needs a secure context)');
  // Same descriptor tfjs-backend-webgpu uses, so we describe the adapter it gets.
  const powerPreference = tf.env().getBool('WEBGPU_USE_LOW_POWER_GPU') ? 'low-power' : 'high-performance';
  const adapter = await gpu.requestAdapter({ powerPreference });
  if (!adapter) {
    throw new Error('navigator.gpu.requestAdapter() returned null: no WebGPU adapter (headless Chromium needs --enable-unsafe-webgpu)');
  }
  const info = adapter.info ?? (await adapter.requestAdapterInfo?.()) ?? {};
  const out = {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    device: info.device ?? '',
    description: info.description ?? '',
  };
  const text = Object.values(out).join(' ');
  const isSoftware =
    Boolean(info.isFallbackAdapter ?? adapter.isFallbackAdapter) ||
    /swiftshader|llvmpipe|lavapipe|softpipe|software|basic render/i.test(text);
  return { ...out, isSoftware };
}

/** Imports the backend's package so it registers itself with tfjs (webgl and cpu come with @tensorflow/tfjs). */
async function register(name: BackendName, opts: BackendOptions): Promise<WasmModule | undefined> {
  if (name === 'webgpu') await import('@tensorflow/tfjs-backend-webgpu');
  if (name !== 'wasm') return undefined;
  if (typeof WebAssembly !== 'object') throw new Error('WebAssembly is not available');
  const wasm: WasmModule = isBrowser
    ? // The package's "module" entry (dist/index.js) imports ../wasm-out/*.js files the npm
      // package does not ship; the flat ESM bundle has them inlined.
      // @ts-ignore -- the deep path has no .d.ts; it has the same exports as the package.
      await import('@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.fesm.js')
    : await import('@tensorflow/tfjs-backend-wasm');
  if (opts.wasmPaths !== undefined) wasm.setWasmPaths(opts.wasmPaths);
  // The threaded build starts its pthread workers from the loader's own source text
  // (Function.toString), which a minified production bundle breaks ("e is not defined").
  // Use the single-threaded SIMD build everywhere, so dev, production and Node behave alike.
  if (isBrowser) tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  return wasm;
}

/** tfjs only logs why a backend failed (console.warn, silenced in prod mode) and returns false; keep the reason. */
async function setBackendCapturingWarnings(name: BackendName): Promise<{ ok: boolean; warnings: string[] }> {
  const env = tf.env();
  const [prod, isTest] = [env.getBool('PROD'), env.getBool('IS_TEST')];
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    warnings.push(args.map(String).join(' '));
    if (!prod && !isTest) warn.apply(console, args);
  };
  env.set('PROD', false);
  env.set('IS_TEST', false);
  try {
    return { ok: await tf.setBackend(name), warnings };
  } finally {
    console.warn = warn;
    env.set('PROD', prod);
    env.set('IS_TEST', isTest);
  }
}

async function tryBackend(name: BackendName, opts: BackendOptions): Promise<Omit<BackendInfo, 'tried' | 'summary'>> {
  if ((name === 'webgpu' || name === 'webgl') && !isBrowser) throw new Error(`${name} needs a browser`);
  const wasm = await register(name, opts);
  const adapter = name === 'webgpu' ? await webgpuAdapter() : undefined;
  const { ok, warnings } = await setBackendCapturingWarnings(name);
  if (!ok) {
    // The last lines are the most telling (tfjs logs the error after emscripten's own complaints).
    const lines = warnings.filter((w) => !w.startsWith('Initialization of backend')).map((w) => w.split('\n')[0]);
    const why = lines.slice(-2).join(' — ');
    throw new Error(`tf.setBackend('${name}') failed${why ? `: ${why}` : ''}`);
  }
  await tf.ready();
  // A tiny op proves kernels run; it would also expose a silent fallback to another backend.
  const t = tf.square(tf.scalar(3));
  const v = (await t.data())[0];
  t.dispose();
  if (v !== 9) throw new Error(`smoke test on ${name} gave 3² = ${v}`);
  if (tf.getBackend() !== name) throw new Error(`asked for ${name} but tfjs is running ${tf.getBackend()}`);
  return { name, ...(adapter && { adapter }), ...(wasm && { wasmThreads: wasm.getThreadsCount() }) };
}

function describe(info: Omit<BackendInfo, 'summary'>): string {
  const details: string[] = [];
  if (info.adapter) {
    const a = info.adapter;
    details.push([a.vendor, a.architecture, a.device, a.description].filter(Boolean).join(' ') || 'unknown adapter');
    details.push(a.isSoftware ? 'software adapter' : 'hardware adapter');
  }
  if (info.wasmThreads !== undefined) details.push(`${info.wasmThreads} thread${info.wasmThreads === 1 ? '' : 's'}`);
  const failed = info.tried.filter((t) => t.error).map((t) => `${t.name} failed: ${t.error}`);
  const parts = [details.join(', '), ...failed].filter(Boolean);
  return `backend: ${info.name}${parts.length ? ` (${parts.join('; ')})` : ''}`;
}

/**
 * Starts the best backend for this environment (browser: webgpu → webgl → wasm → cpu;
 * Node: wasm → cpu), or exactly `preferred`, throwing if that one cannot start.
 */
export async function initBackend(preferred?: BackendName, opts: BackendOptions = {}): Promise<BackendInfo> {
  const order = preferred ? [preferred] : candidates();
  const tried: BackendInfo['tried'] = [];
  for (const name of order) {
    try {
      const started = await tryBackend(name, opts);
      tried.push({ name });
      const info = { ...started, tried };
      return { ...info, summary: describe(info) };
    } catch (e) {
      tried.push({ name, error: e instanceof Error ? e.message : String(e) });
    }
  }
  const reasons = tried.map((t) => `${t.name}: ${t.error}`).join('; ');
  if (preferred) {
    const others = candidates().filter((n) => n !== preferred);
    throw new Error(
      `Backend "${preferred}" could not start (${reasons}). ` +
        `Backends to try in this ${isBrowser ? 'browser' : 'Node'} environment: ${others.join(', ')}; or pass none to pick automatically.`,
    );
  }
  throw new Error(`No TensorFlow.js backend could start (${reasons})`);
}

export const BACKEND_LIMITS = {
  /**
   * tfjs-backend-wasm 4.22's emscripten build grows its heap up to getHeapMax() = 4294901760 bytes
   * (4 GiB − 64 KiB, in dist/tf-backend-wasm.node.js and the browser bundles); past it malloc aborts
   * ("Aborted()", or a RangeError such as "Invalid typed array length" when a kernel views the heap).
   * Measured in Node 20: 3.9 GB of 108 MB tensors fit, the next one aborts. A browser that cannot
   * reserve that much (32-bit, some phones) stops earlier. No single-array limit is tighter.
   */
  wasmHeapBytes: 4294901760,
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

interface GpuLimitsLike { maxBufferSize: number; maxStorageBufferBindingSize: number }

/** The capacity of the backend tfjs is running now (after initBackend). */
export async function backendCapacity(): Promise<BackendCapacity> {
  const backend = tf.getBackend() as BackendName;
  switch (backend) {
    case 'wasm':
      return { backend, totalBytes: BACKEND_LIMITS.wasmHeapBytes, maxTensorBytes: null, source: `the wasm heap grows to at most ${formatBytes(BACKEND_LIMITS.wasmHeapBytes)}` };
    case 'webgpu': {
      // tfjs-backend-webgpu asks its device for the adapter's limits; each tensor is one storage buffer.
      const limits = (tf.backend() as unknown as { device: { limits: GpuLimitsLike } }).device.limits;
      return {
        backend,
        totalBytes: null,
        maxTensorBytes: Math.min(limits.maxBufferSize, limits.maxStorageBufferBindingSize),
        source: `the WebGPU device's maxBufferSize ${formatBytes(limits.maxBufferSize)}, maxStorageBufferBindingSize ${formatBytes(limits.maxStorageBufferBindingSize)}`,
      };
    }
    case 'webgl': {
      // A tensor lives in one texture of at most size × size texels, one float32 each when unpacked.
      const size = tf.env().getNumber('WEBGL_MAX_TEXTURE_SIZE');
      return { backend, totalBytes: null, maxTensorBytes: size * size * 4, source: `WebGL's MAX_TEXTURE_SIZE ${size}` };
    }
    case 'cpu': {
      // Tensors are plain typed arrays: what the system has free, plus what tensors hold already
      // (the model's weights, which the estimates count).
      const device = await deviceMemory();
      const held = tf.memory().numBytes;
      return {
        backend,
        totalBytes: device.availableBytes === null ? null : device.availableBytes + held,
        maxTensorBytes: null,
        source: `${device.source}, plus ${formatBytes(held)} that tensors hold now`,
      };
    }
  }
}
