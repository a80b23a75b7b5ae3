// Where a data file's bytes come from: a Node path, an http(s) URL (in the browser also a path on
// this site), or a browser Blob/File. Each source gives its bytes either as a stream of chunks
// (JSONL, JSON) or as random access (Parquet, whose index sits at the end of the file). node:fs is
// imported lazily inside the Node branches so browser bundles never see it.
import { asyncBufferFromUrl, type AsyncBuffer } from 'hyparquet';

export type DataSource = string /* Node path, http(s) URL, or in the browser a site path */ | Blob /* browser File */;

export interface FetchOptions {
  fetch?: typeof fetch;
  signal?: AbortSignal;
}

export class DataSourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataSourceError';
  }
}

const CHUNK_BYTES = 1 << 20;

const isNode = typeof process !== 'undefined' && !!process.versions?.node && typeof window === 'undefined';

/** The source for messages: the path or URL, or the File's name. */
export function describeSource(source: DataSource): string {
  if (typeof source === 'string') return source;
  const name = (source as Partial<File>).name;
  return name ? `file ${name}` : `data (${source.size} bytes)`;
}

/** The name a format can be read from: the path, the URL's path, or the File's name. */
export function sourceName(source: DataSource): string {
  if (typeof source !== 'string') return (source as Partial<File>).name ?? '';
  const url = sourceUrl(source);
  return url ? new URL(url).pathname : source;
}

/** The URL to fetch, or null for a Node path. */
function sourceUrl(s: string): string | null {
  if (/^https?:\/\//i.test(s)) return s;
  return isNode ? null : new URL(s, globalThis.location?.href).href;
}

/** The source's bytes, a chunk at a time. Failing to open or read it throws a DataSourceError. */
export async function* openChunks(source: DataSource, opts: FetchOptions = {}): AsyncGenerator<Uint8Array> {
  try {
    if (typeof source !== 'string') {
      yield* streamChunks(source.stream(), opts.signal);
      return;
    }
    const url = sourceUrl(source);
    if (!url) {
      yield* fileChunks(source, opts.signal);
      return;
    }
    const res = await fetchOk(url, opts);
    if (res.body) yield* streamChunks(res.body, opts.signal);
    else yield new Uint8Array(await res.arrayBuffer());
  } catch (e) {
    if (e instanceof DataSourceError || opts.signal?.aborted) throw e;
    throw new DataSourceError(`Could not read ${describeSource(source)}: ${(e as Error).message}`);
  }
}

export interface RandomAccess {
  file: AsyncBuffer;
  close(): Promise<void>;
}

/** The source as hyparquet's AsyncBuffer: slices read on demand (URLs by HTTP range requests). */
export async function openRandomAccess(source: DataSource, opts: FetchOptions = {}): Promise<RandomAccess> {
  if (typeof source !== 'string') {
    const blob = source;
    return { file: { byteLength: blob.size, slice: (start, end) => blob.slice(start, end).arrayBuffer() }, close: async () => {} };
  }
  const url = sourceUrl(source);
  if (!url) return openFileAccess(source);
  try {
    // hyparquet falls back to one full download when the server ignores Range headers.
    const file = await asyncBufferFromUrl({ url, fetch: fetcher(opts), requestInit: { signal: opts.signal } });
    return { file, close: async () => {} };
  } catch (e) {
    if (opts.signal?.aborted) throw e;
    const message = (e as Error).message;
    const status = /\b([1-5]\d\d)$/.exec(message)?.[1]; // hyparquet's errors end in the HTTP status, e.g. "fetch head failed 404"
    if (status) throw httpError(url, Number(status), '');
    throw new DataSourceError(`Could not reach ${url}: ${message}. Check the address and your network connection.`);
  }
}

async function openFile(path: string) {
  const { open } = await import('node:fs/promises');
  try {
    return await open(path, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    throw new DataSourceError(`Could not open ${path}: ${why}.`);
  }
}

async function* fileChunks(path: string, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
  const handle = await openFile(path);
  try {
    for (;;) {
      // A fresh buffer per chunk: readers keep views into earlier chunks while a record spans them.
      const buf = new Uint8Array(CHUNK_BYTES);
      const { bytesRead } = await handle.read(buf, 0, buf.length, null);
      if (bytesRead === 0) return;
      signal?.throwIfAborted();
      yield buf.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}

async function openFileAccess(path: string): Promise<RandomAccess> {
  const handle = await openFile(path);
  const { size } = await handle.stat();
  const slice = async (start: number, end = size) => {
    const buf = new Uint8Array(end - start);
    for (let at = 0; at < buf.length; ) {
      const { bytesRead } = await handle.read(buf, at, buf.length - at, start + at);
      if (bytesRead === 0) break;
      at += bytesRead;
    }
    return buf.buffer;
  };
  return { file: { byteLength: size, slice }, close: () => handle.close() };
}

async function* streamChunks(stream: ReadableStream<Uint8Array>, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      signal?.throwIfAborted();
      yield value;
    }
  } finally {
    await reader.cancel().catch(() => undefined); // stops a download the caller no longer wants
  }
}

function fetcher(opts: FetchOptions): typeof fetch {
  return opts.fetch ?? ((input, init) => fetch(input, init));
}

async function fetchOk(url: string, opts: FetchOptions): Promise<Response> {
  let res: Response;
  try {
    res = await fetcher(opts)(url, { signal: opts.signal });
  } catch (e) {
    if (opts.signal?.aborted) throw e;
    throw new DataSourceError(`Could not reach ${url}: ${(e as Error).message}. Check the address and your network connection.`);
  }
  if (res.ok) return res;
  await res.body?.cancel();
  throw httpError(url, res.status, res.statusText);
}

function httpError(url: string, status: number, statusText: string): DataSourceError {
  if (status === 404) return new DataSourceError(`${url}: HTTP 404, no file at this address. Check the URL.`);
  if (status === 401 || status === 403) {
    return new DataSourceError(`${url}: HTTP ${status}. The dataset is private or gated; it cannot be downloaded without access.`);
  }
  return new DataSourceError(`${url}: HTTP ${status}${statusText ? ` ${statusText}` : ''}. Try again later, or check the address.`);
}
