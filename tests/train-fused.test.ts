// The hand-written pieces of the training step against what they replace: models/fused.ts's ops
// and their gradients against the same function in plain tfjs ops (whose gradients tfjs derives),
// and models/kernels/wasm-kernels.ts's Slice, Unpack, SplitV and Identity against the cpu backend's.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { attentionBiasOnHost, attentionBiasWithOps } from '../models/attention-bias';
import { add, attention, dropout, raggedAttention, rmsNorm, rotary, swiGlu, view } from '../models/fused';
import { maxAbsDiff, NODE_BACKENDS, useBackend } from './helpers/tf';

const rand = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 1, 'float32', seed);

/** Values and gradients (along a fixed random cotangent) of two functions of the same inputs. */
async function expectSame(fused: (...x: tf.Tensor[]) => tf.Tensor, plain: (...x: tf.Tensor[]) => tf.Tensor, inputs: tf.Tensor[]) {
  const run = (f: (...x: tf.Tensor[]) => tf.Tensor) =>
    tf.tidy(() => {
      const y = f(...inputs);
      const w = rand(y.shape, 9);
      return [y, ...tf.grads((...x: tf.Tensor[]) => f(...x).mul(w).sum())(inputs)];
    });
  const [a, b] = [run(fused), run(plain)];
  for (let i = 0; i < a.length; i++) expect(maxAbsDiff(await a[i].data(), await b[i].data()), `output ${i}`).toBeLessThan(1e-4);
  tf.dispose([...a, ...b]);
}

describe.each(NODE_BACKENDS)('fused ops on %s', (backend) => {
  it('match plain tfjs ops, gradients included', async () => {
    await useBackend(backend);
    const x = rand([2, 5, 8], 1);
    await expectSame((a, w) => rmsNorm(a, w, 1e-5), (a, w) => a.mul(a.square().mean(-1, true).add(1e-5).rsqrt()).mul(w), [x, rand([8], 2)]);
    await expectSame((g, u) => swiGlu(g, u), (g, u) => g.mul(g.sigmoid()).mul(u), [x, rand([2, 5, 8], 3)]);
    await expectSame((a, b) => add(a, b, 0.5), (a, b) => a.add(b.mul(0.5)), [x, rand([2, 5, 8], 4)]);
    await expectSame((a) => view(a, [10, 8]), (a) => a.reshape([10, 8]), [x]);
    await expectSame((a) => dropout(a, 0.3, 11), (a) => tf.dropout(a, 0.3, undefined, 11), [x]);
    const [cos, sin] = [rand([2, 1, 5, 8], 5), rand([2, 1, 5, 8], 6)];
    const rot = (a: tf.Tensor) => a.mul(cos).add(tf.concat([a.slice([0, 0, 0, 4], [-1, -1, -1, 4]).neg(), a.slice([0, 0, 0, 0], [-1, -1, -1, 4])], -1).mul(sin));
    await expectSame((a) => rotary(a, cos, sin), rot, [rand([2, 3, 5, 8], 7)]);
    // 4 query heads on 2 key/value heads, a causal bias; on wasm, 24 positions run batched, 128 pair by pair.
    for (const t of [24, 128]) {
      const bias = tf.tidy(() => tf.where(tf.range(0, t).reshape([t, 1]).greaterEqual(tf.range(0, t).reshape([1, t])), 0, -1e9).reshape([1, 1, t, t]).tile([2, 1, 1, 1])) as tf.Tensor4D;
      const plainAttention = (q: tf.Tensor, k: tf.Tensor, v: tf.Tensor) => {
        const rep = (z: tf.Tensor) => tf.stack([z, z], 2).reshape([2, 4, t, 4]);
        return tf.softmax(tf.matMul(q, rep(k), false, true).mul(0.5).add(bias), -1).matMul(rep(v));
      };
      await expectSame((q, k, v) => attention(q as tf.Tensor4D, k as tf.Tensor4D, v as tf.Tensor4D, bias), plainAttention, [rand([2, 4, t, 4], 8), rand([2, 2, t, 4], 9), rand([2, 2, t, 4], 10)]);
      bias.dispose();
    }
    tf.dispose([x, cos, sin]);
  });

  it('padding-free attention equals causal attention run on each sequence alone', async () => {
    await useBackend(backend);
    // Short and long sequences: on wasm each runs pair by pair, whatever its length.
    const lengths = [7, 1, 100, 23];
    const n = lengths.reduce((a, b) => a + b, 0);
    const perSequence = (q: tf.Tensor, k: tf.Tensor, v: tf.Tensor) => {
      const outputs = lengths.map((t, i) => {
        const start = lengths.slice(0, i).reduce((x, y) => x + y, 0);
        const cut = (z: tf.Tensor) => z.slice([0, 0, start, 0], [1, -1, t, -1]);
        const rep = (z: tf.Tensor) => tf.stack([z, z], 2).reshape([1, 4, t, 4]);
        const causal = tf.where(tf.range(0, t).reshape([t, 1]).greaterEqual(tf.range(0, t).reshape([1, t])), 0, -1e9).reshape([1, 1, t, t]);
        return tf.softmax(tf.matMul(cut(q), rep(cut(k)), false, true).mul(0.5).add(causal), -1).matMul(rep(cut(v)));
      });
      return tf.concat(outputs, 2);
    };
    await expectSame((q, k, v) => raggedAttention(q as tf.Tensor4D, k as tf.Tensor4D, v as tf.Tensor4D, lengths), perSequence, [rand([1, 4, n, 4], 11), rand([1, 2, n, 4], 12), rand([1, 2, n, 4], 13)]);
    expect(() => raggedAttention(rand([1, 4, n, 4], 1) as tf.Tensor4D, rand([1, 2, n, 4], 2) as tf.Tensor4D, rand([1, 2, n, 4], 3) as tf.Tensor4D, [7, 100])).toThrow(/lengths summing to 107/);
  });
});

