// Training rows → micro-batches → optimizer steps, in a seeded order per epoch. The order is a
// pure function of (seed, epoch), so a checkpoint only needs the epoch and the position in it.
import * as tf from '@tensorflow/tfjs';
import { packBestFitDecreasing, padRows, unpackedRows, type TrainRow } from '../data/pack';
import type { TokenizedExample } from '../data/tokenize';
import { Rng, shuffledIndices } from '../../../models/random';
import type { TrainConfig } from './config';
import { lossTargets, type LossTargets } from './loss';

export interface MicroBatch {
  rows: TrainRow[];
  /** Padded length of every row. */
  length: number;
  targets: LossTargets;
  /** Real (non-padding) tokens. */
  tokens: number;
}

export function trainRows(examples: TokenizedExample[], c: Pick<TrainConfig, 'packing' | 'maxLength'>): TrainRow[] {
  return c.packing ? packBestFitDecreasing(examples, c.maxLength) : unpackedRows(examples);
}

/** The rows in epoch `epoch`'s order: a Fisher–Yates shuffle seeded by (seed, epoch). */
export function epochOrder(count: number, seed: number, epoch: number): number[] {
  return shuffledIndices(count, new Rng((Math.imul(seed ^ 0x5bd1e995, 0x9e3779b1) + epoch * 0x632be5ab) >>> 0));
}

const shuffled = <T>(items: T[], seed: number, epoch: number): T[] => epochOrder(items.length, seed, epoch).map((i) => items[i]);

/** Rows per length group, in batches: transformers' LengthGroupedSampler sorts mega-batches of 50. */
export const LENGTH_GROUP_BATCHES = 50;

/**
 * Shuffled rows regrouped so that rows of similar length share a micro-batch and little of it is
 * padding: each run of LENGTH_GROUP_BATCHES batches' rows is sorted by length (longest first).
 */
function lengthGrouped(ordered: TrainRow[], batchSize: number): TrainRow[] {
  const group = LENGTH_GROUP_BATCHES * batchSize;
  const out: TrainRow[] = [];
  for (let i = 0; i < ordered.length; i += group) out.push(...ordered.slice(i, i + group).sort((a, b) => b.ids.length - a.ids.length));
  return out;
}

function microBatch(rows: TrainRow[]): MicroBatch {
  const length = Math.max(...rows.map((r) => r.ids.length));
  const padded = padRows(rows, length, 0);
  return {
    rows: padded,
    length,
    targets: lossTargets(padded),
    tokens: rows.reduce((n, r) => n + r.ids.length, 0),
  };
}

/** Rows in order, cut into micro-batches of batchSize rows, or of at most batchTokens padded tokens. */
export function microBatches(rows: TrainRow[], c: Pick<TrainConfig, 'batchSize' | 'batchTokens'>): MicroBatch[] {
  const out: MicroBatch[] = [];
  let current: TrainRow[] = [];
  let longest = 0;
  for (const row of rows) {
    const nextLongest = Math.max(longest, row.ids.length);
    const full = c.batchTokens > 0 ? (current.length + 1) * nextLongest > c.batchTokens : current.length === c.batchSize;
    if (current.length > 0 && full) {
      out.push(microBatch(current));
      current = [];
      longest = 0;
    }
    current.push(row);
    longest = Math.max(longest, row.ids.length);
  }
  if (current.length) out.push(microBatch(current));
  return out;
}

/**
 * Micro-batches of one epoch, grouped into optimizer steps of gradAccumSteps each (the last may be
 * short). Length-grouped batches are shuffled once more, so that long and short steps alternate.
 */
export function epochSteps(rows: TrainRow[], c: TrainConfig, epoch: number): MicroBatch[][] {
  const ordered = shuffled(rows, c.seed, epoch);
  const batches = c.groupByLength ? shuffled(microBatches(lengthGrouped(ordered, c.batchSize), c), c.seed ^ 0x2545f491, epoch) : microBatches(ordered, c);
  const steps: MicroBatch[][] = [];
  for (let i = 0; i < batches.length; i += c.gradAccumSteps) steps.push(batches.slice(i, i + c.gradAccumSteps));
  return steps;
}

export function batchTensors(mb: MicroBatch) {
  const shape: [number, number] = [mb.rows.length, mb.length];
  return {
    ids: tf.tensor2d(mb.rows.flatMap((r) => r.ids), shape, 'int32'),
    positions: tf.tensor2d(mb.rows.flatMap((r) => r.positions), shape, 'int32'),
    segments: tf.tensor2d(mb.rows.flatMap((r) => r.segments), shape, 'int32'),
  };
}
