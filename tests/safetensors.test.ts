import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import {
  SafetensorsError,
  float16BitsToFloat32,
  float32ToBFloat16Bits,
  float32ToFloat16Bits,
  parseSafetensorsHeader,
  parseShardIndex,
  readSafetensors,
  readTensor,
  shardFiles,
  writeSafetensors,
} from '../models/safetensors';
import { sharedPath, skipUnlessShared } from './helpers/shared';

const FILE = 'model.safetensors';

/** A file with the given header (object → JSON, or raw text) and `dataBytes` zero bytes of data. */
function rawFile(header: unknown, dataBytes = 0, declaredLength?: number): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + dataBytes);
  new DataView(out.buffer).setBigUint64(0, BigInt(declaredLength ?? json.length), true);
  out.set(json, 8);
  return out;
}

function headerText(file: Uint8Array): string {
  const n = Number(new DataView(file.buffer, file.byteOffset).getBigUint64(0, true));
  return new TextDecoder().decode(file.subarray(8, 8 + n));
}

/** Expects parsing `bytes` to fail with a SafetensorsError naming the file and matching every pattern. */
function expectHeaderError(bytes: Uint8Array, ...patterns: RegExp[]): void {
  let error: unknown;
  try {
    parseSafetensorsHeader(bytes, FILE);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(SafetensorsError);
  const message = (error as Error).message;
  expect(message.startsWith(`${FILE}: `)).toBe(true);
  for (const p of patterns) expect(message).toMatch(p);
}

const f32 = (x: number) => Math.fround(x);

describe('float16 conversion', () => {
  it('encodes known bit patterns', () => {
    const cases: [number, number][] = [
      [1, 0x3c00],
      [-2.5, 0xc100],
      [0, 0x0000],
      [-0, 0x8000],
      [65504, 0x7bff], // largest finite
      [65519, 0x7bff], // just below the halfway point to 65536
      [65520, 0x7c00], // rounds to Infinity
      [1e6, 0x7c00],
      [Infinity, 0x7c00],
      [-Infinity, 0xfc00],
      [2 ** -14, 0x0400], // smallest normal
      [2 ** -24, 0x0001], // smallest subnormal
      [1023 * 2 ** -24, 0x03ff], // largest subnormal
      [2 ** -25, 0x0000], // halfway to the smallest subnormal: ties to even (zero)
      [3 * 2 ** -25, 0x0002], // 1.5 ulp: ties to even
      [2 ** -26, 0x0000],
      [1 + 2 ** -11, 0x3c00], // halfway between 1 and next: ties to even
      [1 + 3 * 2 ** -11, 0x3c02],
      [f32(0.1), 0x2e66],
      [f32(1 / 3), 0x3555],
    ];
    for (const [x, bits] of cases) expect([x, float32ToFloat16Bits(x)]).toEqual([x, bits]);
  });

  it('keeps NaN as NaN', () => {
    const h = float32ToFloat16Bits(NaN);
    expect(h & 0x7c00).toBe(0x7c00);
    expect(h & 0x3ff).not.toBe(0);
    expect(float16BitsToFloat32(h)).toBeNaN();
  });

  it('decodes known bit patterns', () => {
    expect(float16BitsToFloat32(0x3c00)).toBe(1);
    expect(float16BitsToFloat32(0xc100)).toBe(-2.5);
    expect(float16BitsToFloat32(0x7bff)).toBe(65504);
    expect(float16BitsToFloat32(0x0001)).toBe(2 ** -24);
    expect(float16BitsToFloat32(0x7c00)).toBe(Infinity);
    expect(float16BitsToFloat32(0xfc00)).toBe(-Infinity);
    expect(Object.is(float16BitsToFloat32(0x8000), -0)).toBe(true);
  });

  it('round-trips every non-NaN float16 bit pattern exactly', () => {
    for (let h = 0; h < 0x10000; h++) {
      const x = float16BitsToFloat32(h);
      if (Number.isNaN(x)) continue;
      if (float32ToFloat16Bits(x) !== h) throw new Error(`0x${h.toString(16)} -> ${x} -> 0x${float32ToFloat16Bits(x).toString(16)}`);
    }
  });
});

describe('bfloat16 conversion', () => {
  it('encodes known bit patterns with round-to-nearest-even', () => {
    const cases: [number, number][] = [
      [1, 0x3f80],
      [-2.5, 0xc020],
      [0, 0x0000],
      [-0, 0x8000],
      [Infinity, 0x7f80],
      [-Infinity, 0xff80],
      [f32(Math.PI), 0x4049],
      [1 + 2 ** -8, 0x3f80], // halfway: ties to even
      [1 + 3 * 2 ** -8, 0x3f82], // halfway: ties to even (up)
      [1 + 2 ** -8 + 2 ** -20, 0x3f81], // above halfway: rounds up
      [f32(3.4028234663852886e38), 0x7f80], // largest float32 rounds to Infinity
      [2 ** -133, 0x0001], // float32 subnormal with a bfloat16 representation
    ];
    for (const [x, bits] of cases) expect([x, float32ToBFloat16Bits(x)]).toEqual([x, bits]);
  });

  it('keeps NaN as NaN', () => {
    const b = float32ToBFloat16Bits(NaN);
    expect(b & 0x7f80).toBe(0x7f80);
    expect(b & 0x7f).not.toBe(0);
  });
});

describe('writeSafetensors / readSafetensors round trip', () => {
  const floats = new Float32Array([1, -2.5, 65504, 2 ** -24, 0.1, Infinity, -Infinity, NaN, 3.14159, -0]);

  it('F32 is exact', () => {
    const t = readSafetensors(writeSafetensors([{ name: 'w', shape: [2, 5], data: floats }]), FILE).tensors.get('w')!;
    expect(t.dtype).toBe('F32');
    expect(t.shape).toEqual([2, 5]);
    expect(t.data).toBeInstanceOf(Float32Array);
    expect(Array.from(t.data)).toEqual(Array.from(floats));
  });

  it('F16 is within float16 precision and keeps specials', () => {
    const file = writeSafetensors([{ name: 'w', shape: [10], data: floats, dtype: 'F16' }]);
    const t = readSafetensors(file, FILE).tensors.get('w')!;
    expect(t.dtype).toBe('F16');
    expect(t.data).toBeInstanceOf(Float32Array);
    const d = Array.from(t.data);
    expect(d.slice(0, 4)).toEqual([1, -2.5, 65504, 2 ** -24]);
    expect(Math.abs(d[4] - 0.1)).toBeLessThan(0.1 * 2 ** -11);
    expect(d.slice(5, 7)).toEqual([Infinity, -Infinity]);
    expect(d[7]).toBeNaN();
    expect(Math.abs(d[8] - 3.14159)).toBeLessThan(3.14159 * 2 ** -11);
    expect(Object.is(d[9], -0)).toBe(true);
    // Stored as little-endian float16 bits: 1.0 is 0x3C00.
    const dataStart = file.length - 20;
    expect([file[dataStart], file[dataStart + 1]]).toEqual([0x00, 0x3c]);
  });

  it('BF16 is within bfloat16 precision and keeps specials', () => {
    const big = new Float32Array([1, -2.5, 1e30, -7.25e-20, 0.1, Infinity, -Infinity, NaN]);
    const file = writeSafetensors([{ name: 'w', shape: [8], data: big, dtype: 'BF16' }]);
    const t = readSafetensors(file, FILE).tensors.get('w')!;
    expect(t.dtype).toBe('BF16');
    const d = Array.from(t.data);
    expect(d.slice(0, 2)).toEqual([1, -2.5]);
    for (const i of [2, 3, 4]) expect(Math.abs(d[i] - big[i])).toBeLessThanOrEqual(Math.abs(big[i]) * 2 ** -8);
    expect(d.slice(5, 7)).toEqual([Infinity, -Infinity]);
    expect(d[7]).toBeNaN();
    const dataStart = file.length - 16;
    expect([file[dataStart], file[dataStart + 1]]).toEqual([0x80, 0x3f]);
  });

  it('I32 is exact', () => {
    const ints = new Int32Array([0, 1, -1, 2147483647, -2147483648, 12345]);
    const t = readSafetensors(writeSafetensors([{ name: 'ids', shape: [3, 2], data: ints }]), FILE).tensors.get('ids')!;
    expect(t.dtype).toBe('I32');
    expect(t.data).toBeInstanceOf(Int32Array);
    expect(Array.from(t.data)).toEqual(Array.from(ints));
  });

  it('I64 from BigInt64Array and from Int32Array reads back as Int32Array', () => {
    const values = [0, 1, -1, 2147483647, -2147483648, 42];
    const fromBig = writeSafetensors([{ name: 'a', shape: [6], data: BigInt64Array.from(values, (v) => BigInt(v)) }]);
    const fromInt = writeSafetensors([{ name: 'a', shape: [6], data: Int32Array.from(values), dtype: 'I64' }]);
    expect(fromInt).toEqual(fromBig);
    const t = readSafetensors(fromBig, FILE).tensors.get('a')!;
    expect(t.dtype).toBe('I64');
    expect(t.data).toBeInstanceOf(Int32Array);
    expect(Array.from(t.data)).toEqual(values);
    expect(parseSafetensorsHeader(fromBig, FILE).tensors.get('a')!.byteLength).toBe(48);
  });

  it('keeps several tensors, their order, offsets and empty tensors', () => {
    const file = writeSafetensors([
      { name: 'z.last', shape: [3], data: new Float32Array([1, 2, 3]) },
      { name: 'a.first', shape: [2], data: new Int32Array([7, 8]) },
      { name: 'empty', shape: [0, 4], data: new Float32Array(0) },
      { name: 'scalar', shape: [], data: new Float32Array([5]) },
    ]);
    const { header, tensors } = readSafetensors(file, FILE);
    expect([...header.tensors.keys()]).toEqual(['z.last', 'a.first', 'empty', 'scalar']);
    expect(header.tensors.get('a.first')).toMatchObject({ byteOffset: 12, byteLength: 8 });
    expect(header.fileSize).toBe(file.length);
    expect(Array.from(tensors.get('a.first')!.data)).toEqual([7, 8]);
    expect(tensors.get('empty')!.data.length).toBe(0);
    expect(tensors.get('scalar')!.shape).toEqual([]);
    expect(Array.from(tensors.get('scalar')!.data)).toEqual([5]);
  });

  it('round-trips metadata', () => {
    const metadata = { format: 'pt', note: 'ünïcode ✓' };
    const file = writeSafetensors([{ name: 'w', shape: [1], data: new Float32Array([1]) }], metadata);
    expect(readSafetensors(file, FILE).header.metadata).toEqual(metadata);
    expect(parseSafetensorsHeader(writeSafetensors([]), FILE).metadata).toEqual({});
  });

  it('reads tensors one at a time with readTensor', () => {
    const file = writeSafetensors([
      { name: 'a', shape: [1], data: new Float32Array([1]) },
      { name: 'b', shape: [2], data: new Float32Array([2, 3]) },
    ]);
    const header = parseSafetensorsHeader(file, FILE);
    expect(Array.from(readTensor(file, header, 'b', FILE).data)).toEqual([2, 3]);
  });
});

describe('writer layout', () => {
  it('writes the header like the Rust library and pads it with spaces to a multiple of 8', () => {
    const file = writeSafetensors([{ name: 'a', shape: [2], data: new Float32Array([1, 2]) }]);
    const text = headerText(file);
    expect(text.trimEnd()).toBe('{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}');
    expect((8 + text.length) % 8).toBe(0);
    expect(file.length).toBe(8 + text.length + 8);
  });

  it('aligns the data section for every header length', () => {
    for (let len = 1; len <= 16; len++) {
      const file = writeSafetensors([{ name: 'x'.repeat(len), shape: [1], data: new Float32Array([len]) }]);
      const header = parseSafetensorsHeader(file, FILE);
      expect(header.dataOffset % 8).toBe(0);
      expect(/^[^ ]*} *$/.test(headerText(file))).toBe(true);
      expect(new DataView(file.buffer, header.dataOffset).getFloat32(0, true)).toBe(len);
    }
  });

  it('puts __metadata__ first', () => {
    const file = writeSafetensors([{ name: 'w', shape: [1], data: new Float32Array([1]) }], { k: 'v' });
    expect(headerText(file).startsWith('{"__metadata__":{"k":"v"}')).toBe(true);
  });

  it('rejects a shape that does not match the data, a dtype the data cannot give, and duplicate names', () => {
    expect(() => writeSafetensors([{ name: 'w', shape: [3], data: new Float32Array(2) }])).toThrow(/"w".*2 values.*shape \[3\]/);
    expect(() => writeSafetensors([{ name: 'w', shape: [2], data: new Int32Array(2), dtype: 'F16' }])).toThrow(/F16.*Int32Array/);
    const t = { name: 'w', shape: [1], data: new Float32Array(1) };
    expect(() => writeSafetensors([t, t])).toThrow(/duplicate/);
  });
});

