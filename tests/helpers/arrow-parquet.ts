// Parquet files from a real writer, for tests: parquet-wasm is the Rust arrow-rs `parquet` crate
// compiled to wasm (what `created_by` says: "parquet-rs version …"); it writes an Apache Arrow
// table with the codec, row group size and data page version asked for.
import { Table as ArrowTable, tableToIPC, Utf8, vectorFromArray, type Vector } from 'apache-arrow';
import type { CompressionCodec } from 'hyparquet';
import { Compression, Table as WasmTable, writeParquet, WriterPropertiesBuilder, WriterVersion } from 'parquet-wasm/node';

/** The codecs arrow-rs writes: all but LZO. LZ4 is the Hadoop framing. */
export type ArrowRsCodec = Exclude<CompressionCodec, 'LZO'>;

export interface ArrowRsOptions {
  codec: ArrowRsCodec;
  /** Rows per row group (default: arrow-rs's, 1 Mi rows). */
  rowGroupSize?: number;
  /** Data page version (default v1, as pyarrow and `datasets` write). */
  pages?: 'v1' | 'v2';
}

/**
 * One column per key: strings as UTF8 (BYTE_ARRAY STRING), bigints as INT64, numbers as DOUBLE.
 * Dictionary encoding stays on, as arrow-rs and pyarrow default to.
 */
export function writeParquetArrowRs(columns: Record<string, string[] | bigint[] | number[]>, opts: ArrowRsOptions): Uint8Array {
  const vectors: Record<string, Vector> = {};
  for (const [name, values] of Object.entries(columns)) {
    if (values.every((v) => typeof v === 'string')) vectors[name] = vectorFromArray(values, new Utf8());
    else if (values.every((v) => typeof v === 'bigint')) vectors[name] = vectorFromArray(BigInt64Array.from(values));
    else if (values.every((v) => typeof v === 'number')) vectors[name] = vectorFromArray(Float64Array.from(values));
    else throw new Error(`column ${name}: strings, bigints or numbers, not a mix`);
  }
  let props = new WriterPropertiesBuilder()
    .setCompression(Compression[opts.codec])
    .setWriterVersion(opts.pages === 'v2' ? WriterVersion.V2 : WriterVersion.V1);
  if (opts.rowGroupSize !== undefined) props = props.setMaxRowGroupSize(opts.rowGroupSize);
  return writeParquet(WasmTable.fromIPCStream(tableToIPC(new ArrowTable(vectors), 'stream')), props.build());
}