describe('attention bias', () => {
  it('built on the host matches the one built with ops: causal, padding, packed segments, a KV cache', async () => {
    await useBackend('cpu');
    const cases: [number, number, number, number[] | undefined, number[] | undefined][] = [
      // batch, time, past, key mask, segment ids
      [2, 5, 0, undefined, [1, 1, 2, 2, 2, 1, 1, 1, 0, 0]],
      [2, 4, 0, [0, 1, 1, 1, 1, 1, 1, 1], undefined],
      [2, 2, 3, [0, 0, 1, 1, 1, 1, 1, 1, 1, 1], undefined],
      [1, 3, 0, undefined, undefined],
    ];
    for (const [batch, time, past, mask, segments] of cases) {
      const keyMask = mask && tf.tensor2d(mask, [batch, past + time], 'int32');
      const segmentIds = segments && tf.tensor2d(segments, [batch, time], 'int32');
      const ops = attentionBiasWithOps(batch, time, past, keyMask, segmentIds);
      const host = attentionBiasOnHost(batch, time, past, mask, segments);
      expect(host.shape).toEqual([batch, 1, time, past + time]);
      expect(Array.from(await host.data())).toEqual(Array.from(await ops.data()));
      tf.dispose([keyMask!, segmentIds!, ops, host].filter(Boolean));
    }
  });
});

describe('wasm kernels', () => {
  it('slice, unstack, split and clone as the cpu backend does, copying only what they return', async () => {
    await useBackend('cpu');
    const x0 = rand([3, 5, 7, 4], 1);
    const cases = (x: tf.Tensor) => [
      tf.slice(x, [1, 2, 0, 1], [2, 3, 7, 2]),
      tf.slice(x, [0, 1, 0, 0], [3, 2, -1, -1]),
      tf.slice(x.reshape([105, 4]), [10, 1], [20, 3]),
      tf.slice(x.cast('int32'), [2, 0, 3, 0], [1, 5, 4, 4]),
      ...tf.unstack(x, 1),
      ...tf.split(x, [1, 3], 3),
      ...tf.split(x, 3, 0),
      x.clone(),
    ];
    const reference = cases(x0);
    const theirs = await Promise.all(reference.map(async (t) => ({ shape: t.shape, data: Array.from(await t.data()) })));
    tf.dispose(reference);
    const values = await x0.data();
    x0.dispose();
    // initBackend puts ours in place on wasm.
    await useBackend('wasm');
    const x = tf.tensor(values, x0.shape);
    const ours = cases(x);
    expect(ours.map((t) => t.shape)).toEqual(theirs.map((t) => t.shape));
    for (let i = 0; i < ours.length; i++) expect(Array.from(await ours[i].data())).toEqual(theirs[i].data);
    // A clone shares the data (wasm's own Identity copies it) and outlives its source.
    const c = x.clone();
    expect(c.dataId).toBe(x.dataId);
    x.dispose();
    expect((await c.data()).length).toBe(420);
    tf.dispose([...ours, c]);
  });
});
