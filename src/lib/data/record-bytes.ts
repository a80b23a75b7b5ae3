// One text record's bytes → a ReadItem, for the JSONL and JSON-array readers. Both gather a record
// across chunks with RecordBuffer, so memory holds one record plus one chunk, never the file.
import type { ReadItem } from './types';

/** A record past this size is reported and skipped rather than held (e.g. a whole file on one line). */
export const MAX_RECORD_BYTES = 64 * 1024 * 1024;

// fatal: bad bytes become a reported error, not silent U+FFFD replacement characters.
const decoder = new TextDecoder('utf-8', { fatal: true });

/** Bytes of one record gathered across chunks; past `max` bytes it keeps only the count. */
export class RecordBuffer {
  private pieces: Uint8Array[] = [];
  private size = 0;

  constructor(private readonly max: number) {}

  get empty(): boolean {
    return this.size === 0;
  }

  push(bytes: Uint8Array): void {
    this.size += bytes.length;
    if (this.size > this.max) this.pieces = [];
    else if (bytes.length > 0) this.pieces.push(bytes);
  }

  /** The record's bytes with `last` appended, or null when it grew past the limit; then resets. */
  take(last: Uint8Array): Uint8Array | null {
    const total = this.size + last.length;
    const pieces = this.pieces;
    this.pieces = [];
    this.size = 0;
    if (total > this.max) return null;
    if (pieces.length === 0) return last;
    const out = new Uint8Array(total);
    let at = 0;
    for (const p of pieces) {
      out.set(p, at);
      at += p.length;
    }
    out.set(last, at);
    return out;
  }
}

/** A record's bytes (null: too long) → a ReadItem; null for a blank line, which is not an error. */
export function parseRecord(bytes: Uint8Array | null, line: number, max: number): ReadItem | null {
  if (bytes === null) return { ok: false, line, reason: `record longer than ${formatBytes(max)}; skipped` };
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    return { ok: false, line, reason: 'not valid UTF-8 text (save the file as UTF-8)' };
  }
  if (text.trim() === '') return null;
  let value: unknown;
  try {
    value = JSON.parse(text); // JSON whitespace includes '\r', so CRLF line ends need no handling
  } catch (e) {
    return { ok: false, line, reason: `invalid JSON: ${(e as Error).message}` };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
    return { ok: false, line, reason: `expected a JSON object, got ${kind}` };
  }
  return { ok: true, line, record: value as Record<string, unknown> };
}

function formatBytes(n: number): string {
  return n >= 1 << 20 ? `${n / (1 << 20)} MB` : `${n} bytes`;
}