describe('reading at an unaligned byte offset', () => {
  it('copies every dtype out correctly from a subarray at offset 1', () => {
    const file = writeSafetensors([
      { name: 'f32', shape: [3], data: new Float32Array([1.5, -2, 3.25]) },
      { name: 'f16', shape: [2], data: new Float32Array([1, -2.5]), dtype: 'F16' },
      { name: 'bf16', shape: [2], data: new Float32Array([1, -2.5]), dtype: 'BF16' },
      { name: 'i32', shape: [2], data: new Int32Array([-7, 9]) },
      { name: 'i64', shape: [2], data: new BigInt64Array([-3n, 4n]) },
    ]);
    const buffer = new Uint8Array(file.length + 3);
    buffer.set(file, 1);
    const view = buffer.subarray(1, 1 + file.length);
    const { tensors } = readSafetensors(view, FILE);
    expect(Array.from(tensors.get('f32')!.data)).toEqual([1.5, -2, 3.25]);
    expect(Array.from(tensors.get('f16')!.data)).toEqual([1, -2.5]);
    expect(Array.from(tensors.get('bf16')!.data)).toEqual([1, -2.5]);
    expect(Array.from(tensors.get('i32')!.data)).toEqual([-7, 9]);
    expect(Array.from(tensors.get('i64')!.data)).toEqual([-3, 4]);
    // The result owns its memory: changing the source does not change it.
    buffer.fill(0);
    expect(Array.from(tensors.get('f32')!.data)).toEqual([1.5, -2, 3.25]);
  });
});

