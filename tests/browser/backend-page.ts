// Loaded by backend.html: starts a backend the way the app does and checks a matmul against plain JS.
import * as tf from '@tensorflow/tfjs';
import { initBackend, type BackendInfo, type BackendName } from '../../models/backend';
import { wasmPaths } from '../../models/backend-wasm-paths.browser';

export interface BackendPageResult {
  info: BackendInfo;
  tfBackend: string;
  matmulMaxError: number;
  initMs: number;
  matmulMs: number;
  crossOriginIsolated: boolean;
}

declare global {
  interface Window {
    runBackend?: (preferred?: BackendName) => Promise<BackendPageResult>;
  }
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

window.runBackend = async (preferred) => {
  const t0 = performance.now();
  const info = await initBackend(preferred, { wasmPaths });
  const t1 = performance.now();
  const matmulMaxErrorValue = await matmulMaxError(37, 65, 19); // odd sizes exercise edge tiles
  return {
    info,
    tfBackend: tf.getBackend(),
    matmulMaxError: matmulMaxErrorValue,
    initMs: t1 - t0,
    matmulMs: performance.now() - t1,
    crossOriginIsolated: globalThis.crossOriginIsolated,
  };
};
