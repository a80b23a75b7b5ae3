// Parquet rows through hyparquet, one row group at a time, so memory holds one decoded group,
// never the whole file. `line` is the row index + 1.
import { parquetMetadataAsync, parquetReadObjects, toJson, type AsyncBuffer } from 'hyparquet';
import type { ReadItem } from './types';

export async function* readParquetRows(file: AsyncBuffer, signal?: AbortSignal): AsyncGenerator<ReadItem> {
  const metadata = await parquetMetadataAsync(file);
  let rowStart = 0;
  for (const group of metadata.row_groups) {
    signal?.throwIfAborted();
    const rowEnd = rowStart + Number(group.num_rows);
    const rows = await parquetReadObjects({ file, metadata, rowStart, rowEnd });
    for (let i = 0; i < rows.length; i++) {
      // toJson: INT64 arrives as bigint and timestamps as Date; records must stay plain JSON.
      yield { ok: true, line: rowStart + i + 1, record: toJson(rows[i]) as Record<string, unknown> };
    }
    rowStart = rowEnd;
  }
}
