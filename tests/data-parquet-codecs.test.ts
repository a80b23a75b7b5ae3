// Compressed Parquet, as the hub's datasets ship it (ZSTD, GZIP, BROTLI, LZ4, …). Every file here
// is written at test time by a real Parquet writer: parquet-wasm, the Rust arrow-rs `parquet`
// crate compiled to wasm, from an Apache Arrow table. Each case checks, from the file itself, that
// the writer used the codec asked for (the footer's codec of every column chunk, and the page bytes
// handed to the decompressor), so a writer that fell back to another codec fails the test rather
// than passing it on a file that is not what it claims.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetMetadata, parquetReadObjects, type CompressionCodec, type Compressors } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEvalDocs } from '../src/lib/eval/data';
import { PARQUET_CODECS } from '../src/lib/data/parquet';
import { DataSourceError, readRecords } from '../src/lib/data/readers';
import type { ReadItem } from '../src/lib/data/types';
import { writeParquetArrowRs, type ArrowRsCodec } from './helpers/arrow-parquet';

/** GSM8K's schema (question, answer ending "#### N") plus an int64 and a float64 column. */
const ROWS = [
  {
    question: 'Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May. How many clips did Natalia sell altogether in April and May?',
    answer: 'Natalia sold 48/2 = <<48/2=24>>24 clips in May.\nNatalia sold 48+24 = <<48+24=72>>72 clips altogether in April and May.\n#### 72',
    row_id: 0,
    score: 0.1,
  },
  {
    question: 'Weng earns $12 an hour for babysitting. Yesterday, she just did 50 minutes of babysitting. How much did she earn?',
    answer: 'Weng earns 12/60 = $<<12/60=0.2>>0.2 per minute.\nWorking 50 minutes, she earned 0.2 x 50 = $<<0.2*50=10>>10.\n#### 10',
    row_id: 1,
    score: -2.5,
  },
  {
    question: 'Crème brûlée costs €3 a portion — how much do 7 portions cost? 🍮',
    answer: 'Seven portions cost 7 × 3 = <<7*3=21>>21 euros.\n#### 21',
    row_id: 9_007_199_254_740_991, // Number.MAX_SAFE_INTEGER: the int64 arrives exactly
    score: 3.141592653589793,
  },
  {
    question: 'A store had 1,200 apples and sold 1,250. How many apples is it short?',
    answer: 'It is short 1,250 - 1,200 = <<1250-1200=50>>50 apples.\n#### -50',
    row_id: -7,
    score: 1e-7,
  },
  {
    question: 'Write nothing but the answer: what is 2 + 2?',
    answer: '#### 4',
    row_id: 42,
    score: 0,
  },
];
/** Rows per row group: 5 rows make three groups (2 + 2 + 1), so reading crosses group borders. */
const ROW_GROUP_SIZE = 2;
const COLUMNS = ['question', 'answer', 'row_id', 'score'];

const CASES: { codec: ArrowRsCodec; pages: 'v1' | 'v2' }[] = [
  { codec: 'UNCOMPRESSED', pages: 'v1' },
  { codec: 'SNAPPY', pages: 'v1' },
  { codec: 'GZIP', pages: 'v1' },
  { codec: 'BROTLI', pages: 'v1' },
  { codec: 'ZSTD', pages: 'v1' },
  { codec: 'LZ4', pages: 'v1' }, // arrow-rs writes the Hadoop framing for LZ4 (checked below)
  { codec: 'LZ4_RAW', pages: 'v1' },
  // Data page v2 compresses only the values, not the levels: another path through the reader.
  { codec: 'ZSTD', pages: 'v2' },
];

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'parquet-codecs-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The rows as a Parquet file from arrow-rs, with `codec` for every column. */
function writeWithArrowRs(codec: ArrowRsCodec, pages: 'v1' | 'v2' = 'v1'): Uint8Array {
  const columns = {
    question: ROWS.map((r) => r.question),
    answer: ROWS.map((r) => r.answer),
    row_id: ROWS.map((r) => BigInt(r.row_id)),
    score: ROWS.map((r) => r.score),
  };
  return writeParquetArrowRs(columns, { codec, pages, rowGroupSize: ROW_GROUP_SIZE });
}

function arrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

async function collect(source: string): Promise<ReadItem[]> {
  const items: ReadItem[] = [];
  for await (const item of readRecords(source)) items.push(item);
  return items;
}

/**
 * Reads the file through hyparquet with each decompressor wrapped to record the compressed page
 * bytes it is handed: which codecs the pages really needed, and what those bytes look like.
 */
async function pagesByCodec(bytes: Uint8Array): Promise<Map<string, { input: Uint8Array; outputLength: number }[]>> {
  const seen = new Map<string, { input: Uint8Array; outputLength: number }[]>();
  const spies: Compressors = {};
  for (const [codec, decompress] of Object.entries(compressors) as [CompressionCodec, (input: Uint8Array, outputLength: number) => Uint8Array][]) {
    spies[codec] = (input, outputLength) => {
      seen.set(codec, [...(seen.get(codec) ?? []), { input: input.slice(), outputLength }]);
      return decompress(input, outputLength);
    };
  }
  await parquetReadObjects({ file: arrayBuffer(bytes), compressors: spies });
  return seen;
}

function u32be(b: Uint8Array, at: number): number {
  return new DataView(b.buffer, b.byteOffset + at, 4).getUint32(0);
}

