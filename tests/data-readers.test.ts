import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataSourceError, describeSource, readRecords, type DataSource, type ReadOptions } from '../src/lib/data/readers';
import type { ReadItem } from '../src/lib/data/types';

const enc = new TextEncoder();
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'data-readers-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function collect(source: DataSource, opts?: ReadOptions): Promise<ReadItem[]> {
  const items: ReadItem[] = [];
  for await (const item of readRecords(source, opts)) items.push(item);
  return items;
}

async function fixture(name: string, content: string | Uint8Array): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

function bytes(...parts: (string | number[])[]): Uint8Array<ArrayBuffer> {
  const arrays = parts.map((p) => (typeof p === 'string' ? enc.encode(p) : Uint8Array.from(p)));
  const out = new Uint8Array(arrays.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of arrays) {
    out.set(a, at);
    at += a.length;
  }
  return out;
}

/** A Blob whose stream() delivers `size`-byte chunks, so records and characters straddle chunks. */
function chunkedBlob(data: Uint8Array<ArrayBuffer>, size: number): Blob {
  const blob = new Blob([data]);
  blob.stream = () =>
    new ReadableStream<Uint8Array<ArrayBuffer>>({
      start(controller) {
        for (let i = 0; i < data.length; i += size) controller.enqueue(data.slice(i, i + size));
        controller.close();
      },
    });
  return blob;
}

/** The same bytes in `size`-byte chunks, as the readers' internal input. */
async function* chunksOf(data: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < data.length; i += size) yield data.slice(i, i + size);
}

const summary = (items: ReadItem[]) => items.map((i) => (i.ok ? { line: i.line, record: i.record } : { line: i.line, error: i.reason.split(':')[0] }));

// Lines: 1 ok, 2 blank, 3 ok (CRLF), 4 invalid JSON, 5 array, 6 bad UTF-8, 7 blank (spaces, CRLF), 8 number, 9 ok without a final newline.
const JSONL = bytes(
  '{"id":1,"text":"héllo 😀 — 日本"}\n',
  '\n',
  '{"id":2}\r\n',
  'not json\n',
  '[1,2]\n',
  '{"id":3,"s":"',
  [0xff, 0xfe],
  '"}\n',
  '   \r\n',
  '42\n',
  '{"id":4,"t":"末尾"}',
);

const JSONL_EXPECTED = [
  { line: 1, record: { id: 1, text: 'héllo 😀 — 日本' } },
  { line: 3, record: { id: 2 } },
  { line: 4, error: 'invalid JSON' },
  { line: 5, error: 'expected a JSON object, got an array' },
  { line: 6, error: 'not valid UTF-8 text (save the file as UTF-8)' },
  { line: 8, error: 'expected a JSON object, got a number' },
  { line: 9, record: { id: 4, t: '末尾' } },
];

const GOOD_ELEMENTS = [
  { a: 'x]}{["', n: { b: [1, { c: '}' }], d: '\\' } },
  { e: 'a "quoted" \\"} string', f: [], g: {} },
  { h: '日本 😀', i: null, j: [true, false, -1.5e3] },
  { last: 'ok' },
];

// Elements: 1-3 ok with whitespace variety, 4 invalid JSON, 5 a number, 6 ok; BOM and CRLF included.
const JSON_ARRAY = bytes(
  [0xef, 0xbb, 0xbf],
  ` [\r\n  ${JSON.stringify(GOOD_ELEMENTS[0], null, 2)} ,\n\t${JSON.stringify(GOOD_ELEMENTS[1])},${JSON.stringify(GOOD_ELEMENTS[2])}`,
  ',\n {"bad": tru}, 5 ,',
  `${JSON.stringify(GOOD_ELEMENTS[3])}\n]\n`,
);

const JSON_EXPECTED = [
  { line: 1, record: GOOD_ELEMENTS[0] },
  { line: 2, record: GOOD_ELEMENTS[1] },
  { line: 3, record: GOOD_ELEMENTS[2] },
  { line: 4, error: 'invalid JSON' },
  { line: 5, error: 'expected a JSON object, got a number' },
  { line: 6, record: GOOD_ELEMENTS[3] },
];