describe('validation errors', () => {
  const entry = (over: Record<string, unknown> = {}) => ({ dtype: 'F32', shape: [2], data_offsets: [0, 8], ...over });

  it('file shorter than 8 bytes', () => {
    expectHeaderError(new Uint8Array(5), /only 5 bytes/, /truncated or not a safetensors file/);
  });

  it('header length past the end of the file', () => {
    expectHeaderError(rawFile('{}', 0, 123456), /header length 123456 runs past the end of the file \(10 bytes\)/, /download it again/);
  });

  it('absurdly large header length', () => {
    expectHeaderError(rawFile('{}', 0, 2 ** 40), /header length 1099511627776 is absurdly large/);
  });

  it('header that is not valid JSON', () => {
    expectHeaderError(rawFile('{"a": '), /not valid UTF-8 JSON/);
  });

  it('header that is not a JSON object', () => {
    expectHeaderError(rawFile('[1, 2]'), /not an object/);
    expectHeaderError(rawFile('null'), /not an object/);
  });

  it('tensor entry that is not an object', () => {
    expectHeaderError(rawFile({ w: 3 }), /tensor "w"/, /not an object/);
  });

  it('unknown dtype lists the supported ones', () => {
    expectHeaderError(rawFile({ w: entry({ dtype: 'F64', data_offsets: [0, 16] }) }, 16), /tensor "w"/, /dtype "F64" is not supported/, /F32, F16, BF16, I32, I64/);
  });

  it('shape that is not an array of non-negative integers', () => {
    for (const shape of [[2, -1], [2.5], '2', [null]]) {
      expectHeaderError(rawFile({ w: entry({ shape }) }, 8), /tensor "w"/, /not an array of non-negative integers/);
    }
  });

  it('data_offsets that are not [begin, end] with begin <= end', () => {
    for (const data_offsets of [[8, 0], [0], [0, 4, 8], [0, '8'], [-1, 7], 'x']) {
      expectHeaderError(rawFile({ w: entry({ data_offsets }) }, 8), /tensor "w"/, /data_offsets .* must be \[begin, end\]/);
    }
  });

  it('byte length that does not match shape and dtype', () => {
    expectHeaderError(rawFile({ w: entry({ shape: [3] }) }, 8), /tensor "w"/, /span 8 bytes but shape \[3\] of F32 needs 12/);
  });

  it('data past the end of the file says the file is truncated', () => {
    const file = writeSafetensors([{ name: 'w', shape: [4], data: new Float32Array(4) }]);
    expectHeaderError(file.subarray(0, file.length - 1), /tensor "w"/, /the file is truncated — it may not have finished downloading/);
  });

  it('overlapping tensors', () => {
    expectHeaderError(rawFile({ a: entry(), b: entry({ data_offsets: [4, 12] }) }, 12), /"a" and "b" overlap/);
  });

  it('metadata that is not an object of strings', () => {
    expectHeaderError(rawFile({ __metadata__: { n: 1 } }), /__metadata__/, /string values/);
  });

  it('requesting a tensor that is not in the file', () => {
    const file = writeSafetensors([{ name: 'w', shape: [1], data: new Float32Array(1) }]);
    const header = parseSafetensorsHeader(file, FILE);
    expect(() => readTensor(file, header, 'missing', FILE)).toThrow(SafetensorsError);
    expect(() => readTensor(file, header, 'missing', FILE)).toThrow(/^model\.safetensors: tensor "missing" is not in the file/);
  });

  it('I64 values outside the int32 range', () => {
    const file = writeSafetensors([{ name: 'big', shape: [2], data: new BigInt64Array([1n, 2n ** 31n]) }]);
    expect(() => readSafetensors(file, FILE)).toThrow(/^model\.safetensors: tensor "big": I64 value 2147483648 at index 1 does not fit in int32/);
    const negative = writeSafetensors([{ name: 'neg', shape: [1], data: new BigInt64Array([-(2n ** 31n) - 1n]) }]);
    expect(() => readSafetensors(negative, FILE)).toThrow(/-2147483649/);
  });
});

