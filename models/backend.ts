// Choosing a TensorFlow.js backend, shared by the browser page, web workers, the Node CLI and tests.
// Must import cleanly in plain Node (tsx): no Vite-only imports here; browser entry points pass
// the Vite-resolved wasm URLs from backend-wasm-paths.browser.ts as opts.wasmPaths.
import * as tf from '@tensorflow/tfjs-core';
import { deviceMemory, formatBytes } from './memory';
import { installWasmKernels } from './kernels/wasm-kernels';
import { threadsUnavailableReason, WASM_THREADS_LOADER, withWasmThreads } from './wasm-threads';
import {
  adapterName,
  BACKEND_DEFAULTS,
  BACKEND_LIMITS,
  BACKEND_NAMES,
  backendDetails,
  threadsError,
  type AdapterInfo,
  type BackendCapacity,
  type BackendInfo,
  type BackendName,
} from './backend-info';

export * from './backend-info';

export interface BackendOptions {
  /**
   * Prefix or file map for setWasmPaths (file names as in @tensorflow/tfjs-backend-wasm/dist),
   * plus, for threads in a browser, the URL of the loader its pthread workers run
   * (WASM_THREADS_LOADER, from the package's wasm-out/).
   */
  wasmPaths?: string | Record<string, string>;
  /** wasm threads; default BACKEND_DEFAULTS.threads() (every logical core, up to BACKEND_LIMITS.wasmMaxThreads). */
  threads?: number;
}

const g = globalThis as { window?: unknown; WorkerGlobalScope?: unknown };
const isBrowser = g.window !== undefined || g.WorkerGlobalScope !== undefined;

type WasmModule = typeof import('@tensorflow/tfjs-backend-wasm');

/** Renderer names of GPUs that are emulated on the CPU. */
const SOFTWARE_RENDERER = /swiftshader|llvmpipe|lavapipe|softpipe|software|basic render/i;

// Minimal WebGPU typing: TypeScript's DOM lib does not declare navigator.gpu.
interface GpuAdapterInfoLike { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean }
interface GpuAdapterLike { info?: GpuAdapterInfoLike; isFallbackAdapter?: boolean; requestAdapterInfo?(): Promise<GpuAdapterInfoLike> }
interface GpuLike { requestAdapter(opts?: { powerPreference?: string }): Promise<GpuAdapterLike | null> }

async function webgpuAdapter(): Promise<AdapterInfo> {
  const gpu = (globalThis.navigator as { gpu?: GpuLike } | undefined)?.gpu;
  if (!gpu) throw new Error('navigator.gpu is missing (this browser exposes no WebGPU; needs a secure context)');
  // Same descriptor tfjs-backend-webgpu uses, so we describe the adapter it gets (its import registers the flag).
  await import('@tensorflow/tfjs-backend-webgpu');
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
  const isSoftware = Boolean(info.isFallbackAdapter ?? adapter.isFallbackAdapter) || SOFTWARE_RENDERER.test(Object.values(out).join(' '));
  return { ...out, isSoftware };
}

