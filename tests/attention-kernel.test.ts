// models/kernels/attention.wat, which runs padding-free attention on wasm, against the tfjs ops it
// replaced (on the cpu backend), at the bundled model's head size and on sequences of every
// remainder mod 4; and the committed bytes against their source.
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { raggedAttention } from '../models/fused';
import { attentionBackward, attentionForward, attentionKernelPeakBytes, resetAttentionKernelPeak } from '../models/kernels/attention-kernel';
import { assembleKernel, KERNEL_MODULE, KERNEL_SOURCE, kernelModuleText } from '../scripts/kernel-assembly';
import { maxAbsDiff, useBackend } from './helpers/tf';

const DIMS = { heads: 4, kvHeads: 2, headDim: 32 };
const LENGTHS = [1, 2, 3, 4, 5, 37, 130, 64];

/** Output and q, k, v gradients of padding-free attention on `backend`, along a fixed cotangent. */
async function outputsAndGrads(backend: 'cpu' | 'wasm', lengths: number[]) {
  await useBackend(backend);
  const n = lengths.reduce((a, b) => a + b, 0);
  const inputs = [
    tf.randomNormal([1, DIMS.heads, n, DIMS.headDim], 0, 2, 'float32', 1),
    tf.randomNormal([1, DIMS.kvHeads, n, DIMS.headDim], 0, 2, 'float32', 2),
    tf.randomNormal([1, DIMS.kvHeads, n, DIMS.headDim], 0, 1, 'float32', 3),
  ] as tf.Tensor4D[];
  const f = (q: tf.Tensor, k: tf.Tensor, v: tf.Tensor) => raggedAttention(q as tf.Tensor4D, k as tf.Tensor4D, v as tf.Tensor4D, lengths);
  const w = tf.randomNormal([1, DIMS.heads, n, DIMS.headDim], 0, 1, 'float32', 4);
  const y = f(inputs[0], inputs[1], inputs[2]);
  const grads = tf.grads((q: tf.Tensor, k: tf.Tensor, v: tf.Tensor) => f(q, k, v).mul(w).sum())(inputs);
  const out = await Promise.all([y, ...grads].map((t) => t.data()));
  tf.dispose([...inputs, w, y, ...grads]);
  return out;
}

describe('the attention kernel', () => {
  it('matches tfjs ops, values and gradients, on sequences of every length mod 4', async () => {
    const expected = await outputsAndGrads('cpu', LENGTHS);
    const actual = await outputsAndGrads('wasm', LENGTHS);
    ['output', 'dq', 'dk', 'dv'].forEach((name, i) => expect(maxAbsDiff(actual[i], expected[i]), name).toBeLessThan(2e-5 * Math.max(1, ...Array.from(expected[i], Math.abs))));
  });

  it('is causal: no output or gradient depends on a later row of its sequence', () => {
    const dims = { heads: 2, kvHeads: 1, n: 9, headDim: 4 };
    const random = (length: number, seed: number) => Float32Array.from({ length }, (_, i) => Math.sin(seed * 7.1 + i * 1.3));
    const [q, k, v] = [random(2 * 9 * 4, 1), random(9 * 4, 2), random(9 * 4, 3)];
    const before = attentionForward(q, k, v, dims, [9], 0.5);
    // Change the last row of every input: only the last output row of each head may move.
    const moved = (x: Float32Array, rowsPerHead: number) => x.map((value, i) => (Math.floor(i / 4) % rowsPerHead === rowsPerHead - 1 ? value + 1 : value));
    const after = attentionForward(moved(q, 9), moved(k, 9), moved(v, 9), dims, [9], 0.5);
    for (let i = 0; i < before.out.length; i++) {
      const lastRow = Math.floor(i / 4) % 9 === 8;
      if (!lastRow) expect(after.out[i], `output ${i}`).toBe(before.out[i]);
    }
    // A gradient only at the first row reaches only the first row of k and v.
    const dO = new Float32Array(q.length).map((_, i) => (Math.floor(i / 4) % 9 === 0 ? 1 : 0));
    const g = attentionBackward(q, k, v, dO, before.lse, dims, [9], 0.5);
    expect(Array.from(g.dk.slice(4)).every((x) => x === 0) && Array.from(g.dv.slice(4)).every((x) => x === 0)).toBe(true);
    expect(Math.max(...Array.from(g.dv.slice(0, 4), Math.abs))).toBeGreaterThan(0.1);
  });

  it("reports the memory it lays out, with the backward pass's two tables of the longest sequence squared", () => {
    const dims = { heads: 2, kvHeads: 1, n: 130 + 7, headDim: 8 };
    const ones = (length: number) => new Float32Array(length).fill(0.5);
    const [q, k, v] = [ones(2 * dims.n * 8), ones(dims.n * 8), ones(dims.n * 8)];
    resetAttentionKernelPeak();
    const { lse } = attentionForward(q, k, v, dims, [130, 7], 0.5);
    const forwardPeak = attentionKernelPeakBytes();
    attentionBackward(q, k, v, q, lse, dims, [130, 7], 0.5);
    const peakBytes = attentionKernelPeakBytes();
    // The rows padded to 132: pT and dsT, 132² floats each, on top of the arrays copied in and out.
    const tables = 2 * 132 * 132 * 4;
    const arrays = 4 * (3 * q.length + 4 * k.length + 2 * dims.n + 2 * 8 * 132 + 2 * 132); // q, dO, dq; k, v, dk, dv; lse; kT, vT; p, dp
    expect(forwardPeak).toBeLessThan(tables);
    expect(peakBytes).toBeGreaterThanOrEqual(tables + arrays);
    expect(peakBytes).toBeLessThan(tables + arrays + 16 * 20);
    resetAttentionKernelPeak();
    expect(attentionKernelPeakBytes()).toBe(0);
  });

  it('is committed as assembled from its source (npm run build:kernels)', async () => {
    const bytes = await assembleKernel(readFileSync(KERNEL_SOURCE, 'utf8'));
    expect(readFileSync(KERNEL_MODULE, 'utf8')).toBe(kernelModuleText(bytes));
  });
});
