// Parquet rows through hyparquet, one row group at a time, so memory holds one decoded group,
// never the whole file. `line` is the row index + 1.
// Plain hyparquet decompresses only SNAPPY; hyparquet-compressors adds GZIP, BROTLI, ZSTD, LZ4
// (the Hadoop framing that parquet-mr, Spark and arrow write) and LZ4_RAW, in JS plus a small
// inline wasm module for SNAPPY, so Node, the page and Vite-bundled workers all read them. LZO,
// the one other codec the format defines, has no decompressor.
import { parquetMetadataAsync, parquetReadObjects, toJson, type AsyncBuffer } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import type { ReadItem } from './types';

/** The Parquet compression codecs that readParquetRows decompresses. */
export const PARQUET_CODECS: readonly string[] = ['UNCOMPRESSED', ...Object.keys(compressors)];

export async function* readParquetRows(file: AsyncBuffer, signal?: AbortSignal): AsyncGenerator<ReadItem> {
  const metadata = await parquetMetadataAsync(file);
  let rowStart = 0;
  for (const group of metadata.row_groups) {
    signal?.throwIfAborted();
    const rowEnd = rowStart + Number(group.num_rows);
    const rows = await parquetReadObjects({ file, metadata, rowStart, rowEnd, compressors });
    for (let i = 0; i < rows.length; i++) {
      // toJson: INT64 arrives as bigint and timestamps as Date; records must stay plain JSON.
      yield { ok: true, line: rowStart + i + 1, record: toJson(rows[i]) as Record<string, unknown> };
    }
    rowStart = rowEnd;
  }
}
