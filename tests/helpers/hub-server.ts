// A tiny stand-in for the Hugging Face hub: serves local folders at
// {url}/{org}/{name}/resolve/{revision}/{file}, so loaders can be pointed at it as their endpoint.
import { createReadStream, statSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';

export interface HubServer {
  /** Endpoint, e.g. http://127.0.0.1:1234 */
  url: string;
  /** Paths requested, in order (GET and HEAD). */
  requests: string[];
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.model': 'application/octet-stream',
  '.safetensors': 'application/octet-stream',
  '.bin': 'application/octet-stream',
};

const CORS = { 'Access-Control-Allow-Origin': '*', 'Cross-Origin-Resource-Policy': 'cross-origin' };

export async function startHubServer(repos: Record<string, string>, opts: { revision?: string } = {}): Promise<HubServer> {
  const revision = opts.revision ?? 'main';
  const requests: string[] = [];

  const server = http.createServer((req, res) => {
    // The raw path, not a URL-normalised one, so that `..` segments are seen and refused.
    let pathname: string;
    try {
      pathname = decodeURIComponent((req.url ?? '/').split('?')[0]);
    } catch {
      pathname = req.url ?? '/';
    }
    requests.push(pathname);
    const notFound = () => {
      const body = JSON.stringify({ error: 'Entry not found' });
      res.writeHead(404, { ...CORS, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...CORS, Allow: 'GET, HEAD' }).end();
      return;
    }
    // /{org}/{name}/resolve/{revision}/{file...}, and datasets at /datasets/{org}/{name}/resolve/…
    const m = /^\/((?:datasets\/)?[^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(pathname);
    const dir = m ? repos[m[1]] : undefined;
    if (!m || dir === undefined || m[2] !== revision || m[3].split('/').some((p) => p === '..' || p === '')) {
      notFound();
      return;
    }
    const file = path.join(dir, ...m[3].split('/'));
    let size: number;
    try {
      const st = statSync(file);
      if (!st.isFile()) throw new Error('not a file');
      size = st.size;
    } catch {
      notFound();
      return;
    }
    res.writeHead(200, {
      ...CORS,
      'Content-Type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
      'Content-Length': size,
    });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('hub server has no TCP address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}
