import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';

/** Content types for what a Vite build emits; anything else is served as bytes. */
const MIME_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

/**
 * The headers that make the page cross-origin isolated (SharedArrayBuffer for wasm threads),
 * the same ones vite.config.ts sends from the dev server and preview.
 */
export const CROSS_ORIGIN_ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export interface StaticServer {
  /** `http://127.0.0.1:PORT`, without a trailing slash: a secure context for WebGPU. */
  readonly url: string;
  readonly port: number;
  /** Paths requested so far, in order, e.g. `/assets/index-abc.js`. */
  readonly requests: string[];
  close(): Promise<void>;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * Serves the files under `dir` (a built `dist/`) on 127.0.0.1 at a free port, with correct MIME
 * types (application/wasm included) and cross-origin isolation headers, under the URL path
 * `base` (`/`, or e.g. `/some-name/` as a project page is; anything else is 404). `base` and
 * unknown paths without an extension get `index.html`; paths outside `dir` are refused.
 */
export async function startStaticServer(dir: string, base = '/'): Promise<StaticServer> {
  const root = resolve(dir);
  const requests: string[] = [];

  const server: Server = createServer((request, response) => {
    void (async () => {
      const pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
      requests.push(pathname);
      if (!pathname.startsWith(base)) {
        response.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not under the base path');
        return;
      }
      let file = normalize(join(root, pathname.slice(base.length - 1)));
      if (file !== root && !file.startsWith(root + sep)) {
        response.writeHead(403).end('Forbidden');
        return;
      }
      if (!(await isFile(file))) {
        if (extname(pathname) !== '') {
          response.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found');
          return;
        }
        file = join(root, 'index.html');
      }
      response.writeHead(200, {
        ...CROSS_ORIGIN_ISOLATION_HEADERS,
        'Content-Type': MIME_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
        'Cache-Control': 'no-store',
      });
      if (request.method === 'HEAD') {
        response.end();
        return;
      }
      createReadStream(file).pipe(response);
    })().catch((error: unknown) => {
      response.writeHead(500).end(String(error));
    });
  });

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolveListen());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolveClose, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolveClose()));
      }),
  };
}
