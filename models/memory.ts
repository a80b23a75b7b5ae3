// Memory estimates, made from the config alone, before any weight is allocated.
import { parameterCount, type LlamaConfig } from './config';

export interface MemoryEstimate {
  parameters: number;
  /** float32 weights, as the tfjs backends hold them. */
  weightBytes: number;
  /** KV cache for `contextLength` tokens of `batch` rows. */
  kvCacheBytes: number;
  contextLength: number;
  batch: number;
  totalBytes: number;
}

export interface EstimateOptions {
  contextLength?: number;
  batch?: number;
}

export function estimateInferenceMemory(c: LlamaConfig, opts: EstimateOptions = {}): MemoryEstimate {
  const contextLength = opts.contextLength ?? Math.min(c.maxPositions, 2048);
  const batch = opts.batch ?? 1;
  const parameters = parameterCount(c);
  const weightBytes = parameters * 4;
  const kvCacheBytes = 2 * c.numLayers * batch * c.numKvHeads * contextLength * c.headDim * 4;
  return { parameters, weightBytes, kvCacheBytes, contextLength, batch, totalBytes: weightBytes + kvCacheBytes };
}

export function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

export function formatCount(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)}B`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return String(n);
}

export function describeEstimate(e: MemoryEstimate): string {
  return (
    `memory estimate: ${formatCount(e.parameters)} parameters → ${formatBytes(e.weightBytes)} of float32 weights, ` +
    `+ ${formatBytes(e.kvCacheBytes)} KV cache for ${e.batch} × ${e.contextLength} tokens = ${formatBytes(e.totalBytes)}`
  );
}
