// What a training configuration will need, estimated before anything is allocated: float32
// weights, gradients and AdamW moments for the trainable part, and the activations the backward
// pass keeps (per layer, or per block boundary with gradient checkpointing). And the check that
// stops a run the backend cannot hold, with the changes that would fit.
import type { BackendCapacity, BackendName } from '../../../models/backend';
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
  /** Rows per micro-batch. */
  rows: number;
  /** The biggest single tensor, which a backend's per-buffer limit must hold. */
  largestTensor: { kind: 'embedding' | 'logits' | 'attention' | 'mlp'; what: string; bytes: number };
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
  const q = model.numHeads * model.headDim;
  const kv = model.numKvHeads * model.headDim;
  // What the backward pass keeps per layer (models/fused.ts saves only this): the layer's input,
  // both norms' outputs, q, k, v, the attention context, the residual between, the MLP's gate, up
  // and product; LoRA dropout keeps its output per target.
  const loraDropout = c.mode === 'lora' && c.lora.dropout > 0 ? c.lora.targets.length * H : 0;
  const perLayer = tokens * (4 * H + 2 * q + 2 * kv + 3 * model.intermediateSize + loraDropout);
  const layersKept = c.gradientCheckpointing ? 1 : model.numLayers;
  const boundaries = c.gradientCheckpointing ? model.numLayers * tokens * H : 0;
  // Attention's probabilities are recomputed in the backward pass, one layer at a time: the
  // scores, probabilities and their gradient, for all heads at once where products are batched.
  // Padding-free batches attend one sequence at a time.
  const attentionRows = c.paddingFree ? 1 : rows;
  const attentionScores = 3 * attentionRows * model.numHeads * rowLength * rowLength;
  // The final norm's input and output, and the rows the loss selects.
  const activationBytes = 4 * (perLayer * layersKept + boundaries + attentionScores + 3 * tokens * H);
  const lossRows = Math.min(c.lossChunkRows, tokens);
  // A chunk's logits, softmax and one-hot targets, and the head transposed once for every chunk.
  const lossBytes = 4 * (3 * lossRows * model.vocabSize + model.vocabSize * H);
  const weightBytes = 4 * params;
  const optimizerBytes = 4 * 4 * trainable;
  const tensors: TrainingMemoryEstimate['largestTensor'][] = [
    { kind: 'embedding', what: `the embedding matrix (${model.vocabSize} × ${H})`, bytes: 4 * model.vocabSize * H },
    { kind: 'logits', what: `a loss chunk of logits (${lossRows} × ${model.vocabSize})`, bytes: 4 * lossRows * model.vocabSize },
    { kind: 'attention', what: `the attention scores (${attentionRows} × ${model.numHeads} × ${rowLength} × ${rowLength})`, bytes: 4 * attentionRows * model.numHeads * rowLength * rowLength },
    { kind: 'mlp', what: `the MLP activations (${tokens} × ${model.intermediateSize})`, bytes: 4 * tokens * model.intermediateSize },
  ];
  return {
    weightBytes,
    trainableParameters: trainable,
    optimizerBytes,
    activationBytes,
    lossBytes,
    totalBytes: weightBytes + optimizerBytes + activationBytes + lossBytes,
    rows,
    largestTensor: tensors.reduce((a, b) => (b.bytes > a.bytes ? b : a)),
  };
}

export function describeTrainingEstimate(e: TrainingMemoryEstimate): string {
  return (
    `training memory estimate: ${formatBytes(e.totalBytes)} = weights ${formatBytes(e.weightBytes)} + gradients and AdamW ` +
    `${formatBytes(e.optimizerBytes)} (${e.trainableParameters.toLocaleString('en')} trainable) + activations ${formatBytes(e.activationBytes)} + loss chunk ${formatBytes(e.lossBytes)}`
  );
}

export const FIT_DEFAULTS = {
  /**
   * What a backend really takes per byte of the estimate. wasm: measured in Node (npm run bench),
   * the heap grew to 3.6 GB for LoRA on a SmolLM2-135M-shaped model at 4 × 256 (dropout 0.05,
   * estimate 2.0 GB), 1.8×, of which live tensors peaked at 2.6 GB: transients inside a step (a
   * loss chunk's softmax, the backward pass's temporaries), XNNPACK's packed operands and the
   * allocator's fragmentation. With the 4 GiB heap that admits that run and refuses a batch of 6.
   * cpu: the process's peak RSS was 1.7–2.1×. webgpu and webgl report no total, so theirs is never used.
   */
  overhead: { wasm: 1.9, cpu: 2.2, webgpu: 1, webgl: 1 } satisfies Record<BackendName, number>,
  /** The shortest max length offered as a way to fit. */
  minMaxLength: 64,
};

