// Raw records from a data file: JSONL, a JSON array, or Parquet; from a Node path, a URL, or a
// browser File. Everything streams, so a 1 GB file never sits in memory whole. Bad records come
// back as { ok: false, reason }; only whole-source failures (missing file, HTTP error, unknown
// format, unreadable Parquet) throw a DataSourceError.
import { DataSourceError, describeSource, openChunks, openRandomAccess, sourceName, type DataSource, type FetchOptions } from './byte-sources';
import { isSpace, readJsonArray } from './json-array';
import { readJsonLines } from './jsonl';
import { PARQUET_CODECS, readParquetRows } from './parquet';
import type { ReadItem } from './types';

export { DataSourceError, describeSource, type DataSource };

export type DataFormat = 'jsonl' | 'json' | 'parquet';

export interface ReadOptions extends FetchOptions {
  /** Default: from the name's extension, else sniffed from the first bytes. */
  format?: DataFormat;
}

/** How far to look for the first non-blank byte before giving up on sniffing. */
const SNIFF_LIMIT = 64 * 1024;

export async function* readRecords(source: DataSource, opts: ReadOptions = {}): AsyncGenerator<ReadItem> {
  const what = describeSource(source);
  const format = opts.format ?? formatFromName(sourceName(source));
  if (format === 'parquet') {
    yield* readParquet(source, opts);
    return;
  }
  if (format) {
    yield* readText(format, openChunks(source, opts), what);
    return;
  }
  const chunks = openChunks(source, opts);
  const { sniffed, head } = await sniff(chunks, what);
  if (sniffed === 'parquet') {
    await chunks.return(undefined);
    yield* readParquet(source, opts);
  } else {
    yield* readText(sniffed, replay(head, chunks), what);
  }
}

function readText(format: 'jsonl' | 'json', chunks: AsyncIterable<Uint8Array>, what: string): AsyncGenerator<ReadItem> {
  return format === 'json' ? readJsonArray(chunks, what) : readJsonLines(chunks);
}

async function* readParquet(source: DataSource, opts: ReadOptions): AsyncGenerator<ReadItem> {
  const access = await openRandomAccess(source, opts);
  try {
    yield* readParquetRows(access.file, opts.signal);
  } catch (e) {
    if (opts.signal?.aborted) throw e;
    const message = (e as Error).message;
    throw new DataSourceError(`Could not read ${describeSource(source)} as Parquet: ${message}.${codecHint(message)}`);
  } finally {
    await access.close();
  }
}

/** For a codec with no decompressor (LZO): which one the file uses and which ones are read. */
function codecHint(message: string): string {
  const m = /unsupported compression codec:?\s*(\w+)?/i.exec(message);
  if (!m) return '';
  const codec = m[1] ?? 'a codec';
  const read = PARQUET_CODECS.filter((c) => c !== 'UNCOMPRESSED');
  return (
    ` The file is compressed with ${codec}, which Distill Lab cannot decompress; it reads ${read.join(', ')} and uncompressed Parquet.` +
    ` Re-save the file with one of those (ZSTD and SNAPPY are the usual choices).`
  );
}

function formatFromName(name: string): DataFormat | null {
  const ext = /\.([a-z]+)$/i.exec(name)?.[1].toLowerCase();
  if (ext === 'jsonl' || ext === 'ndjson') return 'jsonl';
  if (ext === 'json') return 'json';
  if (ext === 'parquet') return 'parquet';
  return null;
}

/** Reads the stream's first chunks until its format shows: 'PAR1' magic, '[' or '{'. */
async function sniff(chunks: AsyncGenerator<Uint8Array>, what: string): Promise<{ sniffed: DataFormat; head: Uint8Array[] }> {
  const head: Uint8Array[] = [];
  let bytes: Uint8Array = new Uint8Array(0);
  for (;;) {
    const next = await chunks.next();
    if (!next.done) {
      head.push(next.value);
      bytes = concat(bytes, next.value);
    }
    const sniffed = formatFromBytes(bytes, next.done === true || bytes.length > SNIFF_LIMIT);
    if (sniffed === 'unknown') {
      await chunks.return(undefined);
      const gzip = bytes[0] === 0x1f && bytes[1] === 0x8b;
      throw new DataSourceError(
        gzip
          ? `${what} is gzip-compressed; decompress it first.`
          : `Cannot tell the format of ${what}: name it .jsonl, .json or .parquet, or pass the format.`,
      );
    }
    if (sniffed) return { sniffed, head };
  }
}

/** The format the first bytes show; null while more bytes are needed (`complete`: there are none). */
function formatFromBytes(bytes: Uint8Array, complete: boolean): DataFormat | 'unknown' | null {
  if (bytes.length < 4 && !complete) return null;
  if (String.fromCharCode(...bytes.subarray(0, 4)) === 'PAR1') return 'parquet';
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0; // a UTF-8 byte-order mark
  while (i < bytes.length && isSpace(bytes[i])) i++;
  if (i === bytes.length) return complete ? 'jsonl' /* blank: no records either way */ : null;
  if (bytes[i] === 0x5b /* [ */) return 'json';
  if (bytes[i] === 0x7b /* { */) return 'jsonl';
  return 'unknown';
}

async function* replay(head: Uint8Array[], rest: AsyncGenerator<Uint8Array>): AsyncGenerator<Uint8Array> {
  yield* head;
  yield* rest;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
