// Picking the next token from one row of logits: greedy, or temperature / top-k / top-p sampling.
import type { Rng } from './random';

export interface SamplingOptions {
  /** Always take the most likely token. Also implied by temperature 0. */
  greedy?: boolean;
  /** Divides the logits before softmax; default 1. */
  temperature?: number;
  /** Keep only the k most likely tokens; 0 or absent keeps all. */
  topK?: number;
  /** Keep the smallest set of most likely tokens whose probability reaches p; default 1. */
  topP?: number;
}

export function argmax(row: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i] > row[best]) best = i;
  return best;
}

export function sampleToken(row: Float32Array, opts: SamplingOptions, rng: Rng): number {
  const temperature = opts.temperature ?? 1;
  if (opts.greedy || temperature <= 0) return argmax(row);
  // Candidates sorted by logit, cut to top-k; then softmax over them and cut to top-p.
  let order = Array.from(row.keys()).sort((a, b) => row[b] - row[a]);
  if (opts.topK && opts.topK > 0) order = order.slice(0, opts.topK);
  const max = row[order[0]];
  const probs = order.map((i) => Math.exp((row[i] - max) / temperature));
  const total = probs.reduce((a, b) => a + b, 0);
  const topP = opts.topP ?? 1;
  let kept = order.length;
  if (topP < 1) {
    let cumulative = 0;
    for (let i = 0; i < order.length; i++) {
      cumulative += probs[i] / total;
      if (cumulative >= topP) {
        kept = i + 1;
        break;
      }
    }
  }
  const keptTotal = probs.slice(0, kept).reduce((a, b) => a + b, 0);
  let u = rng.next() * keptTotal;
  for (let i = 0; i < kept; i++) {
    u -= probs[i];
    if (u < 0) return order[i];
  }
  return order[kept - 1];
}