/** WebGL's renderer string (unmasked where the browser allows), from a throwaway WebGL2 context like the one tfjs makes. */
function webglRenderer(): { renderer: string; isSoftware: boolean } {
  const gl = (typeof OffscreenCanvas !== 'undefined' ? new OffscreenCanvas(1, 1).getContext('webgl2') : document.createElement('canvas').getContext('webgl2')) as WebGL2RenderingContext | null;
  if (!gl) throw new Error('no WebGL2 context');
  try {
    const debug = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = String(gl.getParameter(debug ? debug.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
    return { renderer, isSoftware: SOFTWARE_RENDERER.test(renderer) };
  } finally {
    gl.getExtension('WEBGL_lose_context')?.loseContext();
  }
}

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * The automatic order, and why: a GPU backend on hardware first (WebGPU, then WebGL), then wasm,
 * then a GPU backend that runs in software (SwiftShader, llvmpipe: many times slower than wasm),
 * then cpu. Node has wasm, then cpu.
 */
async function autoPlan(): Promise<{ order: BackendName[]; notes: Partial<Record<BackendName, string>> }> {
  if (!isBrowser) return { order: ['wasm', 'cpu'], notes: {} };
  const hardware: BackendName[] = [];
  const software: BackendName[] = [];
  const notes: Partial<Record<BackendName, string>> = {};
  try {
    const a = await webgpuAdapter();
    (a.isSoftware ? software : hardware).push('webgpu');
    notes.webgpu = a.isSoftware
      ? `the WebGPU adapter is ${adapterName(a)}, a software renderer, slower than wasm here`
      : `the WebGPU adapter is ${adapterName(a)}, a hardware GPU`;
  } catch (e) {
    notes.webgpu = `no WebGPU (${errorText(e)})`;
  }
  try {
    const gl = webglRenderer();
    (gl.isSoftware ? software : hardware).push('webgl');
    notes.webgl = gl.isSoftware ? `WebGL renders with ${gl.renderer}, in software, slower than wasm here` : `WebGL renders with ${gl.renderer}, a hardware GPU`;
  } catch (e) {
    notes.webgl = `no WebGL (${errorText(e)})`;
  }
  return { order: [...hardware, 'wasm', ...software, 'cpu'], notes };
}

/** tfjs-backend-wasm registers itself at this priority. */
const WASM_PRIORITY = 2;

/** The threads the wasm backend runs now, and how many were asked for; null before it starts. */
let wasmStarted: { asked: number; threads: number } | null = null;

/** Starts the wasm backend with `threads` threads (again, if it runs with another count). */
async function startWasm(opts: BackendOptions): Promise<{ ok: boolean; warnings: string[]; threadsNote?: string }> {
  if (typeof WebAssembly !== 'object') throw new Error('WebAssembly is not available');
  const wasm: WasmModule = isBrowser
    ? // The package's "module" entry (dist/index.js) imports ../wasm-out/*.js files the npm
      // package does not ship; the flat ESM bundle has them inlined.
      // @ts-ignore -- the deep path has no .d.ts; it has the same exports as the package.
      await import('@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.fesm.js')
    : await import('@tensorflow/tfjs-backend-wasm');
  const asked = opts.threads ?? (await BACKEND_DEFAULTS.threads());
  const bad = threadsError(asked);
  if (bad) throw new Error(bad);
  if (wasmStarted && wasmStarted.asked !== asked) {
    // A backend's thread pool is fixed when it starts: start a fresh one.
    const factory = tf.findBackendFactory('wasm');
    tf.removeBackend('wasm');
    tf.registerBackend('wasm', factory, WASM_PRIORITY);
    wasmStarted = null;
  }
  const paths = opts.wasmPaths;
  // setWasmPaths reads the three .wasm names and ignores the loader's.
  if (paths !== undefined) wasm.setWasmPaths(paths);
  const loaderUrl = typeof paths === 'string' ? paths + WASM_THREADS_LOADER : paths?.[WASM_THREADS_LOADER];
  const unavailable = asked > 1 ? threadsUnavailableReason() : null;
  const threaded = asked > 1 && unavailable === null;
  // One thread: the plain SIMD build, with no workers at all.
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', threaded);
  wasm.setThreadsCount(threaded ? asked : 1);
  const set = () => setBackendCapturingWarnings('wasm');
  const result = threaded && !wasmStarted ? await withWasmThreads(asked, loaderUrl, set) : await set();
  if (result.ok) wasmStarted = { asked, threads: wasm.getThreadsCount() };
  return { ...result, ...(unavailable && { threadsNote: `${asked} asked, but ${unavailable}` }) };
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

async function tryBackend(name: BackendName, opts: BackendOptions): Promise<Omit<BackendInfo, 'tried' | 'summary' | 'reason'>> {
  if ((name === 'webgpu' || name === 'webgl') && !isBrowser) throw new Error(`${name} needs a browser`);
  const adapter = name === 'webgpu' ? await webgpuAdapter() : undefined;
  // Each backend's package registers it as it is imported: a worker loads only the one it runs.
  if (name === 'cpu') await import('@tensorflow/tfjs-backend-cpu');
  if (name === 'webgl') {
    await import('@tensorflow/tfjs-backend-webgl');
    tf.env().set('WEBGL_DELETE_TEXTURE_THRESHOLD', BACKEND_LIMITS.webglTexturePoolBytes);
  }
  const { ok, warnings, threadsNote }: { ok: boolean; warnings: string[]; threadsNote?: string } =
    name === 'wasm' ? await startWasm(opts) : await setBackendCapturingWarnings(name);
  if (!ok) {
    // The last lines are the most telling (tfjs logs the error after emscripten's own complaints).
    const lines = warnings.filter((w) => !w.startsWith('Initialization of backend')).map((w) => w.split('\n')[0]);
    const why = lines.slice(-2).join(' — ');
    throw new Error(`tf.setBackend('${name}') failed${why ? `: ${why}` : ''}`);
  }
  await tf.ready();
  // Ours in place of wasm's own where those copy far more than they must (models/kernels).
  if (name === 'wasm') installWasmKernels();
  // A tiny op proves kernels run; it would also expose a silent fallback to another backend.
  const t = tf.square(tf.scalar(3));
  const v = (await t.data())[0];
  t.dispose();
  if (v !== 9) throw new Error(`smoke test on ${name} gave 3² = ${v}`);
  if (tf.getBackend() !== name) throw new Error(`asked for ${name} but tfjs is running ${tf.getBackend()}`);
  return { name, ...(adapter && { adapter }), ...(name === 'wasm' && { wasmThreads: wasmStarted!.threads }), ...(threadsNote && { wasmThreadsNote: threadsNote }) };
}

function describe(info: Omit<BackendInfo, 'summary'>): string {
  const details = backendDetails(info);
  return `backend: ${info.name}${details ? ` (${details})` : ''}${info.reason ? `: ${info.reason}` : ''}`;
}

/** The @tensorflow/tfjs bundle, by a name Vite does not follow: Node alone loads it. */
const NODE_TFJS_BUNDLE = '@tensorflow/tfjs';

/**
 * The code imports tfjs-core alone: the @tensorflow/tfjs bundle adds layers, the converter and
 * webgl, which every worker would otherwise parse as it starts. Core leaves registering its
 * gradients and chained ops (x.add(y)) to the app. A browser bundle imports core's own ESM files
 * for them; Node cannot load those (extensionless imports), so there the bundle's Node build
 * registers them. initBackend is where every user of tensors starts.
 */
async function registerGradientsAndChainedOps(): Promise<void> {
  if (!isBrowser) {
    await import(/* @vite-ignore */ NODE_TFJS_BUNDLE);
    return;
  }
  await Promise.all([
    import('@tensorflow/tfjs-core/dist/register_all_gradients'),
    import('@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops'),
  ]);
}

/**
 * Starts the best backend for this environment (see autoPlan: a hardware GPU, then wasm, then a
 * software GPU, then cpu; Node: wasm → cpu), or exactly `preferred`, throwing if that one cannot start.
 */
export async function initBackend(preferred?: BackendName, opts: BackendOptions = {}): Promise<BackendInfo> {
  // A browser fetches the registrations while the backend starts; Node has them before.
  const registered = registerGradientsAndChainedOps();
  if (!isBrowser) await registered;
  const { order, notes } = preferred ? { order: [preferred], notes: {} } : await autoPlan();
  const tried: BackendInfo['tried'] = [];
  for (const name of order) {
    try {
      const [started] = await Promise.all([tryBackend(name, opts), registered]);
      tried.push({ name });
      // A GPU backend says what it runs on; wasm or cpu say why the GPU backends were passed over.
      const gpus = (['webgpu', 'webgl'] as const).filter((n) => !tried.some((t) => t.name === n));
      const reason = name === 'webgpu' || name === 'webgl' ? notes[name] : gpus.map((n) => notes[n]).filter(Boolean).join('; ');
      const info = { ...started, tried, ...(reason && { reason }) };
      return { ...info, summary: describe(info) };
    } catch (e) {
      tried.push({ name, error: errorText(e) });
    }
  }
  const reasons = tried.map((t) => `${t.name}: ${t.error}`).join('; ');
  if (preferred) {
    const others = BACKEND_NAMES.filter((n) => n !== preferred && (isBrowser || n === 'wasm' || n === 'cpu'));
    throw new Error(
      `Backend "${preferred}" could not start (${reasons}). ` +
        `Backends to try in this ${isBrowser ? 'browser' : 'Node'} environment: ${others.join(', ')}; or pass none to pick automatically.`,
    );
  }
  throw new Error(`No TensorFlow.js backend could start (${reasons})`);
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
