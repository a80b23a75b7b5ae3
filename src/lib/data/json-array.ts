// A top-level JSON array of objects, read one element at a time: a byte scanner tracks strings,
// escapes and nesting depth to find where each element ends, and only that element is parsed.
// `line` is the element's index + 1.
import { DataSourceError } from './byte-sources';
import { MAX_RECORD_BYTES, RecordBuffer, parseRecord } from './record-bytes';
import type { ReadItem } from './types';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const BOM = [0xef, 0xbb, 0xbf];

// Scanner states: before the opening '[', between elements, inside one, after the closing ']'.
const START = 0;
const BETWEEN = 1;
const ELEMENT = 2;
const DONE = 3;

export const isSpace = (b: number) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;

export async function* readJsonArray(chunks: AsyncIterable<Uint8Array>, what: string, maxRecordBytes = MAX_RECORD_BYTES): AsyncGenerator<ReadItem> {
  const element = new RecordBuffer(maxRecordBytes);
  let state: number = START;
  let depth = 0;
  let inString = false;
  let escaped = false;
  let index = 0;
  let offset = 0; // file offset of the chunk, to recognise a byte-order mark
  for await (const chunk of chunks) {
    let from = 0; // where the current element's bytes start in this chunk
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      if (state !== ELEMENT) {
        if (isSpace(b)) continue;
        if (state === START) {
          if (offset + i < 3 && b === BOM[offset + i]) continue;
          if (b !== OPEN_BRACKET) throw notAnArray(what, b);
          state = BETWEEN;
          continue;
        }
        if (state === DONE) throw new DataSourceError(`${what}: unexpected data after the array's closing ']'.`);
        if (b === CLOSE_BRACKET) state = DONE;
        if (b === CLOSE_BRACKET || b === COMMA) continue;
        state = ELEMENT;
        from = i;
      }
      if (inString) {
        if (escaped) escaped = false;
        else if (b === BACKSLASH) escaped = true;
        else if (b === QUOTE) inString = false;
      } else if (b === QUOTE) {
        inString = true;
      } else if (b === OPEN_BRACE || b === OPEN_BRACKET) {
        depth++;
      } else if (depth > 0 && (b === CLOSE_BRACE || b === CLOSE_BRACKET)) {
        depth--; // a stray '}' at depth 0 stays in the element for JSON.parse to report
      } else if (depth === 0 && (b === COMMA || b === CLOSE_BRACKET)) {
        const item = parseRecord(element.take(chunk.subarray(from, i)), ++index, maxRecordBytes);
        if (item) yield item;
        state = b === COMMA ? BETWEEN : DONE;
      }
    }
    if (state === ELEMENT) element.push(chunk.subarray(from));
    offset += chunk.length;
  }
  if (state === ELEMENT || state === BETWEEN) {
    throw new DataSourceError(
      `${what}: the JSON array is not closed (the file ends ${state === ELEMENT ? `inside element ${index + 1}` : `after element ${index}`}). The file may be truncated, or an element has an unclosed string or bracket.`,
    );
  }
}

function notAnArray(what: string, b: number): DataSourceError {
  if (b === OPEN_BRACE) {
    return new DataSourceError(
      `${what} holds a JSON object, not an array of objects. Use JSONL (one object per line) or a JSON array of objects; if this file already has one object per line, name it .jsonl or pass format 'jsonl'.`,
    );
  }
  return new DataSourceError(`${what} is not a JSON array of objects (it does not start with '['). Use JSONL (one object per line) or a JSON array of objects.`);
}