describe('compressed Parquet written by arrow-rs (parquet-wasm)', () => {
  it.for(CASES)('reads every row and value of a $codec file (data pages $pages)', async ({ codec, pages }) => {
    const bytes = writeWithArrowRs(codec, pages);

    // The footer: written by arrow-rs, GSM8K's columns plus an INT64 and a DOUBLE, three row
    // groups, `codec` for every column chunk, and the data page version asked for.
    const metadata = parquetMetadata(arrayBuffer(bytes));
    expect(metadata.created_by).toMatch(/^parquet-rs /);
    expect(metadata.schema.slice(1).map((e) => [e.name, e.type])).toEqual([
      ['question', 'BYTE_ARRAY'],
      ['answer', 'BYTE_ARRAY'],
      ['row_id', 'INT64'],
      ['score', 'DOUBLE'],
    ]);
    expect(metadata.row_groups).toHaveLength(3);
    expect(metadata.row_groups.map((g) => Number(g.num_rows))).toEqual([2, 2, 1]);
    for (const group of metadata.row_groups) {
      expect(group.columns.map((c) => c.meta_data?.path_in_schema.join('.'))).toEqual(COLUMNS);
      expect(group.columns.map((c) => c.meta_data?.codec)).toEqual(COLUMNS.map(() => codec));
      const pageTypes = group.columns.flatMap((c) => (c.meta_data?.encoding_stats ?? []).map((s) => s.page_type));
      expect(pageTypes).toContain(pages === 'v2' ? 'DATA_PAGE_V2' : 'DATA_PAGE');
      expect(pageTypes).not.toContain(pages === 'v2' ? 'DATA_PAGE' : 'DATA_PAGE_V2');
    }

    // The pages: only `codec`'s decompressor runs, on every column chunk, on bytes in its format.
    const seen = await pagesByCodec(bytes);
    if (codec === 'UNCOMPRESSED') {
      expect([...seen.keys()]).toEqual([]);
    } else {
      expect([...seen.keys()]).toEqual([codec]);
      const inputs = seen.get(codec) ?? [];
      // At least one data page per column chunk (dictionary pages come on top).
      expect(inputs.length).toBeGreaterThanOrEqual(metadata.row_groups.length * COLUMNS.length);
      for (const { input, outputLength } of inputs) {
        if (codec === 'GZIP') expect([...input.subarray(0, 2)]).toEqual([0x1f, 0x8b]);
        if (codec === 'ZSTD') expect([...input.subarray(0, 4)]).toEqual([0x28, 0xb5, 0x2f, 0xfd]);
        if (codec === 'LZ4') {
          // Hadoop framing: big-endian uncompressed size, then compressed size, then the LZ4 block.
          expect(u32be(input, 0)).toBe(outputLength);
          expect(u32be(input, 4)).toBe(input.length - 8);
        }
      }
    }

    // Through the app's reader: every row, every value, in order, plain JSON.
    const path = join(dir, `gsm8k-${codec}-${pages}.parquet`);
    await writeFile(path, bytes);
    expect(await collect(path)).toEqual(ROWS.map((record, i) => ({ ok: true, line: i + 1, record })));
  });

  it('loads eval items from a ZSTD file', async () => {
    const path = join(dir, 'gsm8k-eval-zstd.parquet');
    const bytes = writeWithArrowRs('ZSTD');
    expect(parquetMetadata(arrayBuffer(bytes)).row_groups[0].columns[0].meta_data?.codec).toBe('ZSTD');
    await writeFile(path, bytes);
    const { docs, skipped } = await loadEvalDocs(path);
    expect(skipped).toEqual([]);
    expect(docs).toEqual(ROWS.map((r, id) => ({ id, question: r.question, answer: r.answer })));
  });
});

describe('a codec with no decompressor', () => {
  it('names the codec and the codecs that are read', async () => {
    // No writer on npm compresses with LZO (arrow-rs refuses it), so hyparquet-writer labels the
    // pages LZO with a pass-through "compressor". The reader refuses the codec by its name in the
    // footer before it looks at the bytes, which is the path a real LZO file takes.
    const bytes = new Uint8Array(
      parquetWriteBuffer({
        columnData: [
          { name: 'question', data: ['What is 2 + 2?'], type: 'STRING' },
          { name: 'answer', data: ['#### 4'], type: 'STRING' },
        ],
        codec: 'LZO',
        compressors: { LZO: (input: Uint8Array) => input },
      }),
    );
    expect(parquetMetadata(arrayBuffer(bytes)).row_groups[0].columns.map((c) => c.meta_data?.codec)).toEqual(['LZO', 'LZO']);
    const path = join(dir, 'old-hadoop.parquet');
    await writeFile(path, bytes);

    const error = await collect(path).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DataSourceError);
    const message = (error as Error).message;
    expect(message).toMatch(/^Could not read .*old-hadoop\.parquet as Parquet: .*LZO/);
    expect(message).toContain('compressed with LZO, which Distill Lab cannot decompress');
    expect(message).toContain('it reads SNAPPY, GZIP, BROTLI, ZSTD, LZ4, LZ4_RAW and uncompressed Parquet');
    expect(message).not.toContain('Re-save the file with SNAPPY');
  });

  it('lists as read exactly the codecs the cases above read', () => {
    expect([...PARQUET_CODECS].sort()).toEqual([...new Set(CASES.map((c) => c.codec))].sort());
  });
});
