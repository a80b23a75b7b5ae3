// DOM-free safetensors reader and writer (https://github.com/huggingface/safetensors).
// Layout: u64 little-endian header length N, N bytes of UTF-8 JSON header, then the data section.
// Uses only Uint8Array / DataView / TextDecoder, so it runs in Node, browsers and workers.
// Typed-array views assume a little-endian host, which every JavaScript engine in use is.

export type SafetensorsDtype = 'F32' | 'F16' | 'BF16' | 'I32' | 'I64';

/** One tensor's header entry; byteOffset is relative to the start of the data section. */
export interface TensorInfo {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  byteOffset: number;
  byteLength: number;
}

export interface SafetensorsHeader {
  tensors: Map<string, TensorInfo>;
  metadata: Record<string, string>;
  /** 8 + header length: where the data section starts in the file. */
  dataOffset: number;
  fileSize: number;
}

export class SafetensorsError extends Error {
  readonly file: string;
  constructor(file: string, message: string) {
    super(`${file}: ${message}`);
    this.name = 'SafetensorsError';
    this.file = file;
  }
}

const DTYPE_SIZE: Record<SafetensorsDtype, number> = { F32: 4, F16: 2, BF16: 2, I32: 4, I64: 8 };
const SUPPORTED = Object.keys(DTYPE_SIZE).join(', ');
const MAX_HEADER_BYTES = 100 * 1024 * 1024;
const METADATA_KEY = '__metadata__';

// ---------------------------------------------------------------------------------------------
// Header parsing and validation

export function parseSafetensorsHeader(bytes: Uint8Array, file: string): SafetensorsHeader {
  const fileSize = bytes.length;
  if (fileSize < 8) {
    throw new SafetensorsError(
      file,
      `the file is only ${fileSize} bytes, shorter than the 8-byte header length. The file is truncated or not a safetensors file; download it again.`,
    );
  }
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (headerLength > BigInt(MAX_HEADER_BYTES)) {
    throw new SafetensorsError(
      file,
      `header length ${headerLength} is absurdly large (over ${MAX_HEADER_BYTES} bytes). This is not a safetensors file; check that you downloaded the right file.`,
    );
  }
  const dataOffset = 8 + Number(headerLength);
  if (dataOffset > fileSize) {
    throw new SafetensorsError(
      file,
      `header length ${headerLength} runs past the end of the file (${fileSize} bytes). The file is truncated or not a safetensors file; download it again.`,
    );
  }
  const json = parseHeaderJson(bytes.subarray(8, dataOffset), file);
  const metadata = parseMetadata(json[METADATA_KEY], file);
  const tensors = new Map<string, TensorInfo>();
  for (const [name, entry] of Object.entries(json)) {
    if (name === METADATA_KEY) continue;
    const info = parseTensorInfo(name, entry, file);
    if (dataOffset + info.byteOffset + info.byteLength > fileSize) {
      throw new SafetensorsError(
        file,
        `tensor "${name}" ends at byte ${dataOffset + info.byteOffset + info.byteLength} but the file has only ${fileSize} bytes: the file is truncated — it may not have finished downloading. Download it again.`,
      );
    }
    tensors.set(name, info);
  }
  checkNoOverlap(tensors, file);
  return { tensors, metadata, dataOffset, fileSize };
}

function parseHeaderJson(headerBytes: Uint8Array, file: string): Record<string, unknown> {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(headerBytes));
  } catch (e) {
    throw new SafetensorsError(
      file,
      `the header is not valid UTF-8 JSON (${(e as Error).message}). The file is corrupt or not a safetensors file; download it again.`,
    );
  }
  if (!isPlainObject(json)) {
    throw new SafetensorsError(
      file,
      `the header is JSON but not an object of tensors. The file is corrupt or not a safetensors file; download it again.`,
    );
  }
  return json;
}

function parseMetadata(value: unknown, file: string): Record<string, string> {
  if (value === undefined) return {};
  if (!isPlainObject(value) || !Object.values(value).every((v) => typeof v === 'string')) {
    throw new SafetensorsError(
      file,
      `"${METADATA_KEY}" must be an object of string values. The header is corrupt; re-export or download the file again.`,
    );
  }
  return { ...(value as Record<string, string>) };
}

