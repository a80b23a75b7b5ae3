// KV-cache decoding against full forward passes, batching with left padding, and the
// generation controls (sampling seeds, top-k/top-p, stop tokens, stop strings, limits).
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { LlamaModel, disposeCache } from '../models/llama';
import { generate, leftPad } from '../models/generate';
import { argmax, sampleToken } from '../models/sampling';
import { Rng } from '../models/random';
import { tinyModel } from './helpers/tiny-model';
import { maxAbsDiff, NODE_BACKENDS, useBackend } from './helpers/tf';

async function fullLogits(model: LlamaModel, ids: number[]): Promise<number[][]> {
  const { hidden } = model.forward(tf.tensor2d([ids], [1, ids.length], 'int32'));
  const logits = model.logits(hidden);
  const rows = ((await logits.array()) as number[][][])[0];
  tf.dispose([hidden, logits]);
  return rows;
}

describe.each(NODE_BACKENDS)('generation on %s', (backend) => {
  let model: LlamaModel;
  beforeAll(async () => {
    await useBackend(backend);
    model = tinyModel('qwen2', { vocab_size: 64 }, 3, 0.5);
  });

  it('KV-cache decoding gives the logits of a full forward pass', async () => {
    const ids = [1, 9, 33, 4, 60, 21, 7, 45, 12, 3];
    const full = await fullLogits(model, ids);
    // Prefill 4 tokens, then feed the rest one at a time through the cache.
    let cache = model.emptyCache(1);
    const stepped: number[][] = [];
    for (const [start, end] of [[0, 4], ...ids.slice(4).map((_, i) => [4 + i, 5 + i])]) {
      const chunk = ids.slice(start, end);
      const { hidden, cache: next } = model.forward(tf.tensor2d([chunk], [1, chunk.length], 'int32'), { cache });
      disposeCache(cache);
      cache = next!;
      const logits = model.logits(hidden);
      stepped.push(...((await logits.array()) as number[][][])[0]);
      tf.dispose([hidden, logits]);
    }
    disposeCache(cache);
    full.forEach((row, p) => expect(maxAbsDiff(stepped[p], row), `position ${p}`).toBeLessThan(1e-4));
  });

  it('a left-padded batch gives the same greedy ids as each prompt alone', async () => {
    const prompts = [[1, 5, 9], [1, 22, 31, 40, 8, 17, 3], [1, 44], [1, 10, 11, 12, 13]];
    const batched = await generate(model, prompts, { maxNewTokens: 12, greedy: true, stopTokenIds: [] });
    for (let r = 0; r < prompts.length; r++) {
      const alone = await generate(model, [prompts[r]], { maxNewTokens: 12, greedy: true, stopTokenIds: [] });
      expect(batched.ids[r], `prompt ${r}`).toEqual(alone.ids[0]);
    }
    // And the greedy ids are the argmax of full forward passes.
    const seq = [...prompts[1]];
    for (const id of batched.ids[1].slice(0, 5)) {
      const rows = await fullLogits(model, seq);
      expect(argmax(rows[rows.length - 1])).toBe(id);
      seq.push(id);
    }
  });

  it('left padding: positions restart at 0 and padding is masked', () => {
    const p = leftPad([[7, 8, 9], [5]], 0);
    expect(p.ids.arraySync()).toEqual([[7, 8, 9], [0, 0, 5]]);
    expect(p.mask.arraySync()).toEqual([[1, 1, 1], [0, 0, 1]]);
    expect(p.positions.arraySync()).toEqual([[0, 1, 2], [0, 0, 0]]);
    tf.dispose([p.ids, p.mask, p.positions]);
  });

  it('stops on stop tokens, keeps the stop token, and honours max_new_tokens', async () => {
    const free = await generate(model, [[1, 5, 9]], { maxNewTokens: 10, greedy: true, stopTokenIds: [] });
    expect(free.ids[0]).toHaveLength(10);
    expect(free.finishReasons[0]).toBe('length');
    const stopAt = free.ids[0][3];
    const firstIndex = free.ids[0].indexOf(stopAt);
    const stopped = await generate(model, [[1, 5, 9]], { maxNewTokens: 10, greedy: true, stopTokenIds: [stopAt] });
    expect(stopped.ids[0]).toEqual(free.ids[0].slice(0, firstIndex + 1));
    expect(stopped.finishReasons[0]).toBe('stop_token');
  });

  it('stop strings cut the text before the stop string', async () => {
    const decode = (ids: number[]) => ids.map((i) => String.fromCharCode(97 + (i % 26))).join('');
    const free = await generate(model, [[1, 5, 9]], { maxNewTokens: 10, greedy: true, stopTokenIds: [], decode });
    const text = free.text![0];
    const stop = text.slice(4, 6);
    const cut = await generate(model, [[1, 5, 9]], { maxNewTokens: 10, greedy: true, stopTokenIds: [], decode, stopStrings: [stop] });
    expect(cut.finishReasons[0]).toBe('stop_string');
    expect(cut.text![0]).toBe(text.slice(0, text.indexOf(stop)));
  });

  it('sampling is reproducible for a seed and varies across seeds', async () => {
    const opts = { maxNewTokens: 16, temperature: 1.5, topP: 0.95, stopTokenIds: [] };
    const a = await generate(model, [[1, 5, 9]], { ...opts, seed: 11 });
    const b = await generate(model, [[1, 5, 9]], { ...opts, seed: 11 });
    const c = await generate(model, [[1, 5, 9]], { ...opts, seed: 12 });
    expect(a.ids).toEqual(b.ids);
    expect(c.ids).not.toEqual(a.ids);
    // top-k 1 is greedy, whatever the temperature.
    const k1 = await generate(model, [[1, 5, 9]], { ...opts, topK: 1, seed: 5 });
    const greedy = await generate(model, [[1, 5, 9]], { maxNewTokens: 16, greedy: true, stopTokenIds: [] });
    expect(k1.ids).toEqual(greedy.ids);
  });

  it('with a seed per row, a row samples the same tokens whichever prompts share its batch', async () => {
    const opts = { maxNewTokens: 12, temperature: 1.5, topP: 0.95, stopTokenIds: [] };
    const alone = await generate(model, [[1, 5, 9]], { ...opts, rowSeeds: [21] });
    const batched = await generate(model, [[1, 4], [1, 5, 9], [1, 7, 7, 2]], { ...opts, rowSeeds: [3, 21, 8] });
    expect(batched.ids[1]).toEqual(alone.ids[0]);
    // One shared generator instead: the middle row's draws depend on the rows before it.
    const shared = await generate(model, [[1, 4], [1, 5, 9], [1, 7, 7, 2]], { ...opts, seed: 21 });
    expect(shared.ids[1]).not.toEqual(alone.ids[0]);
    await expect(generate(model, [[1, 5, 9]], { ...opts, rowSeeds: [1, 2] })).rejects.toThrow(/2 row seeds for 1 prompts/);
  });

  it('leaks no tensors across a generation', async () => {
    await generate(model, [[1, 2, 3]], { maxNewTokens: 2, greedy: true });
    const before = tf.memory().numTensors;
    await generate(model, [[1, 5, 9], [1, 4]], { maxNewTokens: 8, greedy: true, stopTokenIds: [] });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects bad prompts with clear errors', async () => {
    await expect(generate(model, [[]], { maxNewTokens: 2 })).rejects.toThrow(/prompt 0 is empty/);
    await expect(generate(model, [[1, 999]], { maxNewTokens: 2 })).rejects.toThrow(/token id 999 is outside the vocabulary/);
    await expect(generate(model, [[1]], { maxNewTokens: 2, stopStrings: ['x'] })).rejects.toThrow(/need a tokenizer/);
  });
});

describe('sampleToken', () => {
  const row = new Float32Array([0.1, 3, 2.9, -1, 0.5]);
  it('top-p keeps only the nucleus', () => {
    const rng = new Rng(1);
    const seen = new Set(Array.from({ length: 200 }, () => sampleToken(row, { temperature: 1, topP: 0.5 }, rng)));
    expect([...seen].sort()).toEqual([1, 2]);
  });
  it('temperature 0 is greedy', () => {
    expect(sampleToken(row, { temperature: 0 }, new Rng(1))).toBe(1);
  });
  it('follows the softmax distribution', () => {
    const rng = new Rng(3);
    const counts = [0, 0, 0, 0, 0];
    const n = 20000;
    for (let i = 0; i < n; i++) counts[sampleToken(row, {}, rng)]++;
    const z = [...row].reduce((a, x) => a + Math.exp(x), 0);
    [...row].forEach((x, i) => expect(Math.abs(counts[i] / n - Math.exp(x) / z)).toBeLessThan(0.015));
  });
});