export class TrainingMemoryError extends Error {
  constructor(
    readonly estimate: TrainingMemoryEstimate,
    readonly capacity: BackendCapacity,
    message: string,
  ) {
    super(message);
    this.name = 'TrainingMemoryError';
  }
}

interface Change {
  label: string;
  config: Partial<TrainConfig>;
  rowLength?: number;
}

/**
 * The run's estimate when the backend can hold it; else a TrainingMemoryError that gives the
 * estimate, the capacity and the changes that would lower it, each estimated the same way.
 */
export function checkTrainingFits(model: LlamaConfig, c: TrainConfig, rowLength: number, capacity: BackendCapacity): TrainingMemoryEstimate {
  const overhead = FIT_DEFAULTS.overhead[capacity.backend];
  const budget = capacity.totalBytes === null ? null : capacity.totalBytes / overhead;
  const estimateWith = (ch: Change) => estimateTrainingMemory(model, { ...c, ...ch.config }, ch.rowLength ?? rowLength);
  const overTotal = (e: TrainingMemoryEstimate) => budget !== null && e.totalBytes > budget;
  const overTensor = (e: TrainingMemoryEstimate) => capacity.maxTensorBytes !== null && e.largestTensor.bytes > capacity.maxTensorBytes;
  const fits = (ch: Change) => {
    const e = estimateWith(ch);
    return !overTotal(e) && !overTensor(e);
  };
  const estimate = estimateWith({ label: '', config: {} });
  if (!overTotal(estimate) && !overTensor(estimate)) return estimate;

  // What overflows: one tensor, else the total.
  const tensor = overTensor(estimate);
  const need = (e: TrainingMemoryEstimate) => (tensor ? e.largestTensor.bytes : e.totalBytes);
  const changes = fitChanges(model, c, rowLength, estimate, capacity, fits).filter((ch) => need(estimateWith(ch)) < need(estimate));
  if (changes.length > 1 && !changes.some(fits)) {
    changes.push({ label: 'all of these together', config: Object.assign({}, ...changes.map((ch) => ch.config)), rowLength: changes.find((ch) => ch.rowLength)?.rowLength });
  }
  const problem = tensor
    ? `Training needs ${formatBytes(estimate.largestTensor.bytes)} in one tensor, ${estimate.largestTensor.what}, more than the ${capacity.backend} ` +
      `backend allows for one tensor: ${formatBytes(capacity.maxTensorBytes!)} (${capacity.source}).`
    : `Training needs about ${formatBytes(estimate.totalBytes)} (${describeTrainingEstimate(estimate)}), more than the ${capacity.backend} backend ` +
      `can hold: about ${formatBytes(budget!)} of estimate (${capacity.source}, and a ${capacity.backend} training step takes about ${overhead}× its estimate).`;
  const advice = changes.length
    ? `Change the configuration: ${changes.map((ch) => `${ch.label} would need ${formatBytes(need(estimateWith(ch)))}${fits(ch) ? ' (fits)' : ''}`).join('; ')}.`
    : `No batch or length makes it fit: use a smaller model or another backend.`;
  throw new TrainingMemoryError(estimate, capacity, `${problem} Stopped before allocating. ${advice}`);
}

/** Single changes to try: the loss chunk (when its logits are the tensor too big), batch size 1, the longest max length that fits, checkpointing, LoRA. */
function fitChanges(model: LlamaConfig, c: TrainConfig, rowLength: number, estimate: TrainingMemoryEstimate, capacity: BackendCapacity, fits: (ch: Change) => boolean): Change[] {
  const changes: Change[] = [];
  const { largestTensor, rows } = estimate;
  if (capacity.maxTensorBytes !== null && largestTensor.kind === 'logits') {
    const lossChunkRows = Math.floor(capacity.maxTensorBytes / (4 * model.vocabSize));
    if (lossChunkRows >= 1) changes.push({ label: `loss chunk rows ${lossChunkRows}`, config: { lossChunkRows } });
  }
  if (rows > 1) {
    const gradAccumSteps = c.gradAccumSteps * rows;
    changes.push({ label: `batch size 1 (with gradient accumulation ${gradAccumSteps} for the same effective batch)`, config: { batchSize: 1, batchTokens: 0, gradAccumSteps } });
  }
  const lengths: Change[] = [];
  for (let length = Math.floor(rowLength / 2); length >= FIT_DEFAULTS.minMaxLength; length = Math.floor(length / 2)) {
    lengths.push({ label: `max length ${length}`, config: { maxLength: length }, rowLength: length });
  }
  const length = lengths.find(fits) ?? lengths.at(-1);
  if (length) changes.push(length);
  if (!c.gradientCheckpointing) changes.push({ label: 'gradient checkpointing', config: { gradientCheckpointing: true } });
  if (c.mode === 'full') changes.push({ label: 'LoRA instead of full fine-tuning', config: { mode: 'lora' } });
  return changes;
}
