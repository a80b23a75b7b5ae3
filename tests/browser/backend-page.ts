// Loaded by backend.html: starts a backend the way the app does and checks a matmul against plain JS.
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, type BackendInfo, type BackendName } from '../../models/backend';
import { wasmPaths } from '../../models/backend-wasm-paths.browser';
import { matmulMs } from '../../bench/timing';

/** The two WebGPU limits that cap a model's tensors, as the adapter offers them and as tfjs's device got them. */
interface GpuLimits {
  maxBufferSize: number;
  maxStorageBufferBindingSize: number;
}

export interface BackendPageResult {
  info: BackendInfo;
  tfBackend: string;
  matmulMaxError: number;
  initMs: number;
  matmulMs: number;
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
  gpuLimits?: { adapter: GpuLimits; device: GpuLimits };
}

declare global {
  interface Window {
    runBackend?: (preferred?: BackendName, threads?: number) => Promise<BackendPageResult>;
    /** For bench/threads-browser.ts: the median ms of an [n, n] · [n, n] matmul on the running backend. */
    benchMatmul?: (n: number, warmup: number, runs: number) => Promise<number>;
  }
}

const pickLimits = (l: GpuLimits): GpuLimits => ({ maxBufferSize: l.maxBufferSize, maxStorageBufferBindingSize: l.maxStorageBufferBindingSize });

async function gpuLimits(): Promise<BackendPageResult['gpuLimits']> {
  type Gpu = { requestAdapter(o: { powerPreference: string }): Promise<{ limits: GpuLimits } | null> };
  const gpu = (navigator as unknown as { gpu: Gpu }).gpu;
  const adapter = await gpu.requestAdapter({ powerPreference: tf.env().getBool('WEBGPU_USE_LOW_POWER_GPU') ? 'low-power' : 'high-performance' });
  if (!adapter) throw new Error('no WebGPU adapter the second time');
  const device = (tf.backend() as unknown as { device: { limits: GpuLimits } }).device;
  return { adapter: pickLimits(adapter.limits), device: pickLimits(device.limits) };
}

/** Deterministic values in [-1, 1). */
function values(n: number, seed: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => (((i * 7919 + seed * 104729) % 1000) / 500) - 1);
}

async function matmulMaxError(m: number, k: number, n: number): Promise<number> {
  const a = values(m * k, 1);
  const b = values(k * n, 2);
  const got = tf.tidy(() => tf.matMul(tf.tensor2d(a, [m, k]), tf.tensor2d(b, [k, n])));
  const out = await got.data();
  got.dispose();
  let maxError = 0;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let want = 0;
      for (let x = 0; x < k; x++) want += a[i * k + x] * b[x * n + j];
      maxError = Math.max(maxError, Math.abs(out[i * n + j] - want));
    }
  }
  return maxError;
}

window.runBackend = async (preferred, threads) => {
  const t0 = performance.now();
  const info = await initBackend(preferred, { wasmPaths, ...(threads !== undefined && { threads }) });
  const t1 = performance.now();
  // Odd sizes exercise edge tiles; 160 rows give each of several threads its own rows.
  const matmulMaxErrorValue = Math.max(await matmulMaxError(37, 65, 19), await matmulMaxError(160, 96, 72));
  const matmulMs = performance.now() - t1;
  return {
    info,
    tfBackend: tf.getBackend(),
    matmulMaxError: matmulMaxErrorValue,
    initMs: t1 - t0,
    matmulMs,
    crossOriginIsolated: globalThis.crossOriginIsolated,
    hardwareConcurrency: navigator.hardwareConcurrency,
    ...(info.name === 'webgpu' && { gpuLimits: await gpuLimits() }),
  };
};

window.benchMatmul = matmulMs;
