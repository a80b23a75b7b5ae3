// Training rows → micro-batches → optimizer steps, in a seeded order per epoch. The order is a
// pure function of (seed, epoch), so a checkpoint only needs the epoch and the position in it.
import * as tf from '@tensorflow/tfjs-core';
import { packBestFitDecreasing, padRows, unpackedRows, type TrainRow } from '../data/pack';
import type { TokenizedExample } from '../data/tokenize';
import type { ForwardOptions } from '../../../models/llama';
import { Rng, shuffledIndices } from '../../../models/random';
import type { TrainConfig } from './config';
import { lossTargets, type LossTargets } from './loss';

export interface MicroBatch {
  rows: TrainRow[];
  /** Length of every row: padded to the longest, or the padding-free row's tokens. */
  length: number;
  /** Padding-free: the one row's examples, laid end to end, have these lengths. */
  sequenceLengths?: number[];
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

/**
 * The rows laid end to end in one row, without padding: segment ids renumbered so that every
 * example keeps its own, positions restarting at each (as packing already writes them).
 */
function flatMicroBatch(rows: TrainRow[]): MicroBatch {
  const row: TrainRow = { ids: [], mask: [], positions: [], segments: [], lines: [] };
  const sequenceLengths: number[] = [];
  for (const r of rows) {
    const first = row.segments.length ? row.segments[row.segments.length - 1] : 0;
    r.segments.forEach((s, t) => {
      if (t === 0 || s !== r.segments[t - 1]) sequenceLengths.push(0);
      sequenceLengths[sequenceLengths.length - 1]++;
      row.segments.push(first + s);
    });
    row.ids.push(...r.ids);
    row.mask.push(...r.mask);
    row.positions.push(...r.positions);
    row.lines.push(...r.lines);
  }
  return { rows: [row], length: row.ids.length, sequenceLengths, targets: lossTargets([row]), tokens: row.ids.length };
}

function microBatch(rows: TrainRow[], paddingFree: boolean): MicroBatch {
  if (paddingFree) return flatMicroBatch(rows);
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
export function microBatches(rows: TrainRow[], c: Pick<TrainConfig, 'batchSize' | 'batchTokens' | 'paddingFree'>): MicroBatch[] {
  const out: MicroBatch[] = [];
  let current: TrainRow[] = [];
  let longest = 0;
  for (const row of rows) {
    const nextLongest = Math.max(longest, row.ids.length);
    const full = c.batchTokens > 0 ? (current.length + 1) * nextLongest > c.batchTokens : current.length === c.batchSize;
    if (current.length > 0 && full) {
      out.push(microBatch(current, c.paddingFree));
      current = [];
      longest = 0;
    }
    current.push(row);
    longest = Math.max(longest, row.ids.length);
  }
  if (current.length) out.push(microBatch(current, c.paddingFree));
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

/** The model's inputs for a micro-batch: token ids and the forward pass's layout options. */
export function batchTensors(mb: MicroBatch): { ids: tf.Tensor2D; options: Pick<ForwardOptions, 'positions' | 'segmentIds' | 'sequenceLengths'>; dispose(): void } {
  const shape: [number, number] = [mb.rows.length, mb.length];
  const ints = (key: 'ids' | 'positions' | 'segments') => tf.tensor2d(mb.rows.flatMap((r) => r[key]), shape, 'int32');
  const ids = ints('ids');
  const positions = ints('positions');
  const segmentIds = mb.sequenceLengths ? undefined : ints('segments');
  return {
    ids,
    options: mb.sequenceLengths ? { positions, sequenceLengths: mb.sequenceLengths } : { positions, segmentIds },
    dispose: () => tf.dispose([ids, positions, ...(segmentIds ? [segmentIds] : [])]),
  };
}