function parseTensorInfo(name: string, entry: unknown, file: string): TensorInfo {
  const fail = (problem: string): never => {
    throw new SafetensorsError(file, `tensor "${name}": ${problem}`);
  };
  if (!isPlainObject(entry)) fail('header entry is not an object with dtype, shape and data_offsets. The header is corrupt; download the file again.');
  const { dtype, shape, data_offsets: offsets } = entry as Record<string, unknown>;
  if (typeof dtype !== 'string' || !(dtype in DTYPE_SIZE)) {
    fail(`dtype ${JSON.stringify(dtype)} is not supported (supported: ${SUPPORTED}). Convert the checkpoint to one of these dtypes.`);
  }
  if (!Array.isArray(shape) || !shape.every(isNonNegativeInt)) {
    fail(`shape ${JSON.stringify(shape)} is not an array of non-negative integers. The header is corrupt; download the file again.`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isNonNegativeInt) || offsets[0] > offsets[1]) {
    fail(`data_offsets ${JSON.stringify(offsets)} must be [begin, end] non-negative integers with begin <= end. The header is corrupt; download the file again.`);
  }
  const info: TensorInfo = {
    name,
    dtype: dtype as SafetensorsDtype,
    shape: [...(shape as number[])],
    byteOffset: (offsets as number[])[0],
    byteLength: (offsets as number[])[1] - (offsets as number[])[0],
  };
  const expected = product(info.shape) * DTYPE_SIZE[info.dtype];
  if (info.byteLength !== expected) {
    fail(`data_offsets span ${info.byteLength} bytes but shape [${info.shape}] of ${info.dtype} needs ${expected}. The header is corrupt; download the file again.`);
  }
  return info;
}

