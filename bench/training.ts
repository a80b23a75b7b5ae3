// Training-step throughput and peak tensor memory of the ~10M-parameter bench model on one backend,
// and the PyTorch yardstick (../shared/bench/torch_llama_reference.py) for the same network.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { initModel } from '../models/init';
import type { TokenizedExample } from '../src/lib/data/tokenize';
import { Rng } from '../models/random';
import { trainConfig, type TrainConfig } from '../src/lib/train/config';
import { estimateTrainingMemory } from '../src/lib/train/memory';
import { Trainer } from '../src/lib/train/trainer';
import { BENCH_10M } from './configs';

export interface TrainingBenchOptions {
  mode: 'full' | 'lora';
  batch: number;
  seqLength: number;
  /** Untimed steps first: kernel set-up, and AdamW allocates its moments on the first step. */
  warmupSteps: number;
  steps: number;
}

export interface TrainingFigures {
  tokensPerS: number;
  msPerStep: number;
  peakBytes: number;
  estimatedBytes: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/**
 * Random token rows with every token masked in, so every position but the first is trained. The torch
 * reference masks half its labels but still runs the LM head on every position; our loss runs it only
 * where a token is trained, so training them all makes the two do the same work.
 */
function syntheticRows(batch: number, length: number): TokenizedExample[] {
  const rng = new Rng(7);
  return Array.from({ length: batch }, (_, line) => ({
    line,
    ids: Array.from({ length }, () => Math.floor(rng.next() * BENCH_10M.vocabSize)),
    mask: new Array<number>(length).fill(1),
    promptTokens: 0,
    completionTokens: length,
    truncated: false,
  }));
}

export async function benchTraining(o: TrainingBenchOptions): Promise<TrainingFigures> {
  const config: Partial<TrainConfig> = {
    mode: o.mode,
    lora: { rank: 8, alpha: 16, dropout: 0, targets: ['q_proj', 'k_proj', 'v_proj', 'o_proj'] },
    batchSize: o.batch,
    maxLength: o.seqLength,
    maxSteps: o.warmupSteps + o.steps,
  };
  const model = initModel(BENCH_10M, { seed: 1 });
  // One epoch is one step over the same `batch` rows (reshuffled): the data never runs out.
  const trainer = new Trainer(model, { train: syntheticRows(o.batch, o.seqLength) }, config);
  const result = await trainer.run();
  trainer.dispose();
  model.adapters?.dispose();
  model.dispose();
  const timed = result.history.slice(o.warmupSteps);
  const tokensPerS = median(timed.map((m) => m.tokensPerSecond));
  return {
    tokensPerS,
    msPerStep: ((o.batch * o.seqLength) / tokensPerS) * 1000,
    peakBytes: result.peakBytes,
    estimatedBytes: estimateTrainingMemory(BENCH_10M, trainConfig(config), o.seqLength).totalBytes,
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

/** The PyTorch reference's figures, or why they could not be had. */
export function torchReference(o: { batch: number; seqLength: number; steps: number }): TorchFigures | string {
  const script = path.join(SHARED_DIR, 'bench/torch_llama_reference.py');
  if (!existsSync(script)) return `${script} is missing`;
  try {
    execFileSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' });
  } catch {
    return `${PYTHON} cannot import torch (Debian: apt-get install python3-torch libopenblas0-pthread)`;
  }
  const args = [script, '--batch', String(o.batch), '--seq', String(o.seqLength), '--steps', String(o.steps), '--threads', '1'];
  try {
    const out = execFileSync(PYTHON, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return JSON.parse(out.trim().split('\n').at(-1)!) as TorchFigures;
  } catch (e) {
    return `the script failed: ${e instanceof Error ? e.message.split('\n')[0] : e}`;
  }
}
