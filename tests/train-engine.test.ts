// Trainer properties: gradient accumulation equals one big batch, a stopped and resumed run equals
// a straight one, LoRA leaves the base weights untouched, schedules, and the non-finite guard.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TokenizedExample } from '../src/lib/data/tokenize';
import { memoryStore } from '../src/lib/storage/memory-store';
import { trainConfig } from '../src/lib/train/config';
import { learningRate } from '../src/lib/train/schedule';
import { Trainer, TrainingError, type Control } from '../src/lib/train/trainer';
import { Rng } from '../models/random';
import { useBackend } from './helpers/tf';
import { tinyModel } from './helpers/tiny-model';

/** Random prompt/completion examples of varied lengths. */
function examples(n: number, seed: number): TokenizedExample[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, (_, i) => {
    const prompt = 2 + Math.floor(rng.next() * 5);
    const completion = 2 + Math.floor(rng.next() * 6);
    const ids = [1, ...Array.from({ length: prompt + completion - 1 }, () => 3 + Math.floor(rng.next() * 90)), 2];
    return { line: i + 1, ids, mask: ids.map((_, j) => (j < prompt ? 0 : 1)), promptTokens: prompt, completionTokens: completion, truncated: false };
  });
}

async function weightsOf(vars: Iterable<tf.Tensor>): Promise<Float32Array[]> {
  return Promise.all([...vars].map(async (v) => (await v.data()) as Float32Array));
}

function maxDiff(a: Float32Array[], b: Float32Array[]): number {
  let m = 0;
  a.forEach((x, i) => x.forEach((v, j) => (m = Math.max(m, Math.abs(v - b[i][j])))));
  return m;
}

beforeAll(() => useBackend('wasm'));

