import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend, parseBackendName } from '../models/backend';

describe('backend (Node)', () => {
  it('picks wasm by default', async () => {
    const info = await initBackend();
    expect(info.name).toBe('wasm');
    expect(info.tried).toEqual([{ name: 'wasm' }]);
    expect(info.wasmThreads).toBeGreaterThanOrEqual(1);
    expect(info.summary).toMatch(/^backend: wasm/);
    expect(tf.getBackend()).toBe('wasm');
    expect(Array.from(await tf.matMul([[1, 2]], [[3], [4]]).data())).toEqual([11]);
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
