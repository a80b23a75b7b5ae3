// Memory estimates, made from the config alone, before any weight is allocated; what the device
// says it has; and the consent a model over that needs before it is allocated.
import { parameterCount, type LlamaConfig } from './config';
import { isNode } from './files';

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

/** What the device says it has for this process or page. */
export interface DeviceMemory {
  /** Bytes; null when the runtime does not say. */
  availableBytes: number | null;
  /** Where the number comes from, for messages. */
  source: string;
}

/** Node: free system memory (os.freemem); a browser: navigator.deviceMemory, the device's RAM, when it has one. */
export async function deviceMemory(): Promise<DeviceMemory> {
  if (isNode) {
    const os = await import('node:os');
    const free = os.freemem();
    return { availableBytes: free, source: `os.freemem(): ${formatBytes(free)} free of ${formatBytes(os.totalmem())}` };
  }
  const gb = (globalThis.navigator as { deviceMemory?: number } | undefined)?.deviceMemory;
  if (typeof gb !== 'number') return { availableBytes: null, source: 'this browser does not report its memory (no navigator.deviceMemory)' };
  return { availableBytes: gb * 2 ** 30, source: `navigator.deviceMemory: ${gb} GB of RAM (rounded down and capped by the browser)` };
}

/** What fromPretrained checks its estimate against, and the user's consent. */
export interface MemoryGuard {
  /** Default: what deviceMemory() reports. null: unknown, and nothing is refused. */
  availableBytes?: number | null;
  /** Where availableBytes comes from, for the message. */
  source?: string;
  /** The user confirmed: load even over availableBytes. */
  force?: boolean;
}

export class MemoryConsentError extends Error {
  constructor(
    readonly estimateBytes: number,
    readonly availableBytes: number,
    message: string,
  ) {
    super(message);
    this.name = 'MemoryConsentError';
  }
}

/** Throws MemoryConsentError when the estimate is over what the device reports and the user has not confirmed. */
export async function checkMemoryConsent(estimate: MemoryEstimate, guard: MemoryGuard, what: string): Promise<void> {
  if (guard.force) return;
  const device = guard.availableBytes === undefined ? await deviceMemory() : guard;
  const available = device.availableBytes ?? null;
  if (available === null || estimate.totalBytes <= available) return;
  throw new MemoryConsentError(
    estimate.totalBytes,
    available,
    `${what}: ${describeEstimate(estimate)}, more than the ${formatBytes(available)} this device reports` +
      `${device.source ? ` (${device.source})` : ''}. Loading it could crash the page or the process. ` +
      'Confirm to load it anyway (CLI: --force), or choose a smaller model.',
  );
}