describe('trainer', () => {
  it('gradient accumulation (4 × 2) gives the same update as one batch of 8', async () => {
    const data = { train: examples(8, 1) };
    const run = async (batchSize: number, gradAccumSteps: number) => {
      const model = tinyModel('qwen2', {}, 5);
      // A first Adam step moves each weight by about ±lr·g/(|g| + ε): with the default ε, rounding
      // noise in near-zero gradients would flip whole steps, so ε is raised to compare updates.
      const trainer = new Trainer(model, data, { batchSize, gradAccumSteps, maxSteps: 1, learningRate: 1e-2, warmupSteps: 1, seed: 3, maxGradNorm: 0, epsilon: 1e-3 });
      const result = await trainer.run();
      const w = await weightsOf(model.weights.values());
      trainer.dispose();
      model.dispose();
      return { w, loss: result.history[0].loss, norm: result.history[0].gradNorm };
    };
    const one = await run(8, 1);
    const accumulated = await run(2, 4);
    expect(Math.abs(one.loss - accumulated.loss)).toBeLessThan(1e-5);
    expect(Math.abs(one.norm - accumulated.norm) / one.norm).toBeLessThan(1e-4);
    expect(maxDiff(one.w, accumulated.w)).toBeLessThan(1e-6);
    // And the update is real: an unaccumulated micro-batch of 2 gives other weights.
    const small = await run(2, 1);
    expect(maxDiff(one.w, small.w)).toBeGreaterThan(1e-4);
  });

  it.each([false, true])('padding-free micro-batches give the same losses and weights as padded ones (packing %s)', async (packing) => {
    // Long enough examples that wasm runs the padded batches' attention pair by pair, as on real data.
    const long = examples(12, 4).map((ex, i) => {
      const ids = [...ex.ids, ...Array.from({ length: i * 11 }, (_, j) => 3 + ((i * 7 + j) % 90))];
      return { ...ex, ids, mask: [...ex.mask, ...new Array<number>(i * 11).fill(1)] };
    });
    const run = async (paddingFree: boolean) => {
      const model = tinyModel('qwen2', {}, 5);
      const config = { batchSize: 4, maxSteps: 3, learningRate: 1e-2, warmupSteps: 1, seed: 3, maxGradNorm: 0, epsilon: 1e-3, maxLength: 160, packing, paddingFree };
      const result = await new Trainer(model, { train: long, eval: examples(5, 8) }, { ...config, evalEvery: 3 }).run();
      const w = await weightsOf(model.weights.values());
      model.dispose();
      return { w, history: result.history };
    };
    const padded = await run(false);
    const flat = await run(true);
    padded.history.forEach((m, i) => {
      expect(Math.abs(flat.history[i].loss - m.loss), `step ${m.step}`).toBeLessThan(1e-5);
      expect(flat.history[i].accuracy).toBe(m.accuracy);
    });
    expect(Math.abs(flat.history[2].evalLoss! - padded.history[2].evalLoss!)).toBeLessThan(1e-5);
    expect(maxDiff(padded.w, flat.w)).toBeLessThan(1e-5);
  });

  it('a padding-free forward pass needs its positions and takes no other mask', () => {
    const model = tinyModel('llama', {}, 6);
    tf.tidy(() => {
      const ids = tf.tensor2d([[1, 5, 9, 1, 7]], [1, 5], 'int32');
      const positions = tf.tensor2d([[0, 1, 2, 0, 1]], [1, 5], 'int32');
      expect(() => model.forward(ids, { sequenceLengths: [3, 2] })).toThrow(/with their positions/);
      expect(() => model.forward(ids, { sequenceLengths: [3, 2], positions, segmentIds: positions })).toThrow(/no cache, key mask or segment ids/);
      expect(() => model.forward(ids, { sequenceLengths: [3, 1], positions })).toThrow(/lengths summing to 4/);
      expect(model.forward(ids, { sequenceLengths: [3, 2], positions }).hidden.shape).toEqual([1, 5, model.config.hiddenSize]);
    });
    model.dispose();
  });

  it('padding-free LoRA with dropout: gradient checkpointing recomputes the same layers (same losses and adapters)', async () => {
    const run = async (gradientCheckpointing: boolean) => {
      const model = tinyModel('llama', {}, 6);
      const lora = { rank: 4, alpha: 8, dropout: 0.1, targets: ['q_proj' as const, 'v_proj' as const, 'down_proj' as const] };
      const result = await new Trainer(model, { train: examples(12, 7) }, { mode: 'lora', lora, batchSize: 4, maxSteps: 3, learningRate: 1e-2, seed: 2, gradientCheckpointing }).run();
      return { w: await weightsOf(model.adapters!.variables()), losses: result.history.map((m) => m.loss) };
    };
    const kept = await run(false);
    const recomputed = await run(true);
    recomputed.losses.forEach((l, i) => expect(Math.abs(l - kept.losses[i]), `step ${i + 1}`).toBeLessThan(1e-5));
    expect(maxDiff(kept.w, recomputed.w)).toBeLessThan(1e-6);
    // Dropout is on: without it the adapters would train to other values.
    const model = tinyModel('llama', {}, 6);
    await new Trainer(model, { train: examples(12, 7) }, { mode: 'lora', lora: { rank: 4, alpha: 8, dropout: 0, targets: ['q_proj', 'v_proj', 'down_proj'] }, batchSize: 4, maxSteps: 3, learningRate: 1e-2, seed: 2 }).run();
    expect(maxDiff(kept.w, await weightsOf(model.adapters!.variables()))).toBeGreaterThan(1e-5);
  });

  it.each(['full', 'lora'] as const)('20 straight steps equal 10 steps, a stop, a resume and 10 more (%s)', async (mode) => {
    const data = { train: examples(24, 2), eval: examples(6, 9) };
    const config = {
      mode,
      batchSize: 4,
      maxSteps: 20,
      learningRate: 5e-3,
      seed: 4,
      evalEvery: 5,
      lora: { rank: 4, alpha: 8, dropout: 0.1, targets: ['q_proj' as const, 'v_proj' as const, 'down_proj' as const] },
    };
    const straightModel = tinyModel('llama', {}, 6);
    const straight = await new Trainer(straightModel, data, config).run();

    const store = memoryStore();
    const firstModel = tinyModel('llama', {}, 6);
    const first = new Trainer(firstModel, data, config, store);
    const paused = await first.run({ control: (): Control => (first.stepsDone === 10 ? 'pause' : 'continue') });
    expect(paused.status).toBe('paused');
    expect(paused.steps).toBe(10);
    // A fresh model (as after a closed tab) picks the run up from the store.
    const resumedModel = tinyModel('llama', {}, 6);
    const resumed = await (await Trainer.resume(resumedModel, data, store)).run();
    expect(resumed.status).toBe('done');
    expect(resumed.history.map((m) => m.step)).toEqual(straight.history.map((m) => m.step));
    straight.history.forEach((m, i) => {
      expect(Math.abs(resumed.history[i].loss - m.loss), `step ${m.step}`).toBeLessThan(1e-5);
      if (m.evalLoss !== undefined) expect(Math.abs(resumed.history[i].evalLoss! - m.evalLoss)).toBeLessThan(1e-5);
    });
    const params = (m: typeof straightModel) => (mode === 'lora' ? m.adapters!.variables() : m.weights.values());
    expect(maxDiff(await weightsOf(params(straightModel)), await weightsOf(params(resumedModel)))).toBeLessThan(1e-6);
  });

  it('LoRA leaves the base weights bit-identical', async () => {
    const model = tinyModel('qwen2', {}, 7);
    const before = await weightsOf(model.weights.values());
    const result = await new Trainer(model, { train: examples(12, 3) }, { mode: 'lora', maxSteps: 5, batchSize: 4, learningRate: 1e-2 }).run();
    expect(result.history.at(-1)!.loss).toBeLessThan(result.history[0].loss);
    const after = await weightsOf(model.weights.values());
    after.forEach((w, i) => expect(Buffer.from(w.buffer).equals(Buffer.from(before[i].buffer))).toBe(true));
    // The adapters did move: every B started at zero.
    const bs = await weightsOf(model.adapters!.variables().filter((_, i) => i % 2 === 1));
    expect(bs.some((b) => b.some((x) => x !== 0))).toBe(true);
  });

  it('a learning rate far too high stops the run with a clear message', async () => {
    const model = tinyModel('llama', {}, 8);
    const trainer = new Trainer(model, { train: examples(8, 4) }, { maxSteps: 50, batchSize: 8, learningRate: 1e30, warmupSteps: 1, maxGradNorm: 0, maxNonFiniteSteps: 3 });
    const steps: boolean[] = [];
    await expect(trainer.run({ onStep: (m) => void steps.push(m.skipped) })).rejects.toThrow(TrainingError);
    await expect(
      new Trainer(tinyModel('llama', {}, 8), { train: examples(8, 4) }, { maxSteps: 50, batchSize: 8, learningRate: 1e30, warmupSteps: 1, maxGradNorm: 0 }).run(),
    ).rejects.toThrow(/not finite for 3 steps in a row.*learning rate \(1e\+30\) is likely too high/);
    expect(steps.filter(Boolean).length).toBe(2); // two skipped steps reported before the third stops the run
  });

  it('warmup, then cosine / linear / constant', () => {
    const c = (schedule: 'cosine' | 'linear' | 'constant') => trainConfig({ learningRate: 1, warmupSteps: 10, schedule, minLrRatio: 0.1 });
    expect(learningRate(c('cosine'), 0, 110)).toBeCloseTo(0.1);
    expect(learningRate(c('cosine'), 9, 110)).toBeCloseTo(1);
    expect(learningRate(c('cosine'), 60, 110)).toBeCloseTo(0.55);
    expect(learningRate(c('cosine'), 110, 110)).toBeCloseTo(0.1);
    expect(learningRate(c('linear'), 60, 110)).toBeCloseTo(0.55);
    expect(learningRate(c('linear'), 85, 110)).toBeCloseTo(0.325);
    expect(learningRate(c('constant'), 100, 110)).toBe(1);
    expect(() => trainConfig({ learningRate: 0 })).toThrow(/learningRate must be positive/);
  });
});