function checkNoOverlap(tensors: Map<string, TensorInfo>, file: string): void {
  const sorted = [...tensors.values()].filter((t) => t.byteLength > 0).sort((a, b) => a.byteOffset - b.byteOffset);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1];
    if (sorted[i].byteOffset < prev.byteOffset + prev.byteLength) {
      throw new SafetensorsError(
        file,
        `tensors "${prev.name}" and "${sorted[i].name}" overlap in the data section. The header is corrupt; download the file again.`,
      );
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Reading tensors

export interface LoadedTensor {
  name: string;
  shape: number[];
  dtype: SafetensorsDtype;
  data: Float32Array | Int32Array;
}

/** Decodes one tensor (F32/F16/BF16 → Float32Array, I32/I64 → Int32Array) into freshly allocated memory. */
export function readTensor(bytes: Uint8Array, header: SafetensorsHeader, name: string, file: string): LoadedTensor {
  const info = header.tensors.get(name);
  if (!info) {
    throw new SafetensorsError(
      file,
      `tensor "${name}" is not in the file (it has ${header.tensors.size} tensors). Check the tensor name, or that this is the right shard.`,
    );
  }
  const start = header.dataOffset + info.byteOffset;
  if (start + info.byteLength > bytes.length) {
    throw new SafetensorsError(file, `tensor "${name}" runs past the end of the given bytes: the file is truncated — it may not have finished downloading.`);
  }
  // A copy into a new, aligned buffer, so the typed-array views below are safe at any source offset.
  // (Not bytes.slice(): on a Node Buffer, slice() is a view, not a copy.)
  const raw = new Uint8Array(bytes.subarray(start, start + info.byteLength)).buffer;
  return { name, shape: [...info.shape], dtype: info.dtype, data: decode(raw, info, file) };
}

// Plain loops below, not TypedArray.from(src, fn): V8 runs the mapped form about 15× slower,
// which made decoding the bundled model's 0.9M float16 weights take 0.2 s of its load.
function decode(raw: ArrayBuffer, info: TensorInfo, file: string): Float32Array | Int32Array {
  switch (info.dtype) {
    case 'F32':
      return new Float32Array(raw);
    case 'I32':
      return new Int32Array(raw);
    case 'F16': {
      const table = f16Table();
      const halves = new Uint16Array(raw);
      const out = new Float32Array(halves.length);
      for (let i = 0; i < halves.length; i++) out[i] = table[halves[i]];
      return out;
    }
    case 'BF16': {
      const halves = new Uint16Array(raw);
      const bits = new Uint32Array(halves.length);
      for (let i = 0; i < halves.length; i++) bits[i] = halves[i] << 16;
      return new Float32Array(bits.buffer);
    }
    case 'I64':
      return int64ToInt32(new Int32Array(raw), info, file);
  }
}

/** Narrows little-endian int64 (as lo/hi int32 pairs) to int32, failing on values that do not fit. */
function int64ToInt32(pairs: Int32Array, info: TensorInfo, file: string): Int32Array {
  const out = new Int32Array(pairs.length / 2);
  for (let i = 0; i < out.length; i++) {
    const lo = pairs[2 * i];
    const hi = pairs[2 * i + 1];
    // The value fits in int32 exactly when the high word is the sign extension of the low word.
    if (hi !== lo >> 31) {
      const value = (BigInt(hi) << 32n) | BigInt(lo >>> 0);
      throw new SafetensorsError(
        file,
        `tensor "${info.name}": I64 value ${value} at index ${i} does not fit in int32. Only int32-range I64 tensors can be loaded.`,
      );
    }
    out[i] = lo;
  }
  return out;
}

export function readSafetensors(bytes: Uint8Array, file: string): { header: SafetensorsHeader; tensors: Map<string, LoadedTensor> } {
  const header = parseSafetensorsHeader(bytes, file);
  const tensors = new Map<string, LoadedTensor>();
  for (const name of header.tensors.keys()) tensors.set(name, readTensor(bytes, header, name, file));
  return { header, tensors };
}

// ---------------------------------------------------------------------------------------------
// Writing

export interface TensorToWrite {
  name: string;
  shape: number[];
  data: Float32Array | Int32Array | BigInt64Array;
  /** Defaults: F32 for Float32Array, I32 for Int32Array, I64 for BigInt64Array. */
  dtype?: SafetensorsDtype;
}

/** Serialises tensors in the given order; the header is space-padded so the data section is 8-byte aligned. */
export function writeSafetensors(tensors: TensorToWrite[], metadata?: Record<string, string>): Uint8Array {
  // Null prototype so that any tensor name, even "__proto__", becomes an ordinary key.
  const header: Record<string, unknown> = Object.create(null);
  if (metadata) header[METADATA_KEY] = metadata;
  const encoded: Uint8Array[] = [];
  let offset = 0;
  for (const t of tensors) {
    if (t.name === METADATA_KEY || Object.hasOwn(header, t.name)) {
      throw new Error(`writeSafetensors: duplicate or reserved tensor name "${t.name}".`);
    }
    const dtype = t.dtype ?? defaultDtype(t.data);
    const data = encodeTensor(t, dtype);
    header[t.name] = { dtype, shape: t.shape, data_offsets: [offset, offset + data.length] };
    encoded.push(data);
    offset += data.length;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerLength = Math.ceil((8 + json.length) / 8) * 8 - 8;
  const out = new Uint8Array(8 + headerLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength); // trailing spaces are valid JSON whitespace
  let pos = 8 + headerLength;
  for (const data of encoded) {
    out.set(data, pos);
    pos += data.length;
  }
  return out;
}

function defaultDtype(data: TensorToWrite['data']): SafetensorsDtype {
  if (data instanceof Float32Array) return 'F32';
  if (data instanceof Int32Array) return 'I32';
  return 'I64';
}

function encodeTensor(t: TensorToWrite, dtype: SafetensorsDtype): Uint8Array {
  const { data } = t;
  if (!t.shape.every(isNonNegativeInt) || product(t.shape) !== data.length) {
    throw new Error(`writeSafetensors: tensor "${t.name}" has ${data.length} values but shape [${t.shape}].`);
  }
  const mismatch = () => new Error(`writeSafetensors: tensor "${t.name}": dtype ${dtype} cannot be written from a ${data.constructor.name}.`);
  switch (dtype) {
    case 'F32':
    case 'F16':
    case 'BF16': {
      if (!(data instanceof Float32Array)) throw mismatch();
      if (dtype === 'F32') return asBytes(data);
      const toBits = dtype === 'F16' ? float32ToFloat16Bits : float32ToBFloat16Bits;
      const bits = new Uint16Array(data.length);
      for (let i = 0; i < data.length; i++) bits[i] = toBits(data[i]);
      return asBytes(bits);
    }
    case 'I32':
      if (!(data instanceof Int32Array)) throw mismatch();
      return asBytes(data);
    case 'I64':
      if (data instanceof BigInt64Array) return asBytes(data);
      if (data instanceof Int32Array) return asBytes(BigInt64Array.from(data, (v) => BigInt(v)));
      throw mismatch();
  }
}

function asBytes(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

// ---------------------------------------------------------------------------------------------
// Sharded checkpoints (model.safetensors.index.json)

export interface ShardIndex {
  metadata?: Record<string, unknown>;
  weight_map: Record<string, string>;
}

export function parseShardIndex(text: string, file: string): ShardIndex {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new SafetensorsError(file, `not valid JSON (${(e as Error).message}). Download the shard index again.`);
  }
  if (!isPlainObject(json)) throw new SafetensorsError(file, 'the shard index is not a JSON object. Download it again.');
  const { weight_map: weightMap, metadata } = json as { weight_map?: unknown; metadata?: unknown };
  if (!isPlainObject(weightMap) || !Object.values(weightMap).every((v) => typeof v === 'string')) {
    throw new SafetensorsError(
      file,
      '"weight_map" must be an object mapping tensor names to shard file names. Download the shard index again.',
    );
  }
  for (const [tensor, shard] of Object.entries(weightMap as Record<string, string>)) {
    if (!isPlainFileName(shard)) {
      throw new SafetensorsError(
        file,
        `tensor "${tensor}" maps to shard ${JSON.stringify(shard)}, which is not a plain file name. Shards must be files beside the index, ` +
          'named like "model-00001-of-00002.safetensors": not empty or ".", and without "/", "\\", "..", "%", "?" or "#". Fix the index or download it again.',
      );
    }
  }
  if (metadata !== undefined && !isPlainObject(metadata)) {
    throw new SafetensorsError(file, '"metadata" must be an object. Download the shard index again.');
  }
  const index: ShardIndex = { weight_map: weightMap as Record<string, string> };
  if (metadata !== undefined) index.metadata = metadata as Record<string, unknown>;
  return index;
}

/**
 * A name that stays inside the model's folder whether it is joined to a path or a URL: no
 * separators, no ".." (nor "%2e%2e", which a URL reads as ".."), no query or fragment.
 */
function isPlainFileName(name: string): boolean {
  return name !== '' && name !== '.' && !name.includes('..') && !/[/\\%?#]/.test(name);
}

/** The shard files named in the index, each once, in first-seen order. */
export function shardFiles(index: ShardIndex): string[] {
  return [...new Set(Object.values(index.weight_map))];
}

// ---------------------------------------------------------------------------------------------
// Half-precision conversions

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

function float32Bits(x: number): number {
  f32[0] = x;
  return u32[0];
}

/** IEEE binary16 bits of x, rounded to nearest even; overflow gives ±Infinity, NaN stays NaN. */
export function float32ToFloat16Bits(x: number): number {
  const bits = float32Bits(x);
  const sign = (bits >>> 16) & 0x8000;
  const exp = (bits >>> 23) & 0xff;
  const mant = bits & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const halfExp = exp - 127 + 15;
  if (halfExp >= 0x1f) return sign | 0x7c00;
  if (halfExp >= 1) {
    // Normal: keep 10 mantissa bits; a rounding carry may bump the exponent, up to Infinity.
    return roundShift(sign | (halfExp << 10) | (mant >>> 13), mant, 13);
  }
  // Subnormal (or underflow to zero): the value is m * 2^-24 with m = significand >> shift.
  const shift = 14 - halfExp;
  if (shift > 24) return sign;
  return roundShift(sign | ((mant | 0x800000) >>> shift), mant | 0x800000, shift);
}

/** Rounds the truncated result up when the dropped low `shift` bits of `source` exceed half, or tie on odd. */
function roundShift(truncated: number, source: number, shift: number): number {
  const rest = source & ((1 << shift) - 1);
  const half = 1 << (shift - 1);
  return rest > half || (rest === half && truncated & 1) ? truncated + 1 : truncated;
}

export function float16BitsToFloat32(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

/** bfloat16 bits of x (the top half of its float32 bits), rounded to nearest even; NaN stays NaN. */
export function float32ToBFloat16Bits(x: number): number {
  const bits = float32Bits(x);
  if (Number.isNaN(x)) return (bits >>> 16) | 0x40;
  return ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16) & 0xffff;
}

let f16Lookup: Float32Array | undefined;

/** All 65536 float16 values, built once: decoding by lookup is much faster than by arithmetic. */
function f16Table(): Float32Array {
  if (!f16Lookup) {
    f16Lookup = new Float32Array(0x10000);
    for (let h = 0; h < 0x10000; h++) f16Lookup[h] = float16BitsToFloat32(h);
  }
  return f16Lookup;
}

// ---------------------------------------------------------------------------------------------

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isNonNegativeInt(v: unknown): v is number {
  return Number.isSafeInteger(v) && (v as number) >= 0;
}

function product(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
