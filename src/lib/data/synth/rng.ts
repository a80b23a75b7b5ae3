// Seeded randomness for the synthetic teacher: a per-record stream derived from (seed, tag, index),
// so any record can be rebuilt alone and a dataset of n records is a prefix of one of n + 1.
import { Rng } from '../../../../models/random';

/** Streams that must never share a seed space: train, held-out eval, pretraining text. */
export const STREAM = { train: 1, eval: 2, pretrain: 3 } as const;

/** murmur3's finalizer over a running mix: a well-spread uint32 from a few integers. */
export function hash32(...xs: number[]): number {
  let h = 0x9747b28c;
  for (const x of xs) {
    h = Math.imul(h ^ (x >>> 0), 0xcc9e2d51);
    h = (h << 15) | (h >>> 17);
    h = Math.imul(h, 0x1b873593) + 0xe6546b64;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** The small set of draws every generator needs, over the app's mulberry32. */
export class Dice {
  private readonly rng: Rng;

  constructor(seed: number) {
    this.rng = new Rng(seed);
  }

  /** Uniform integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.rng.next() * (hi - lo + 1));
  }

  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.rng.next() * xs.length)];
  }

  /** A pick that differs from `not` (`xs` must hold another value). */
  pickOther<T>(xs: readonly T[], not: T): T {
    let x = this.pick(xs);
    while (x === not) x = this.pick(xs);
    return x;
  }

  chance(p: number): boolean {
    return this.rng.next() < p;
  }
}
