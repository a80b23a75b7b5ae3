// JSON Lines: one object per line. Lines are split on '\n' across chunk boundaries; line numbers
// count every line (blank ones too), from 1.
import { MAX_RECORD_BYTES, RecordBuffer, parseRecord } from './record-bytes';
import type { ReadItem } from './types';

const NEWLINE = 0x0a;

export async function* readJsonLines(chunks: AsyncIterable<Uint8Array>, maxRecordBytes = MAX_RECORD_BYTES): AsyncGenerator<ReadItem> {
  const pending = new RecordBuffer(maxRecordBytes); // the current line's bytes from earlier chunks
  let line = 0;
  for await (const chunk of chunks) {
    let start = 0;
    for (let nl = chunk.indexOf(NEWLINE); nl !== -1; nl = chunk.indexOf(NEWLINE, start)) {
      const item = parseRecord(pending.take(chunk.subarray(start, nl)), ++line, maxRecordBytes);
      if (item) yield item;
      start = nl + 1;
    }
    pending.push(chunk.subarray(start));
  }
  if (!pending.empty) {
    const item = parseRecord(pending.take(new Uint8Array(0)), ++line, maxRecordBytes);
    if (item) yield item;
  }
}
