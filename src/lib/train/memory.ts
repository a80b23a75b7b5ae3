// What a training configuration will need, estimated before anything is allocated: float32
// weights, gradients and AdamW moments for the trainable part, and the activations the backward
// pass keeps (per layer, or per block boundary with gradient checkpointing).
import { parameterCount, type LlamaConfig } from '../../../models/config';
import { formatBytes } from '../../../models/memory';
import type { TrainConfig } from './config';

export interface TrainingMemoryEstimate {
  weightBytes: number;
  trainableParameters: number;
  /** Gradients, their accumulation buffer and AdamW's two moments. */
  optimizerBytes: number;
  activationBytes: number;
  /** One chunk of loss logits and its softmax. */
  lossBytes: number;
  totalBytes: number;
}

export function loraParameterCount(model: LlamaConfig, c: TrainConfig): number {
  const q = model.numHeads * model.headDim;
  const kv = model.numKvHeads * model.headDim;
  const H = model.hiddenSize;
  const I = model.intermediateSize;
  const dims: Record<string, [number, number]> = {
    q_proj: [H, q], k_proj: [H, kv], v_proj: [H, kv], o_proj: [q, H], gate_proj: [H, I], up_proj: [H, I], down_proj: [I, H],
  };
  return model.numLayers * c.lora.targets.reduce((n, t) => n + c.lora.rank * (dims[t][0] + dims[t][1]), 0);
}

/** `rowLength` is the padded length of a micro-batch's rows (maxLength when packing). */
export function estimateTrainingMemory(model: LlamaConfig, c: TrainConfig, rowLength = c.maxLength): TrainingMemoryEstimate {
  const params = parameterCount(model);
  const trainable = c.mode === 'lora' ? loraParameterCount(model, c) : params;
  const rows = c.batchTokens > 0 ? Math.max(1, Math.floor(c.batchTokens / rowLength)) : c.batchSize;
  const tokens = rows * rowLength;
  const H = model.hiddenSize;
  // tfjs keeps every intermediate of the forward pass until the backward pass: per layer about 40
  // hidden-sized and 10 intermediate-sized tensors, and 7 of heads × L × L per row for attention.
  // Calibrated on measured peaks (npm run bench: 2.0 GB for the 11M model at 8 × 256; 142 MB for
  // the 160k fixture at 8 × 166), within 5%.
  const perLayer = tokens * (40 * H + 10 * model.intermediateSize) + 7 * rows * model.numHeads * rowLength * rowLength;
  const layersKept = c.gradientCheckpointing ? 1 : model.numLayers;
  const boundaries = c.gradientCheckpointing ? model.numLayers * tokens * H : 0;
  const activationBytes = 4 * (perLayer * layersKept + boundaries + 2 * tokens * H);
  const lossBytes = 4 * 3 * Math.min(c.lossChunkRows, tokens) * model.vocabSize;
  const weightBytes = 4 * params;
  const optimizerBytes = 4 * 4 * trainable;
  return { weightBytes, trainableParameters: trainable, optimizerBytes, activationBytes, lossBytes, totalBytes: weightBytes + optimizerBytes + activationBytes + lossBytes };
}

export function describeTrainingEstimate(e: TrainingMemoryEstimate): string {
  return (
    `training memory estimate: ${formatBytes(e.totalBytes)} = weights ${formatBytes(e.weightBytes)} + gradients and AdamW ` +
    `${formatBytes(e.optimizerBytes)} (${e.trainableParameters.toLocaleString('en')} trainable) + activations ${formatBytes(e.activationBytes)} + loss chunk ${formatBytes(e.lossBytes)}`
  );
}
