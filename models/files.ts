// Where a model's files come from: a local folder (Node), a URL base, a Hugging Face hub id, or
// browser File objects. Every source answers the same question: "the bytes of file X, or null
// when the source has no such file", with download progress in bytes.

export interface FileProgress {
  file: string;
  loaded: number;
  /** Total bytes when known (Content-Length or file size). */
  total: number | null;
  /** True when the bytes came from the browser cache, not the network. */
  cached?: boolean;
}

export type ProgressCallback = (p: FileProgress) => void;

export interface ModelFiles {
  /** Human description for messages, e.g. "hub model HuggingFaceTB/SmolLM2-135M@main". */
  readonly description: string;
  /** Where one file lives, for messages. */
  locate(name: string): string;
  /** The file's bytes, or null when the source does not have it. Other failures throw. */
  get(name: string, onProgress?: ProgressCallback): Promise<Uint8Array | null>;
}

export class SourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SourceError';
  }
}

export const DEFAULT_HUB_ENDPOINT = 'https://huggingface.co';
export const MODEL_CACHE_NAME = 'distill-lab-models';

/** Reads a response body, reporting progress as it arrives. */
async function readBody(res: Response, file: string, onProgress?: ProgressCallback, cached = false): Promise<Uint8Array> {
  const header = res.headers.get('content-length');
  const total = header ? Number(header) : null;
  if (!res.body) {
    const bytes = new Uint8Array(await res.arrayBuffer());
    onProgress?.({ file, loaded: bytes.length, total: bytes.length, cached });
    return bytes;
  }
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  onProgress?.({ file, loaded, total, cached });
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.length;
    onProgress?.({ file, loaded, total, cached });
  }
  if (total !== null && loaded !== total) {
    throw new SourceError(`${file}: the download stopped after ${loaded} of ${total} bytes. Check the connection and load again.`);
  }
  if (chunks.length === 1) return chunks[0];
  const bytes = new Uint8Array(loaded);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.length;
  }
  return bytes;
}

/** The Cache API, where the runtime has one (browsers, workers); null in Node. */
async function openCache(enabled: boolean): Promise<Cache | null> {
  if (!enabled || typeof caches === 'undefined') return null;
  try {
    return await caches.open(MODEL_CACHE_NAME);
  } catch {
    return null; // e.g. an opaque origin; caching is an optimisation, not a requirement
  }
}

export interface UrlFilesOptions {
  fetch?: typeof fetch;
  /** Keep downloads in the browser's Cache API and serve repeats from it. Default true. */
  cache?: boolean;
  description?: string;
  /** Extra advice for a 404 on a required file. */
  notFoundHint?: string;
}

export function urlFiles(base: string, opts: UrlFilesOptions = {}): ModelFiles {
  const root = base.replace(/\/+$/, '');
  const doFetch = opts.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const locate = (name: string) => `${root}/${name}`;
  return {
    description: opts.description ?? root,
    locate,
    async get(name, onProgress) {
      const url = locate(name);
      const cache = await openCache(opts.cache ?? true);
      const hit = await cache?.match(url);
      if (hit) return readBody(hit, name, onProgress, true);
      let res: Response;
      try {
        res = await doFetch(url);
      } catch (e) {
        throw new SourceError(`Could not reach ${url}: ${(e as Error).message}. Check the address and your network connection.`);
      }
      if (res.status === 404) return null;
      if (res.status === 401 || res.status === 403) {
        throw new SourceError(`${url}: HTTP ${res.status}. The model is private or gated; it cannot be downloaded without access.`);
      }
      if (!res.ok) throw new SourceError(`${url}: HTTP ${res.status} ${res.statusText}. Try again later, or check the address.`);
      if (!cache) return readBody(res, name, onProgress);
      const bytes = await readBody(res, name, onProgress);
      const headers = new Headers({ 'content-type': res.headers.get('content-type') ?? 'application/octet-stream', 'content-length': String(bytes.length) });
      await cache.put(url, new Response(bytes.slice().buffer as ArrayBuffer, { headers })).catch(() => undefined); // a full quota only costs a re-download
      return bytes;
    },
  };
}

export interface HubOptions extends Omit<UrlFilesOptions, 'description' | 'notFoundHint'> {
  revision?: string;
  endpoint?: string;
}

export const HUB_ID_PATTERN = /^[A-Za-z0-9][\w.-]*\/[\w.-]+$/;

export function hubFiles(id: string, opts: HubOptions = {}): ModelFiles {
  const revision = opts.revision ?? 'main';
  const endpoint = (opts.endpoint ?? DEFAULT_HUB_ENDPOINT).replace(/\/+$/, '');
  return urlFiles(`${endpoint}/${id}/resolve/${encodeURIComponent(revision)}`, {
    ...opts,
    description: `hub model ${id}@${revision} (${endpoint})`,
  });
}

/** Browser File objects (a picked folder or several files); matched by base name. */
export function browserFiles(files: Iterable<File>): ModelFiles {
  const byName = new Map<string, File>();
  for (const f of files) byName.set(f.name, f);
  return {
    description: `local files (${[...byName.keys()].join(', ')})`,
    locate: (name) => `local file ${name}`,
    async get(name, onProgress) {
      const f = byName.get(name);
      if (!f) return null;
      const bytes = new Uint8Array(await f.arrayBuffer());
      onProgress?.({ file: name, loaded: bytes.length, total: bytes.length });
      return bytes;
    },
  };
}

/** A folder on disk (Node only; node:fs is imported lazily so browser bundles never see it). */
export function nodeDirFiles(dir: string): ModelFiles {
  return {
    description: `folder ${dir}`,
    locate: (name) => `${dir.replace(/\/+$/, '')}/${name}`,
    async get(name, onProgress) {
      const { readFile } = await import('node:fs/promises');
      const { join } = await import('node:path');
      try {
        const buf = await readFile(join(dir, name));
        const bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
        onProgress?.({ file: name, loaded: bytes.length, total: bytes.length });
        return bytes;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw new SourceError(`Could not read ${join(dir, name)}: ${(e as Error).message}`);
      }
    },
  };
}

export type ModelSource = string | ModelFiles | Iterable<File>;

export const isNode = typeof process !== 'undefined' && !!process.versions?.node && typeof window === 'undefined';

/**
 * One door for every source: an http(s) URL base; in Node an existing folder; in the browser a
 * path on this site ("/models/x" or "./models/x"); a hub id "org/name"; or browser Files.
 */
export async function resolveSource(source: ModelSource, hub: HubOptions = {}): Promise<ModelFiles> {
  if (typeof source !== 'string') {
    if ('get' in source && 'locate' in source) return source as ModelFiles;
    return browserFiles(source as Iterable<File>);
  }
  const s = source.trim();
  if (/^https?:\/\//i.test(s)) return urlFiles(s, hub);
  if (isNode) {
    const { stat } = await import('node:fs/promises');
    const info = await stat(s).catch(() => null);
    if (info?.isDirectory()) return nodeDirFiles(s);
    if (info) throw new SourceError(`${s} is a file; give the folder that holds config.json and the safetensors weights.`);
  } else if (/^\.{0,2}\//.test(s)) {
    return urlFiles(new URL(s, globalThis.location?.href).href, hub);
  }
  if (HUB_ID_PATTERN.test(s)) return hubFiles(s, hub);
  throw new SourceError(
    `"${s}" is not a model source. Give a folder${isNode ? '' : ' path on this site'} with config.json and model.safetensors, an http(s) URL to such a folder, or a Hugging Face id such as HuggingFaceTB/SmolLM2-135M.`,
  );
}