describe('shard index', () => {
  const INDEX = 'model.safetensors.index.json';

  it('parses weight_map and lists shard files once, in first-seen order', () => {
    const text = JSON.stringify({
      metadata: { total_size: 1234 },
      weight_map: {
        'lm_head.weight': 'model-00002-of-00002.safetensors',
        'model.embed_tokens.weight': 'model-00001-of-00002.safetensors',
        'model.norm.weight': 'model-00002-of-00002.safetensors',
      },
    });
    const index = parseShardIndex(text, INDEX);
    expect(index.metadata).toEqual({ total_size: 1234 });
    expect(index.weight_map['model.norm.weight']).toBe('model-00002-of-00002.safetensors');
    expect(shardFiles(index)).toEqual(['model-00002-of-00002.safetensors', 'model-00001-of-00002.safetensors']);
    expect(parseShardIndex('{"weight_map": {}}', INDEX).metadata).toBeUndefined();
  });

  it('rejects invalid JSON, a missing weight_map, non-string shard names and bad metadata', () => {
    const bad: [string, RegExp][] = [
      ['{', /not valid JSON/],
      ['[]', /not a JSON object/],
      ['{"metadata": {}}', /"weight_map" must be an object/],
      ['{"weight_map": {"a": 1}}', /"weight_map" must be an object mapping tensor names to shard file names/],
      ['{"weight_map": ["a"]}', /"weight_map" must be an object/],
      ['{"weight_map": {}, "metadata": 3}', /"metadata" must be an object/],
    ];
    for (const [text, pattern] of bad) {
      expect(() => parseShardIndex(text, INDEX)).toThrow(SafetensorsError);
      expect(() => parseShardIndex(text, INDEX)).toThrow(new RegExp(`^${INDEX.replace(/\./g, '\\.')}: .*${pattern.source}`));
    }
  });
});

describe('reference fixture', () => {
  it('reads tiny-llama-ref/model.safetensors', (ctx) => {
    skipUnlessShared(ctx, 'fixtures', 'tiny-llama-ref');
    const bytes = new Uint8Array(readFileSync(sharedPath('fixtures', 'tiny-llama-ref', 'model.safetensors')));
    const { header, tensors } = readSafetensors(bytes, 'tiny-llama-ref/model.safetensors');
    const embed = header.tensors.get('model.embed_tokens.weight')!;
    expect(embed.shape).toEqual([320, 64]);
    expect(embed.dtype).toBe('F32');
    const data = tensors.get('model.embed_tokens.weight')!.data;
    expect(data.length).toBe(320 * 64);
    expect(data.every(Number.isFinite)).toBe(true);
    for (const t of tensors.values()) expect(t.data.length).toBe(t.shape.reduce((a, b) => a * b, 1));
  });
});
