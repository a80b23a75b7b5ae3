// Rows for training: examples packed into fixed-length rows (best-fit decreasing), or one
// example per row. Each row carries rotary positions that restart at 0 for every example and
// segment ids that keep attention inside each example (0 marks padding).
import type { TokenizedExample } from './tokenize';

export interface TrainRow {
  ids: number[];
  mask: number[];
  positions: number[];
  segments: number[];
  /** Source lines of the examples in this row, in order. */
  lines: number[];
}

function emptyRow(): TrainRow {
  return { ids: [], mask: [], positions: [], segments: [], lines: [] };
}

function append(row: TrainRow, ex: TokenizedExample): void {
  const segment = row.lines.length + 1;
  ex.ids.forEach((id, i) => {
    row.ids.push(id);
    row.mask.push(ex.mask[i]);
    row.positions.push(i);
    row.segments.push(segment);
  });
  row.lines.push(ex.line);
}

/** Pads every row to `length` with `padId` (segment 0, never trained). */
export function padRows(rows: TrainRow[], length: number, padId: number): TrainRow[] {
  return rows.map((r) => {
    const pad = length - r.ids.length;
    if (pad < 0) throw new Error(`row of ${r.ids.length} tokens does not fit in ${length}`);
    const fill = <T>(xs: T[], v: T) => [...xs, ...new Array<T>(pad).fill(v)];
    return { ids: fill(r.ids, padId), mask: fill(r.mask, 0), positions: fill(r.positions, 0), segments: fill(r.segments, 0), lines: r.lines };
  });
}

/** One example per row. */
export function unpackedRows(examples: TokenizedExample[]): TrainRow[] {
  return examples.map((ex) => {
    const row = emptyRow();
    append(row, ex);
    return row;
  });
}

/**
 * Best-fit decreasing: longest examples first, each into the fullest row that still has room,
 * else a new row. Deterministic: ties keep the input order.
 */
export function packBestFitDecreasing(examples: TokenizedExample[], capacity: number): TrainRow[] {
  const order = examples.map((ex, i) => ({ ex, i })).sort((a, b) => b.ex.ids.length - a.ex.ids.length || a.i - b.i);
  const rows: TrainRow[] = [];
  for (const { ex } of order) {
    if (ex.ids.length > capacity) throw new Error(`example on line ${ex.line} has ${ex.ids.length} tokens, more than the row length ${capacity}`);
    let best: TrainRow | null = null;
    for (const row of rows) {
      const room = capacity - row.ids.length;
      if (room >= ex.ids.length && (!best || room < capacity - best.ids.length)) best = row;
    }
    if (!best) {
      best = emptyRow();
      rows.push(best);
    }
    append(best, ex);
  }
  return rows;
}
