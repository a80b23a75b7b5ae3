import os from 'node:os';
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { BACKEND_LIMITS, initBackend, parseBackendName } from '../models/backend';

/** A product big enough that XNNPACK splits it between threads, checked against the cpu backend's. */
async function matmulMaxError(): Promise<number> {
  const a = tf.randomUniform([160, 96], -1, 1, 'float32', 1);
  const b = tf.randomUniform([96, 72], -1, 1, 'float32', 2);
  const got = await tf.matMul(a, b).data();
  const [av, bv] = [await a.data(), await b.data()];
  let maxError = 0;
  for (let i = 0; i < 160; i++) {
    for (let j = 0; j < 72; j++) {
      let want = 0;
      for (let k = 0; k < 96; k++) want += av[i * 96 + k] * bv[k * 72 + j];
      maxError = Math.max(maxError, Math.abs(got[i * 72 + j] - want));
    }
  }
  tf.dispose([a, b]);
  return maxError;
}

describe('backend (Node)', () => {
  it('picks wasm by default, with a thread per logical core', async () => {
    const info = await initBackend();
    expect(info.name).toBe('wasm');
    expect(info.tried).toEqual([{ name: 'wasm' }]);
    const threads = Math.min(os.availableParallelism(), BACKEND_LIMITS.wasmMaxThreads);
    expect(info.wasmThreads).toBe(threads);
    expect(info.summary).toBe(`backend: wasm (${threads} thread${threads === 1 ? '' : 's'})`);
    expect(tf.getBackend()).toBe('wasm');
    expect(Array.from(await tf.matMul([[1, 2]], [[3], [4]]).data())).toEqual([11]);
    expect(await matmulMaxError()).toBeLessThan(1e-4);
  });

  it('starts wasm again with the threads asked for', async () => {
    for (const threads of [1, 3]) {
      const info = await initBackend('wasm', { threads });
      expect(info.wasmThreads).toBe(threads);
      expect(info.summary).toBe(`backend: wasm (${threads} thread${threads === 1 ? '' : 's'})`);
      expect(await matmulMaxError()).toBeLessThan(1e-4);
    }
  });

  it('refuses a thread count the wasm backend cannot run', async () => {
    await expect(initBackend('wasm', { threads: 9 })).rejects.toThrow('threads must be a whole number from 1 to 8');
  });

  it('starts cpu on request', async () => {
    const info = await initBackend('cpu');
    expect(info.name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
  });

  it('refuses a browser-only backend with the reason and the alternatives', async () => {
    await expect(initBackend('webgpu')).rejects.toThrow(/webgpu.*needs a browser.*wasm, cpu/);
  });

  it('parses backend names', () => {
    expect(parseBackendName(' WebGPU ')).toBe('webgpu');
    expect(() => parseBackendName('bogus')).toThrow('Unknown backend "bogus"; valid names: webgpu, webgl, wasm, cpu');
  });
});