describe('JSONL', () => {
  it('reads good records and reports bad ones with exact line numbers', async () => {
    const items = await collect(await fixture('mixed.jsonl', JSONL));
    expect(summary(items)).toEqual(JSONL_EXPECTED);
    const invalid = items.find((i) => i.line === 4);
    expect(invalid).toMatchObject({ ok: false, reason: expect.stringMatching(/^invalid JSON: .+/) });
  });

  it('stops cleanly when the consumer stops early', async () => {
    const path = await fixture('early.jsonl', '{"a":1}\n{"a":2}\n{"a":3}\n');
    for await (const item of readRecords(path)) {
      expect(item).toEqual({ ok: true, line: 1, record: { a: 1 } });
      break;
    }
  });

  it('reports a line over the size limit and carries on', async () => {
    const { readJsonLines } = await import('../src/lib/data/jsonl');
    const long = `{"x":"${'y'.repeat(100)}"}`;
    const items: ReadItem[] = [];
    for await (const item of readJsonLines(chunksOf(bytes(`${long}\n{"a":1}\n`), 16), 64)) items.push(item);
    expect(summary(items)).toEqual([
      { line: 1, error: 'record longer than 64 bytes; skipped' },
      { line: 2, record: { a: 1 } },
    ]);
  });
});

describe('JSON array', () => {
  it('parses each element on its own, with element index + 1 as the line', async () => {
    expect(summary(await collect(await fixture('array.json', JSON_ARRAY)))).toEqual(JSON_EXPECTED);
  });

  it('reads an empty array', async () => {
    expect(await collect(await fixture('empty.json', ' [ ] '))).toEqual([]);
  });

  it('rejects a top-level object with advice', async () => {
    const path = await fixture('object.json', '{"a": 1}\n');
    await expect(collect(path)).rejects.toThrow(DataSourceError);
    await expect(collect(path)).rejects.toThrow(/object.json holds a JSON object, not an array of objects.*JSONL/);
  });

  it('rejects other top-level values and trailing data', async () => {
    await expect(collect(await fixture('number.json', '42'))).rejects.toThrow(/not a JSON array of objects/);
    await expect(collect(await fixture('trailing.json', '[{"a":1}] x'))).rejects.toThrow(/unexpected data after the array's closing/);
  });

  it('fails clearly when an element never closes', async () => {
    const path = await fixture('unclosed.json', '[{"a": 1}, {"b": "never closed}, {"c": 3}]');
    const seen: ReadItem[] = [];
    await expect(
      (async () => {
        for await (const item of readRecords(path)) seen.push(item);
      })(),
    ).rejects.toThrow(/unclosed.json: the JSON array is not closed \(the file ends inside element 2\)/);
    expect(seen).toEqual([{ ok: true, line: 1, record: { a: 1 } }]);
  });
});

describe('chunk boundaries', () => {
  // Sniffing (a Blob has no name) must also cope with the first bytes arriving one at a time.
  for (const size of [1, 2, 3, 7, 64]) {
    it(`gives the same JSONL and JSON results in ${size}-byte chunks`, async () => {
      const whole = await collect(new Blob([JSONL]));
      expect(summary(whole)).toEqual(JSONL_EXPECTED);
      expect(await collect(chunkedBlob(JSONL, size))).toEqual(whole);
      const wholeArray = await collect(new Blob([JSON_ARRAY]));
      expect(summary(wholeArray)).toEqual(JSON_EXPECTED);
      expect(await collect(chunkedBlob(JSON_ARRAY, size))).toEqual(wholeArray);
    });
  }
});

describe('formats and sources', () => {
  it('takes the format from a File name, else sniffs it', async () => {
    const asJsonl = new File([JSONL], 'data.ndjson');
    expect(summary(await collect(asJsonl))).toEqual(JSONL_EXPECTED);
    expect(summary(await collect(await fixture('noext', JSON_ARRAY)))).toEqual(JSON_EXPECTED);
    expect(summary(await collect(await fixture('noext2', JSONL)))).toEqual(JSONL_EXPECTED);
    // An explicit format wins over the name.
    expect(summary(await collect(await fixture('lines.json', JSONL), { format: 'jsonl' }))).toEqual(JSONL_EXPECTED);
  });

  it('describes sources for messages', () => {
    expect(describeSource('/data/train.jsonl')).toBe('/data/train.jsonl');
    expect(describeSource(new File(['{}'], 'train.json'))).toBe('file train.json');
    expect(describeSource(new Blob(['{}']))).toBe('data (2 bytes)');
  });

  it('stops on an aborted signal', async () => {
    const path = await fixture('abort.jsonl', JSONL);
    await expect(collect(path, { signal: AbortSignal.abort() })).rejects.toThrow(expect.objectContaining({ name: 'AbortError' }));
  });

  it('fails clearly on an unknown format, gzip, and a missing file', async () => {
    await expect(collect(await fixture('data.txt', 'hello'))).rejects.toThrow(/Cannot tell the format of .*data\.txt.*\.jsonl, \.json or \.parquet/);
    await expect(collect(await fixture('data.gz', bytes([0x1f, 0x8b, 8, 0, 0])))).rejects.toThrow(/gzip-compressed/);
    const missing = join(dir, 'missing.jsonl');
    await expect(collect(missing)).rejects.toThrow(DataSourceError);
    await expect(collect(missing)).rejects.toThrow(`Could not open ${missing}: no such file.`);
  });
});

describe('URLs', () => {
  let server: Server;
  let base: string;
  const files: Record<string, Uint8Array> = { '/data.jsonl': JSONL, '/data.json?download=true': JSON_ARRAY, '/noext': JSONL };

  beforeAll(async () => {
    server = createServer((req, res) => {
      const body = files[req.url ?? ''];
      res.writeHead(body ? 200 : 404, { 'content-length': body?.length ?? 0 });
      res.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('reads JSONL and JSON over HTTP', async () => {
    expect(summary(await collect(`${base}/data.jsonl`))).toEqual(JSONL_EXPECTED);
    expect(summary(await collect(`${base}/data.json?download=true`))).toEqual(JSON_EXPECTED);
    expect(summary(await collect(`${base}/noext`))).toEqual(JSONL_EXPECTED);
  });

  it('names the URL on a 404', async () => {
    await expect(collect(`${base}/nope.jsonl`)).rejects.toThrow(`${base}/nope.jsonl: HTTP 404`);
    await expect(collect(`${base}/nope.parquet`)).rejects.toThrow(`${base}/nope.parquet: HTTP 404`);
  });

  it('uses the fetch it is given', async () => {
    const calls: string[] = [];
    const fetchSpy: typeof fetch = (input, init) => {
      calls.push(String(input));
      return fetch(input, init);
    };
    await collect(`${base}/data.jsonl`, { fetch: fetchSpy });
    expect(calls).toEqual([`${base}/data.jsonl`]);
  });
});

describe('Parquet', () => {
  // hyparquet only reads; the fixture is written with hyparquet-writer (a devDependency: without
  // it this file fails to import, as a missing devDependency should).
  it('reads rows one row group at a time from a path, a Blob and a URL', async () => {
    const rows = [
      { id: 1, text: 'héllo 😀' },
      { id: 2, text: 'second' },
      { id: 3, text: 'third' },
      { id: 4, text: 'fourth' },
      { id: 5, text: 'fifth' },
    ];
    const buffer = parquetWriteBuffer({
      columnData: [
        { name: 'id', data: rows.map((r) => r.id), type: 'INT32' },
        { name: 'text', data: rows.map((r) => r.text), type: 'STRING' },
      ],
      rowGroupSize: 2, // three row groups: 2 + 2 + 1 rows
    });
    const expected = rows.map((record, i) => ({ ok: true, line: i + 1, record }));
    const data = new Uint8Array(buffer);
    expect(await collect(await fixture('rows.parquet', data))).toEqual(expected);
    expect(await collect(await fixture('rows-noext', data))).toEqual(expected);
    expect(await collect(new Blob([data]))).toEqual(expected);

    const server = createServer((req, res) => {
      // Honours "Range: bytes=a-b" as hyparquet asks; HEAD gives the length.
      const m = /bytes=(\d+)-(\d*)/.exec(req.headers.range ?? '');
      const body = m ? data.subarray(Number(m[1]), m[2] ? Number(m[2]) + 1 : data.length) : data;
      const headers: Record<string, string | number> = { 'content-length': body.length, 'accept-ranges': 'bytes' };
      if (m) headers['content-range'] = `bytes ${m[1]}-${Number(m[1]) + body.length - 1}/${data.length}`;
      res.writeHead(m ? 206 : 200, headers);
      res.end(req.method === 'HEAD' ? undefined : body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/rows.parquet`;
      expect(await collect(url)).toEqual(expected);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('fails clearly on a file that is not Parquet', async () => {
    await expect(collect(await fixture('fake.parquet', '{"a":1}\n'))).rejects.toThrow(/Could not read .*fake\.parquet as Parquet/);
  });
});

describe('bounded memory', () => {
  const RECORDS = 60_000;
  const TEXT = 'x'.repeat(780);

  /** gc() when Node lets us enable it at run time, for a steadier baseline. */
  const gc: (() => void) | undefined = (() => {
    try {
      setFlagsFromString('--expose-gc');
      return runInNewContext('gc') as () => void;
    } catch {
      return undefined;
    }
  })();

  const used = () => {
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };

  async function writeBig(name: string, json: boolean): Promise<{ path: string; size: number }> {
    const path = join(dir, name);
    const handle = await open(path, 'w');
    let size = 0;
    const write = async (s: string) => {
      const b = enc.encode(s);
      size += b.length;
      await handle.write(b);
    };
    if (json) await write('[\n');
    for (let start = 0; start < RECORDS; start += 1000) {
      const lines: string[] = [];
      for (let i = start; i < start + 1000; i++) lines.push(JSON.stringify({ id: i, text: TEXT, note: `record ${i} {with} [brackets] "quotes"` }));
      await write(json ? lines.join(',\n') + (start + 1000 < RECORDS ? ',\n' : '\n]\n') : lines.join('\n') + '\n');
    }
    await handle.close();
    return { path, size };
  }

  /**
   * Peak growth sampled every 2000 records includes young-generation garbage (V8's semi-space,
   * up to 16 MB); `retained`, sampled after a gc when we have one, is what the reader holds.
   */
  async function measure(path: string) {
    gc?.();
    const baseline = used();
    let peak = baseline;
    let retained = 0;
    let count = 0;
    const t0 = performance.now();
    for await (const item of readRecords(path)) {
      if (!item.ok) throw new Error(`line ${item.line}: ${item.reason}`);
      if (++count % 2000 === 0) peak = Math.max(peak, used());
      if (gc && count % 10_000 === 0) {
        gc();
        retained = Math.max(retained, used() - baseline);
      }
    }
    return { count, seconds: (performance.now() - t0) / 1000, growth: peak - baseline, retained };
  }

  for (const [name, json] of [
    ['big.jsonl', false],
    ['big.json', true],
  ] as const) {
    it(`reads a ~50 MB ${json ? 'JSON array' : 'JSONL file'} in bounded memory`, async () => {
      const { path, size } = await writeBig(name, json);
      expect(size).toBeGreaterThan(50 * 1000 * 1000);
      const { count, seconds, growth, retained } = await measure(path);
      const mb = (n: number) => (n / 2 ** 20).toFixed(1);
      const after = gc ? `, retained after gc ${mb(retained)} MB` : ' (no gc available)';
      console.log(`${name}: ${mb(size)} MB, ${count} records in ${seconds.toFixed(2)} s; peak heap+arrayBuffers growth ${mb(growth)} MB${after}`);
      expect(count).toBe(RECORDS);
      expect(growth).toBeLessThan(25 * 2 ** 20);
      expect(retained).toBeLessThan(8 * 2 ** 20);
      await rm(path);
    });
  }
});
