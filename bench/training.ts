// One training plan on the current backend: tokens/s, the true peak of tfjs tensor memory (read
// with tf.profile on the warm-up steps, whose per-kernel records also give the op table), the
// estimate, and the PyTorch yardstick (../shared/bench/torch_llama_reference.py) for the same network.
import * as tf from '@tensorflow/tfjs-core';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LlamaConfig } from '../models/config';
import { initModel } from '../models/init';
import { attentionKernelPeakBytes, resetAttentionKernelPeak } from '../models/kernels/attention-kernel';
import type { TokenizedExample } from '../src/lib/data/tokenize';
import { Rng } from '../models/random';
import { trainConfig, type TrainConfig } from '../src/lib/train/config';
import { estimateTrainingMemory, type TrainingMemoryEstimate } from '../src/lib/train/memory';
import { Trainer } from '../src/lib/train/trainer';
import type { TrainingPlan } from './configs';
import { median } from './timing';

export interface OpTime {
  op: string;
  count: number;
  ms: number;
}

export interface TrainingFigures {
  tokensPerS: number;
  msPerStep: number;
  /**
   * Largest tensor memory over the warm-up steps: on wasm, the live bytes of its allocations
   * (tracked at malloc and free); elsewhere tf.profile's figure, which counts data that two
   * tensors share (the tape's saved clones) twice.
   */
  peakBytes: number;
  /** The wasm heap's size after the plan: the high-water mark of what it really allocated. */
  heapBytes: number | null;
  /** The most the attention kernel (models/kernels/) laid out in its own memory in one call; 0 where it does not run. */
  kernelPeakBytes: number;
  estimate: TrainingMemoryEstimate;
  /** Backend kernels of the last warm-up step, by total time. */
  ops: OpTime[];
}

/**
 * Random token rows with every token masked in, so every position but the first is trained. The torch
 * reference masks half its labels but still runs the LM head on every position; our loss runs it only
 * where a token is trained, so training them all makes the two do the same work.
 */
export function syntheticRows(model: LlamaConfig, batch: number, length: number): TokenizedExample[] {
  const rng = new Rng(7);
  return Array.from({ length: batch }, (_, line) => ({
    line,
    ids: Array.from({ length }, () => Math.floor(rng.next() * model.vocabSize)),
    mask: new Array<number>(length).fill(1),
    promptTokens: 0,
    completionTokens: length,
    truncated: false,
  }));
}

/** Kernels by total time; custom ops (named after their scope) are left out: their kernels are counted. */
function opTable(kernels: { name: string; kernelTimeMs: unknown }[]): OpTime[] {
  const byName = new Map<string, OpTime>();
  const backend = tf.getBackend();
  for (const k of kernels) {
    if (!tf.getKernel(k.name, backend)) continue;
    const row = byName.get(k.name) ?? { op: k.name, count: 0, ms: 0 };
    row.count++;
    row.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    byName.set(k.name, row);
  }
  return [...byName.values()].sort((a, b) => b.ms - a.ms);
}

/** The wasm backend's live allocated bytes (tensor data, tracked at malloc and free) and their peak; null off wasm. */
function trackWasmAllocations(): { peak: () => number; stop: () => void } | null {
  const wasm = (tf.backend() as unknown as { wasm?: { _malloc(n: number): number; _free(p: number): void } }).wasm;
  if (!wasm) return null;
  const { _malloc: malloc, _free: free } = wasm;
  const sizes = new Map<number, number>();
  let live = 0;
  let peak = 0;
  wasm._malloc = (n) => {
    const p = malloc(n);
    sizes.set(p >>> 0, n);
    live += n;
    peak = Math.max(peak, live);
    return p;
  };
  wasm._free = (p) => {
    live -= sizes.get(p >>> 0) ?? 0;
    sizes.delete(p >>> 0);
    free(p);
  };
  return {
    peak: () => peak,
    stop: () => Object.assign(wasm, { _malloc: malloc, _free: free }),
  };
}

export async function benchTraining(plan: TrainingPlan, steps: number): Promise<TrainingFigures> {
  const config: Partial<TrainConfig> = {
    mode: plan.mode,
    batchSize: plan.batch,
    maxLength: plan.seqLength,
    maxSteps: plan.warmupSteps + steps,
    // Padding-free, as training runs by default: rows of one length lie end to end, each attending
    // causally within itself, the same arithmetic as the yardstick's [batch, length] step.
  };
  const allocations = trackWasmAllocations();
  resetAttentionKernelPeak();
  const model = initModel(plan.model, { seed: 1 });
  // One epoch is one step over the same `batch` rows (reshuffled): the data never runs out.
  const trainer = new Trainer(model, { train: syntheticRows(plan.model, plan.batch, plan.seqLength) }, config);
  const kernelsSoFar = () => (tf.engine() as unknown as { state: { activeProfile: { kernels: unknown[] } } }).state.activeProfile.kernels.length;
  let lastWarmupStart = 0;
  const profile = await tf.profile(async () => {
    await trainer.run({
      control: () => (trainer.stepsDone < plan.warmupSteps ? 'continue' : 'pause'),
      // The op table covers the last warm-up step.
      onStep: (m) => {
        if (m.step === plan.warmupSteps - 1) lastWarmupStart = kernelsSoFar();
      },
    });
  });
  const allocationPeak = allocations?.peak();
  allocations?.stop();
  const result = await trainer.run();
  trainer.dispose();
  model.adapters?.dispose();
  model.dispose();
  const timed = result.history.slice(plan.warmupSteps);
  const tokensPerS = median(timed.map((m) => m.tokensPerSecond));
  return {
    tokensPerS,
    msPerStep: ((plan.batch * plan.seqLength) / tokensPerS) * 1000,
    peakBytes: allocationPeak ?? profile.peakBytes,
    heapBytes: (tf.backend() as unknown as { wasm?: { HEAPU8: Uint8Array } }).wasm?.HEAPU8.buffer.byteLength ?? null,
    kernelPeakBytes: attentionKernelPeakBytes(),
    estimate: estimateTrainingMemory(plan.model, trainConfig(config), plan.seqLength),
    ops: opTable(profile.kernels.slice(lastWarmupStart)),
  };
}

export interface TorchFigures {
  tokens_per_s: number;
  ms_per_step: number;
  params: number;
  threads: number;
  blas: string;
}

// Same lookup as tests/helpers/shared.ts: DISTILL_SHARED_DIR, else the shared folder beside the repo.
const SHARED_DIR = path.resolve(process.env.DISTILL_SHARED_DIR ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '../../shared'));
const PYTHON = '/usr/bin/python3';

/** The PyTorch reference's figures (full fine-tuning), or why they could not be had. */
export function torchReference(o: { config: string; batch: number; seqLength: number; steps: number; threads: number }): TorchFigures | string {
  const script = path.join(SHARED_DIR, 'bench/torch_llama_reference.py');
  if (!existsSync(script)) return `${script} is missing`;
  try {
    execFileSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' });
  } catch {
    return `${PYTHON} cannot import torch (Debian: apt-get install python3-torch libopenblas0-pthread)`;
  }
  const args = [script, '--batch', String(o.batch), '--seq', String(o.seqLength), '--steps', String(o.steps), '--threads', String(o.threads)];
  if (o.config !== 'default') args.push('--config', o.config);
  try {
    const out = execFileSync(PYTHON, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return JSON.parse(out.trim().split('\n').at(-1)!) as TorchFigures;
  } catch (e) {
    return `the script failed: ${e instanceof Error ? e.message.split('\n')[0] : e}`;
  }
}
